"""Form helpers shared by every app's views."""

import dataclasses
import datetime

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.forms.renderers import DjangoTemplates
from django.http import QueryDict
from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from villagedesk.core.concurrency import (
    EditConflict,
    form_token_checked,
    form_token_new,
    form_token_refuse_spent,
    version_field_of,
)
from villagedesk.core.converters import number_or_none
from villagedesk.core.masking import query_masked
from villagedesk.core.offline import OFFLINE_KEY_FIELD, offline_key_of

FORM_OUT_OF_DATE = _(
    "This form was out of date and has been renewed, so nothing was saved. Check it and send it "
    "again."
)


class RowsField(forms.ModelMultipleChoiceField):
    """Rows chosen by their ids. An id that is not a number is refused as one not among the
    choices before the database reads it: SQLite refuses a number past 64 bits in a list."""

    def clean(self, value):
        for pk in value if isinstance(value, list | tuple) else []:
            if number_or_none(pk) is None:
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super().clean(value)


@dataclasses.dataclass(frozen=True)
class Difference:
    """A field whose saved value is not the one the user sent."""

    label: str
    theirs: str


@dataclasses.dataclass(frozen=True)
class Conflict:
    """What someone else saved while the user edited: who, when, and the fields that differ."""

    by: str
    at: datetime.datetime | None
    differences: list[Difference]
    removed: bool = False


class SavedOnceForm:
    """A form whose save can neither undo someone else's nor happen twice.

    Editing a saved, versioned record, it carries the version the user started from, and the
    instance is saved from that version (a save since then is an EditConflict, shown by
    `conflict_show`). Otherwise it carries a one-time token that `core.concurrency.saved_once`
    spends; a token already spent makes validation raise FormAlreadySent, which
    `core.middleware.FormSentTwiceMiddleware` answers. Both travel in hidden inputs that
    `core/_form_guard.html` renders, with the key the phone made for a sending it may queue
    (`core.offline.OFFLINE_KEY_FIELD`) when the form comes back with errors.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict = None
        instance = getattr(self, "instance", None)
        self.version_field = (
            version_field_of(type(instance))
            if instance is not None and not instance._state.adding
            else None
        )
        if self.version_field is not None:
            self.guard = {"version": str(getattr(instance, self.version_field.attname))}
        else:
            self.guard = {"form_token": form_token_new()}

    @property
    def spendable_token(self) -> str | None:
        """The checked token of a sent create form, for `saved_once` to spend."""
        if self.version_field is not None or not self.is_bound:
            return None
        return form_token_checked(self.guard["form_token"])

    def full_clean(self):
        if self.is_bound and "form_token" in self.data:
            # A repeat is answered before the form is checked again: the row the first sending
            # added would make it look invalid (a number now taken), or make the form an edit
            # (a day's diary), where it is only repeated.
            form_token_refuse_spent(str(self.data["form_token"]))
        super().full_clean()
        if not self.is_bound:
            return
        if self.version_field is not None:
            sent = number_or_none(self.data.get("version"))
            if sent:
                self.guard["version"] = str(sent)
                setattr(self.instance, self.version_field.attname, sent)
            else:
                self.add_error(None, FORM_OUT_OF_DATE)
        else:
            sent = str(self.data.get("form_token", ""))
            if form_token_checked(sent) is None:
                self.add_error(None, FORM_OUT_OF_DATE)
            else:
                self.guard["form_token"] = sent
            key = offline_key_of(self.data)
            if key is not None:
                # Shown again with the form's errors, the key tells the phone that the server
                # answered this sending (static/js/offline.js drops what it kept of it).
                self.guard[OFFLINE_KEY_FIELD] = key

    def conflict_show(self, conflict: EditConflict) -> None:
        """Keep what the user typed, show what is saved now where it differs, and let the next
        save start from the version now saved."""
        self.add_error(None, conflict)
        current = conflict.current
        if current is None:
            self.conflict = Conflict(by="", at=None, differences=[], removed=True)
            return
        started_from = getattr(self.instance, self.version_field.attname)
        self.guard["version"] = str(getattr(current, self.version_field.attname))
        latest = started = None
        history = getattr(current, "history", None)
        if history is not None:
            latest = history.select_related("history_user").order_by("-history_date").first()
            started = (
                history.filter(**{self.version_field.attname: started_from})
                .order_by("-history_date")
                .first()
            )
        self.conflict = Conflict(
            by=str(latest.history_user or _("system")) if latest else str(_("someone else")),
            at=latest.history_date if latest else None,
            differences=self.differences_from(current, started or self.instance),
        )

    def differences_from(self, current, before) -> list[Difference]:
        """The form's fields whose value in `current` differs from `before`: the version the
        user started from, as the history keeps it, or else what the user sent."""
        differences = []
        for name, form_field in self.fields.items():
            try:
                model_field = current._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if not model_field.concrete or model_field.many_to_many:
                continue
            theirs = model_field.value_from_object(current)
            # A field the history does not keep is compared with what the user sent.
            reference = before if hasattr(before, model_field.attname) else self.instance
            if theirs != model_field.value_from_object(reference):
                differences.append(
                    Difference(
                        label=str(form_field.label or model_field.verbose_name),
                        theirs=self.value_shown(name, current, model_field, form_field),
                    )
                )
        return differences

    def value_shown(self, name, current, model_field, form_field) -> str:
        """A saved value as the form would offer it; personal numbers masked."""
        value = getattr(current, name)
        masks = getattr(self, "masked_fields", {})
        if value in (None, "", []):
            return "—"
        if name in masks:
            return masks[name](value)
        if model_field.is_relation:
            label = getattr(form_field, "label_from_instance", str)
            return str(label(value))
        labels = dict(model_field.flatchoices or getattr(form_field, "choices", None) or [])
        if isinstance(value, list):
            return ", ".join(str(labels.get(v, v)) for v in value)
        if isinstance(value, bool):
            return str(_("yes") if value else _("no"))
        if isinstance(value, str | int) and value in labels:
            return str(labels[value])
        return str(formats.localize(value))


def form_with_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form, field by field where it names fields; an
    EditConflict also shows what the other person saved."""
    if isinstance(error, EditConflict) and hasattr(form, "conflict_show"):
        form.conflict_show(error)
    elif hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def numbers_in_full_asked(request) -> tuple[bool, str]:
    """Whether an export asks for personal numbers in full, and the purpose it states.

    Only a POST asks, so that the purpose stays out of URLs and access logs; a GET exports with
    numbers masked. Whether the user may have them is the export service's question.
    """
    if request.method != "POST" or request.POST.get("full_numbers") != "1":
        return False, ""
    return True, request.POST.get("purpose", "")[:200]


