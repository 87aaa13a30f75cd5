from django import forms
from django.utils.translation import gettext_lazy as _

from villagedesk.core.forms import SavedOnceForm
from villagedesk.projects.models import (
    MONEY,
    Asset,
    AssetIncome,
    Beneficiary,
    Distribution,
    FundSource,
    IndustryPlan,
    Project,
    ProjectStage,
    Spending,
    WagePayment,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PlanForm(SavedOnceForm, forms.ModelForm):
    class Meta:
        model = IndustryPlan
        fields = [
            "village",
            "year",
            "industries",
            "reasons",
            "target_output",
            "target_households",
            "target_income",
            "reached_output",
            "reached_households",
            "reached_income",
            "review",
        ]
        widgets = {
            "reasons": forms.Textarea(attrs={"rows": 3}),
            "review": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages


class ProjectForm(SavedOnceForm, forms.ModelForm):
    class Meta:
        model = Project
        fields = [
            "village",
            "name",
            "kind",
            "year",
            "description",
            "matter",
            "decided_on",
            "decision_number",
            "latitude",
            "longitude",
        ]
        widgets = {
            "decided_on": DATE,
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, villages, matters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages
        self.fields["matter"].queryset = matters
        self.fields["matter"].label_from_instance = lambda matter: (
            f"{matter.village.display_name} · {matter.title}"
        )


class StageForm(SavedOnceForm, forms.ModelForm):
    class Meta:
        model = ProjectStage
        fields = ["planned_on", "done_on"]
        widgets = {"planned_on": DATE, "done_on": DATE}


class BudgetForm(SavedOnceForm, forms.Form):
    """One amount for each funding source; a source left empty has no budget line."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for source in FundSource:
            self.fields[source.value] = forms.DecimalField(
                label=str(source.label),
                required=False,
                max_digits=MONEY["max_digits"],
                decimal_places=MONEY["decimal_places"],
                min_value=0,
            )


class SpendingForm(SavedOnceForm, forms.ModelForm):
    class Meta:
        model = Spending
        fields = ["source", "spent_on", "amount", "purpose"]
        widgets = {"spent_on": DATE}


class HouseholdChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, household):
        head = getattr(household, "head", None)
        return f"{household.number} · {head}" if head else household.number


class BeneficiaryForm(SavedOnceForm, forms.ModelForm):
    household = HouseholdChoiceField(queryset=None, label=_("household"))

    class Meta:
        model = Beneficiary
        fields = ["household", "way", "note"]

    def __init__(self, *args, households, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = households


class WageForm(SavedOnceForm, forms.ModelForm):
    class Meta:
        model = WagePayment
        fields = ["beneficiary", "paid_on", "amount"]
        widgets = {"paid_on": DATE}

    def __init__(self, *args, beneficiaries, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["beneficiary"].queryset = beneficiaries
        self.fields["beneficiary"].label = _("household")
        self.fields["beneficiary"].label_from_instance = lambda b: b.household.number


class AssetForm(SavedOnceForm, forms.ModelForm):
    class Meta:
        model = Asset
        fields = ["name", "asset_class", "owner", "custodian", "value", "handed_over_on"]
        widgets = {"handed_over_on": DATE}


class AssetIncomeForm(SavedOnceForm, forms.ModelForm):
    class Meta:
        model = AssetIncome
        fields = ["year", "income", "to_households", "to_collective", "to_jobs"]


class DistributionForm(SavedOnceForm, forms.ModelForm):
    household = HouseholdChoiceField(queryset=None, label=_("household"))

    class Meta:
        model = Distribution
        fields = ["income", "household", "amount"]

    def __init__(self, *args, incomes, households, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["income"].queryset = incomes
        self.fields["income"].label = _("year")
        self.fields["income"].label_from_instance = lambda income: str(income.year)
        self.fields["household"].queryset = households
