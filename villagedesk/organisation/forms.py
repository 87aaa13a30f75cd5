from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from villagedesk.core.forms import RowsField, SavedOnceForm
from villagedesk.organisation.codes import Stage, TalentKind
from villagedesk.organisation.models import PartyMember, Talent, TenHouseholdGroup, Training


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class VillageFilterForm(forms.Form):
    village = forms.ChoiceField(label=_("Village"), required=False)

    def __init__(self, *args, villages, extra=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [("", _("All my villages"))] + [
            (v.code, v.display_name) for v in villages
        ]


class RosterFilterForm(VillageFilterForm):
    stage = forms.ChoiceField(
        label=_("Stage"), required=False, choices=[("", _("All stages")), *Stage.choices]
    )


class TalentFilterForm(VillageFilterForm):
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *TalentKind.choices]
    )


class PartyMemberForm(SavedOnceForm, forms.ModelForm):
    """A member or a person on the way to joining: a registry person (chosen by a search) or one
    named here."""

    person = forms.ModelChoiceField(
        label=_("Person in the registry"),
        queryset=None,
        required=False,
        widget=forms.HiddenInput,
    )

    class Meta:
        model = PartyMember
        fields = [
            "person",
            "name",
            "birth_date",
            "education",
            "branch",
            "stage",
            "applied_on",
            "activist_on",
            "candidate_on",
            "probationary_on",
            "full_on",
            "away",
            "away_place",
            "left_on",
        ]
        widgets = {
            name: DateInput()
            for name in [
                "birth_date",
                "applied_on",
                "activist_on",
                "candidate_on",
                "probationary_on",
                "full_on",
                "left_on",
            ]
        }

    def __init__(self, *args, persons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = persons
        self.fields["name"].required = False
        self.fields["name"].help_text = _("Only for a person not in the village registry.")
        today = timezone.localdate().isoformat()
        for field in self.fields.values():
            if isinstance(field.widget, DateInput):
                field.widget.attrs["max"] = today

    def clean(self):
        data = super().clean()
        if not data.get("person") and not (data.get("name") or "").strip():
            self.add_error("name", _("Choose a person from the registry, or give a name."))
        return data


class AdvanceForm(forms.Form):
    on = forms.DateField(label=_("Date reached"), widget=DateInput())
    # The stage the page showed: a second tap, or a page left open, moves no further.
    stage = forms.ChoiceField(choices=Stage.choices, widget=forms.HiddenInput)


class GroupForm(SavedOnceForm, forms.ModelForm):
    head = forms.ModelChoiceField(
        label=_("Group head"), queryset=None, required=False, widget=forms.HiddenInput
    )
    households = RowsField(
        label=_("Households"), queryset=None, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = TenHouseholdGroup
        fields = ["name", "head", "latitude", "longitude", "notes"]
        widgets = {
            "latitude": forms.NumberInput(attrs={"step": "0.000001", "inputmode": "decimal"}),
            "longitude": forms.NumberInput(attrs={"step": "0.000001", "inputmode": "decimal"}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, persons, households, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["head"].queryset = persons
        self.fields["households"].queryset = households
        self.fields["households"].label_from_instance = lambda h: h.number


class TalentForm(SavedOnceForm, forms.ModelForm):
    person = forms.ModelChoiceField(label=_("Person"), queryset=None, widget=forms.HiddenInput)

    class Meta:
        model = Talent
        fields = ["person", "kind", "skills", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, persons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = persons


class TrainingForm(SavedOnceForm, forms.ModelForm):
    attendees = RowsField(
        label=_("Attendees"), queryset=None, required=False, widget=forms.MultipleHiddenInput
    )

    class Meta:
        model = Training
        fields = ["topic", "held_on", "trainer", "hours", "attendees"]
        widgets = {"held_on": DateInput()}

    def __init__(self, *args, persons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = persons
        self.fields["held_on"].widget.attrs["max"] = timezone.localdate().isoformat()
