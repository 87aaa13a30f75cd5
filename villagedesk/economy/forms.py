from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from villagedesk.core.forms import SavedOnceForm
from villagedesk.economy.codes import MembershipBasis
from villagedesk.economy.models import (
    Collective,
    CollectiveCapital,
    CollectiveIncome,
    CollectiveSpending,
    Cooperative,
    LandTransfer,
    Plot,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def year_field(**kwargs):
    return forms.IntegerField(label=_("year"), min_value=1990, max_value=2100, **kwargs)


def money_field(label):
    return forms.DecimalField(label=label, min_value=0, max_digits=14, decimal_places=2)


class CooperativeForm(SavedOnceForm, forms.ModelForm):
    class Meta:
        model = Cooperative
        fields = ["village", "name", "kind", "business", "founded_on"]
        widgets = {"founded_on": DATE}

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages


class MemberForm(SavedOnceForm, forms.Form):
    household = forms.ModelChoiceField(label=_("household"), queryset=None)
    shares = forms.DecimalField(label=_("shares"), min_value=0, max_digits=12, decimal_places=2)
    joined_on = forms.DateField(label=_("joined on"), widget=DATE, initial=timezone.localdate)

    def __init__(self, *args, households, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = households
        self.fields["household"].label_from_instance = lambda household: household.number


class DistributionForm(SavedOnceForm, forms.Form):
    year = year_field()
    total = money_field(_("total dividend (yuan)"))
    paid_on = forms.DateField(label=_("paid on"), widget=DATE, initial=timezone.localdate)


class CollectiveForm(SavedOnceForm, forms.ModelForm):
    class Meta:
        model = Collective
        fields = ["name", "registration_code", "founded_on"]
        widgets = {"founded_on": DATE}


class CollectiveMemberForm(SavedOnceForm, forms.Form):
    person = forms.ModelChoiceField(label=_("person"), queryset=None)
    basis = forms.ChoiceField(
        label=_("basis"), choices=[("", "—"), *MembershipBasis.choices], required=False
    )
    confirmed_on = forms.DateField(label=_("confirmed on"), widget=DATE, required=False)
    shares = forms.DecimalField(
        label=_("shares"), min_value=0, max_digits=12, decimal_places=2, initial=0
    )

    def __init__(self, *args, persons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = persons
        self.fields["person"].label_from_instance = lambda person: (
            f"{person.household.number} · {person.name}"
        )


class MemberEndForm(SavedOnceForm, forms.Form):
    ended_on = forms.DateField(label=_("ended on"), widget=DATE, initial=timezone.localdate)


class IncomeLineForm(SavedOnceForm, forms.ModelForm):
    class Meta:
        model = CollectiveIncome
        fields = ["year", "source", "amount", "note"]


class SpendingLineForm(SavedOnceForm, forms.ModelForm):
    class Meta:
        model = CollectiveSpending
        fields = ["year", "kind", "amount", "note"]


class CapitalForm(SavedOnceForm, forms.ModelForm):
    class Meta:
        model = CollectiveCapital
        fields = ["kind", "name", "value", "area_mu", "recorded_on", "note"]
        widgets = {"recorded_on": DATE}


class PlotForm(SavedOnceForm, forms.ModelForm):
    class Meta:
        model = Plot
        fields = ["name", "kind", "area_mu", "certificate", "certificate_number"]


class TransferForm(SavedOnceForm, forms.ModelForm):
    class Meta:
        model = LandTransfer
        fields = ["counterparty", "form", "area_mu", "rent_per_mu", "starts_on", "ends_on"]
        widgets = {"starts_on": DATE, "ends_on": DATE}


class RentForm(SavedOnceForm, forms.Form):
    year = year_field()
    amount = money_field(_("rent received (yuan)"))
    received_on = forms.DateField(label=_("received on"), widget=DATE, initial=timezone.localdate)
