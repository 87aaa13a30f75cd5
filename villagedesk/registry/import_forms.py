"""Forms of the import pages: upload, column mapping, load."""

from django import forms
from django.utils.translation import gettext_lazy as _

from villagedesk.accounts import permissions
from villagedesk.accounts.permissions import Capability
from villagedesk.areas.models import Area, Level
from villagedesk.core.codelists import fold
from villagedesk.core.forms import SavedOnceForm
from villagedesk.registry.imports.columns import COLUMNS
from villagedesk.registry.imports.engine import blank_column_key
from villagedesk.registry.models import ImportMapping

UPLOAD_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt")


def importable_areas(user):
    """Villages, townships and counties whose registry the user keeps."""
    return (
        Area.objects.within(permissions.prefixes(user, Capability.KEEP_REGISTRY))
        .filter(level__in=[Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE])
        .order_by("code")
    )


class ImportUploadForm(SavedOnceForm, forms.Form):
    file = forms.FileField(
        label=_("Ledger file"), help_text=_("A .xlsx, .xls, .ods, .csv or .txt file.")
    )
    area = forms.ModelChoiceField(label=_("Import into"), queryset=Area.objects.none())
    mapping = forms.ModelChoiceField(
        label=_("Saved column mapping"), queryset=ImportMapping.objects.none(), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = importable_areas(user)
        self.fields["area"].label_from_instance = lambda area: area.display_name
        self.fields["mapping"].queryset = ImportMapping.objects.filter(owner=user)
        areas = list(self.fields["area"].queryset[:2])
        if len(areas) == 1:
            self.fields["area"].initial = areas[0]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(UPLOAD_SUFFIXES):
            raise forms.ValidationError(_("Give a .xlsx, .xls, .ods, .csv or .txt file."))
        return upload


def field_choices():
    return [("", _("(ignore this column)"))] + [(c.name, c.label) for c in COLUMNS]


class MappingForm(forms.Form):
    """One choice per column of the file: the field it holds. A column is named by its header,
    or by its letters when it has none (`blank_columns`, which hold something)."""

    save_as = forms.CharField(label=_("Save this mapping as"), max_length=100, required=False)

    def __init__(self, *args, headers: list[str], columns: dict, blank_columns=(), **kwargs):
        super().__init__(*args, **kwargs)
        named = [(fold(header), header) for header in headers]
        named += [
            (
                blank_column_key(letters),
                _("column %(letters)s (no header)") % {"letters": letters},
            )
            for letters in blank_columns
        ]
        self.headers = []
        for index, (key, label) in enumerate(named):
            name = f"col{index}"
            self.fields[name] = forms.ChoiceField(
                label=label,
                choices=field_choices(),
                required=False,
                initial=columns.get(key, ""),
            )
            self.headers.append((key, label, name))

    def columns(self) -> dict:
        return {key: self.cleaned_data[name] for key, _label, name in self.headers}

    def header_fields(self):
        """Each column's key, label and choice of field."""
        return [(key, label, self[name]) for key, label, name in self.headers]


class LoadForm(forms.Form):
    partial = forms.BooleanField(
        label=_("Load the valid households and leave out those with errors"), required=False
    )


class LedgerExportForm(forms.Form):
    ledger = forms.ChoiceField(label=_("Ledger"))
    area = forms.ModelChoiceField(label=_("Area"), queryset=Area.objects.none())
    status = forms.ChoiceField(label=_("Household type"), required=False)
    file_format = forms.ChoiceField(
        label=_("Format"), choices=[("xlsx", ".xlsx"), ("csv", ".csv")], initial="xlsx"
    )
    full_numbers = forms.BooleanField(
        label=_("Identity and phone numbers in full"),
        required=False,
        help_text=_("Only for roles that may export them; the export is recorded."),
    )
    purpose = forms.CharField(
        label=_("Purpose of exporting numbers in full"), max_length=200, required=False
    )

    def __init__(self, *args, user, **kwargs):
        from villagedesk.registry.codes import HouseholdStatus
        from villagedesk.registry.exports import LEDGERS

        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["ledger"].choices = [(name, ledger.title) for name, ledger in LEDGERS.items()]
        self.fields["area"].queryset = (
            Area.objects.visible_to(user)
            .filter(level__in=[Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE])
            .order_by("code")
        )
        self.fields["area"].label_from_instance = lambda area: area.display_name
        self.fields["status"].choices = [
            ("", _("All household types")),
            *HouseholdStatus.choices,
        ]

    def clean(self):
        data = super().clean()
        area = data.get("area")
        if data.get("full_numbers") and area is not None:
            if not permissions.holds(self.user, Capability.EXPORT_PERSONAL_DATA, area.code):
                self.add_error(
                    "full_numbers",
                    _("You may not export personal numbers in full for this area."),
                )
            elif not data.get("purpose", "").strip():
                self.add_error(
                    "purpose", _("State the purpose of exporting personal numbers in full.")
                )
        return data