PAGING_KEYS = ("page", "after", "before")


def search_shown(request, form) -> QueryDict:
    """A list page's query as the page shows it back: an identity number typed in its search box
    masked (in the bound form too, which the box shows), without the paging keys, for the links
    that keep the search while they page or change a filter."""
    shown = query_masked(request.GET)
    if form.is_bound:
        form.data = shown
    for name in PAGING_KEYS:
        shown.pop(name, None)
    return shown


def search_pushed(request, response):
    """A list swapped in by htmx pushes its address to the browser's history: with what was
    typed in its search box as the page shows it (a number masked)."""
    if request.htmx:
        pushed = query_masked(request.GET)
        if pushed != request.GET:
            response["HX-Push-Url"] = f"{request.path}?{pushed.urlencode()}"
    return response


SELECT_TEMPLATE = forms.Select.template_name
OPTION_TEMPLATE = forms.Select.option_template_name


class FormRenderer(DjangoTemplates):
    """Django's form renderer, with a select's options written in Python.

    Django renders a select by including a template for each of its options: a county's 200
    villages take some ten milliseconds to render on every page with a village filter. The
    options are written here as Django's templates write them (`select_html`); a select with
    option groups or another option template is left to the templates.
    """

    def render(self, template_name, context, request=None):
        widget = context.get("widget") if template_name == SELECT_TEMPLATE else None
        if widget is not None and plain_options(widget):
            return select_html(widget)
        return super().render(template_name, context, request=request)


def plain_options(widget: dict) -> bool:
    return all(
        not group_name and all(option["template_name"] == OPTION_TEMPLATE for option in options)
        for group_name, options, _index in widget["optgroups"]
    )


def attributes_html(attrs: dict) -> str:
    """Attributes as `django/forms/widgets/attrs.html` writes them: False left out, True bare,
    anything else (None included) as text."""
    return mark_safe(  # noqa: S308 (each part is escaped by format_html)
        "".join(
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, str(value))
            for name, value in attrs.items()
            if value is not False
        )
    )


def select_html(widget: dict) -> SafeString:
    options = format_html_join(
        "",
        '\n  <option value="{}"{}>{}</option>',
        (
            (str(option["value"]), attributes_html(option["attrs"]), option["label"])
            for _group, group_options, _index in widget["optgroups"]
            for option in group_options
        ),
    )
    return format_html(
        '<select name="{}"{}>{}\n</select>',
        widget["name"],
        attributes_html(widget["attrs"]),
        options,
    )
