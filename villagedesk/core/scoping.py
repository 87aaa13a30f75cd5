"""Scoping by area code: a row carries the 12-digit code of its area, and a user sees the rows
whose code starts with one of the significant prefixes of their areas.

The code is kept by the row itself: a model inherits one of the abstract bases below, whose
`ScopeCodeField` takes the code from the row's village, household or person whenever the row is
inserted or updated, `bulk_create` included. Writes that bypass the ORM (COPY, raw executemany)
call `scope_codes_fill` first. Reads go through `ScopedQuerySet.visible_to(user)` and
`get_visible_or_404`.
"""

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext_lazy as _


def prefix_end(prefix: str) -> str | None:
    """The first code of digits after every code that starts with the prefix (a prefix of
    digits): "5340211" gives "5340212", "5340219" gives "534022"; None for nines only."""
    digits = prefix
    while digits.endswith("9"):
        digits = digits[:-1]
    if not digits:
        return None
    return digits[:-1] + str(int(digits[-1]) + 1)


def prefix_match(prefixes, field: str = "area_code") -> Q:
    """A filter for codes starting with any of the prefixes (the caller handles no prefixes).

    Area codes are digits, and the codes of digits that start with a prefix of digits are
    exactly those from the prefix up to `prefix_end`: that range, which an index on the field
    (alone or first of several) reads directly and orders by, rather than a LIKE, which
    PostgreSQL turns into a range only for an index of pattern operators or in the C collation
    and SQLite not at all. The range alone: given both, PostgreSQL multiplies their
    selectivities, expects almost no rows and joins grouped views in nested loops."""
    q = Q()
    for prefix in prefixes:
        if not (prefix.isascii() and prefix.isdigit()):
            q |= Q(**{f"{field}__startswith": prefix})
            continue
        condition = Q(**{f"{field}__gte": prefix})
        if (end := prefix_end(prefix)) is not None:
            condition &= Q(**{f"{field}__lt": end})
        q |= condition
    return q


class ScopedQuerySet(models.QuerySet):
    area_field = "area_code"

    def within(self, prefixes):
        """Rows at or below any of the prefixes; none when there are none."""
        if not prefixes:
            return self.none()
        return self.filter(prefix_match(prefixes, self.area_field))

    def visible_to(self, user):
        """Rows in the areas the user sees now (all assigned, or the one in focus)."""
        return self.within(user.area_prefixes())


def get_visible_or_404(queryset: ScopedQuerySet, *, user, **lookup):
    """The one row of the queryset matching the lookup that the user sees; Http404 otherwise.

    Outside the user's areas and not found at all answer the same, so that a key never tells
    whether a row exists elsewhere; a key of the wrong type ("abc" for an id) is not found either.
    """
    try:
        row = queryset.visible_to(user).filter(**lookup).first()
    except ValueError:
        raise Http404 from None
    if row is None:
        raise Http404
    return row


class ScopeCodeField(models.CharField):
    """The area code of a row, taken from the row's `scope_code()` whenever the row is written.

    Django asks a field for its value through `pre_save` on `save()` and on `bulk_create()`, so
    no model copies codes by hand and no bulk insert leaves a row without one (such a row would
    be invisible to everyone). `digits` keeps only the leading digits (a county code).
    """

    def __init__(self, *args, digits: int | None = None, **kwargs):
        self.digits = digits
        kwargs.setdefault("max_length", digits or 12)
        kwargs.setdefault("db_index", True)
        kwargs["editable"] = False
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("editable", None)
        if self.digits is not None:
            kwargs["digits"] = self.digits
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        value = model_instance.scope_code()
        if self.digits is not None:
            value = value[: self.digits]
        setattr(model_instance, self.attname, value)
        return value


def scope_codes_fill(instances) -> None:
    """Set the scope codes of rows about to be written without the ORM's insert or update."""
    for instance in instances:
        for field in instance._meta.concrete_fields:
            if isinstance(field, ScopeCodeField):
                field.pre_save(instance, add=instance._state.adding)


class Scoped(models.Model):
    """A row seen by those whose areas cover its `area_code`; subclasses say where it comes from.

    `scope_follows` names the foreign key a row takes its area from, where it is another row's
    (a household's enrolments, a person's notes): when that row moves to another village, the
    rows that follow it move with it (`scope_codes_follow`), or, for a row that only holds
    within its village (`scope_left_behind`: a household's place in a group of its village),
    are removed."""

    area_code = ScopeCodeField()
    scope_follows: str | None = None
    scope_left_behind = False

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    def scope_code(self) -> str:
        raise NotImplementedError


class VillageScoped(Scoped):
    """A record of one village (an area of village level), seen by those who work there."""

    village = models.ForeignKey(
        "areas.Area",
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="+",
        # areas.Level.VILLAGE: core sits below areas and names it by value.
        limit_choices_to={"level": 5},
    )

    class Meta:
        abstract = True

    def scope_code(self) -> str:
        return self.village.code

    def clean(self):
        super().clean()
        if self.village_id and not self.village.is_village:
            raise ValidationError({"village": _("Choose a village.")})


class HouseholdScoped(Scoped):
    """A record about one household, scoped wherever the household lives."""

    scope_follows = "household"

    household = models.ForeignKey(
        "registry.Household",
        verbose_name=_("household"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    class Meta:
        abstract = True

    def scope_code(self) -> str:
        return self.household.area_code


def scope_codes_follow(model: type[models.Model], pks, code: str) -> None:
    """Rows that take their area from these rows of `model` (moved to the area `code`) take it
    too, where they have not already, or are removed where they hold only in the area they were
    in; one query per kind of row that follows `model`."""
    for follower in apps.get_models():
        if not issubclass(follower, Scoped) or follower.scope_follows is None:
            continue
        if follower._meta.get_field(follower.scope_follows).related_model is not model:
            continue
        moved = follower.objects.filter(**{f"{follower.scope_follows}__in": list(pks)}).exclude(
            area_code=code
        )
        if follower.scope_left_behind:
            moved.delete()
        else:
            moved.update(area_code=code)
