from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from villagedesk.core.forms import SavedOnceForm
from villagedesk.registry.codes import DocumentType, HouseholdStatus
from villagedesk.registry.identity import check_phone, identity_facts, normalise_account_number
from villagedesk.registry.models import (
    CONDITIONS,
    MEASURES,
    PERSONAL_NUMBERS,
    Household,
    Person,
    Supporter,
)


class HouseholdFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=50,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Name, pinyin, initials or ID-number tail"),
                "autocomplete": "off",
            }
        ),
    )
    village = forms.ChoiceField(label=_("Village"), required=False)
    group = forms.TypedChoiceField(label=_("Group"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(
        label=_("Household type"),
        required=False,
        choices=[("", _("All household types")), *HouseholdStatus.choices],
    )
    size = forms.TypedChoiceField(
        label=_("Per page"),
        required=False,
        coerce=int,
        empty_value=settings.HOUSEHOLD_PAGE_SIZES[0],
        choices=[(n, n) for n in settings.HOUSEHOLD_PAGE_SIZES],
    )

    def __init__(self, *args, villages, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [("", _("All villages"))] + [
            (v.code, v.display_name) for v in villages
        ]
        # A new village reloads the page, so that the groups offered are that village's.
        self.fields["village"].widget.attrs["data-submit-on-change"] = True
        self.fields["group"].choices = [("", _("All groups"))] + [
            (g.pk, f"{g.village.display_name} · {g.name}") for g in groups
        ]


class KeepsMaskedNumbers:
    """Never put a recorded personal number into a form: show it masked, keep it when left empty.

    Reading a full number is a reveal, which is logged; editing must not bypass that.
    """

    masked_fields = PERSONAL_NUMBERS

    def hide_recorded_numbers(self):
        for name, mask in self.masked_fields.items():
            recorded = getattr(self.instance, name, None) if name in self.fields else None
            if recorded:
                self.initial[name] = ""
                self.fields[name].widget.attrs["placeholder"] = mask(recorded)
                self.fields[name].help_text = _(
                    "Recorded: %(masked)s. Leave empty to keep it, or type a new number."
                ) % {"masked": mask(recorded)}

    def recorded_or(self, name: str, value: str) -> str:
        return value or getattr(self.instance, name, None) or ""


class HouseholdForm(KeepsMaskedNumbers, SavedOnceForm, forms.ModelForm):
    class Meta:
        model = Household
        fields = [
            "village",
            "group",
            "number",
            "address",
            "phone",
            "status",
            "poverty_status",
            "poverty_attribute",
            "main_cause",
            "other_cause_1",
            "other_cause_2",
            "identified_on",
            "housing_safety",
            "water_safety",
            "owns_vehicle",
            "owns_business",
            "public_payroll",
            "town_housing",
            "deposits",
            "identification_standard",
            "martyr_family",
            "only_child",
            "two_daughters",
            *CONDITIONS,
        ]
        widgets = {"identified_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, villages, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages
        self.fields["village"].label_from_instance = lambda v: v.display_name
        self.fields["group"].queryset = groups
        self.fields["group"].label_from_instance = lambda g: f"{g.village.display_name} · {g.name}"
        self.fields["phone"].widget.attrs.update({"inputmode": "tel"})
        for name in ["deposits", *MEASURES]:
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "min": 0})
        self.hide_recorded_numbers()

    def clean_number(self):
        return "".join(self.cleaned_data["number"].split())

    def clean_phone(self):
        return self.recorded_or("phone", check_phone(self.cleaned_data["phone"]))


class PersonForm(KeepsMaskedNumbers, SavedOnceForm, forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "name",
            "document_type",
            "id_number",
            "sex",
            "birth_date",
            "relation",
            "ethnicity",
            "political_status",
            "education",
            "schooling",
            "education_exemption",
            "chronic_illness",
            "serious_illness",
            "disability_category",
            "disability_grade",
            "disability_certificate",
            "labour",
            "migrant_work",
            "migrant_months",
            "migrant_place",
            "medical_insurance",
            "employee_medical_insurance",
            "serious_illness_insurance",
            "pension_insurance",
            "accident_insurance",
            "active_serviceman",
            "phone",
            "bank",
            "bank_account",
        ]
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        help_texts = {
            "id_number": _("Sex and date of birth are taken from it when left empty."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Sex and birth date come from the identity number when one is given.
        self.fields["sex"].required = False
        self.fields["birth_date"].required = False
        # Most members hold a resident identity card: a form without the choice means that.
        self.fields["document_type"].required = False
        self.fields["id_number"].widget.attrs.update(
            {"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        )
        self.fields["phone"].widget.attrs.update({"inputmode": "tel"})
        self.fields["migrant_months"].widget.attrs.update({"min": 0, "max": 12})
        self.fields["bank_account"].widget.attrs.update(
            {"autocomplete": "off", "spellcheck": "false", "inputmode": "numeric"}
        )
        self.hide_recorded_numbers()

    def _get_validation_exclusions(self):
        # Whether the number is free is answered by `person_save`, which knows who asks: the
        # model's own message would confirm a number registered outside the user's areas.
        return {*super()._get_validation_exclusions(), "id_number"}

    def clean_name(self):
        return "".join(self.cleaned_data["name"].split())

    def clean_document_type(self):
        return self.cleaned_data["document_type"] or DocumentType.RESIDENT_ID

    def clean_id_number(self):
        typed = self.cleaned_data["id_number"]
        if not typed:
            return self.recorded_or("id_number", "") or None
        document_type = self.cleaned_data.get("document_type", DocumentType.RESIDENT_ID)
        self.identity = identity_facts(typed, document_type=document_type)
        return self.identity.number

    def clean_disability_certificate(self):
        # The certificate goes with the disability: removing the one removes the other.
        if not self.cleaned_data.get("disability_category"):
            return self.cleaned_data["disability_certificate"]
        return self.recorded_or(
            "disability_certificate", self.cleaned_data["disability_certificate"]
        )

    def clean_phone(self):
        return self.recorded_or("phone", check_phone(self.cleaned_data["phone"]))

    def clean_bank_account(self):
        typed = normalise_account_number(self.cleaned_data["bank_account"])
        return self.recorded_or("bank_account", typed)

    def clean(self):
        cleaned = super().clean()
        identity = getattr(self, "identity", None)
        if "id_number" in self.errors:
            # A mistyped number is one mistake: sex and birth date come from it once corrected.
            return cleaned
        if not cleaned.get("id_number"):
            for field in ("sex", "birth_date"):
                if not cleaned.get(field) and field not in self.errors:
                    self.add_error(field, _("Needed when there is no identity number."))
        elif identity and identity.birth_date is None:
            for field in ("sex", "birth_date"):
                if not cleaned.get(field) and field not in self.errors:
                    self.add_error(field, _("Needed: this document's number does not give it."))
        return cleaned


class SupporterForm(forms.ModelForm):
    class Meta:
        model = Supporter
        fields = [
            "supported",
            "name",
            "relation",
            "birth_date",
            "lives_in_area",
            "migrant_work",
            "is_tekun",
            "is_dibao",
            "disability_category",
            "disability_grade",
            "annual_income",
        ]
        widgets = {"birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, household: Household, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["supported"].queryset = household.members.order_by("id")
        self.fields["annual_income"].widget.attrs.update({"inputmode": "decimal", "min": 0})

    def clean_name(self):
        return "".join(self.cleaned_data["name"].split())
