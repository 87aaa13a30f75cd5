import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from villagedesk.core.forms import RowsField, SavedOnceForm
from villagedesk.fieldwork.codes import (
    KeyGroup,
    ProblemCategory,
    ProblemStatus,
    Topic,
)
from villagedesk.fieldwork.models import DiaryDay, PersonNote, Problem, Visit


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class VisitForm(SavedOnceForm, forms.ModelForm):
    household = forms.ModelChoiceField(
        label=_("Household"), queryset=None, required=False, widget=forms.HiddenInput
    )
    persons = RowsField(
        label=_("Persons met"), queryset=None, required=False, widget=forms.MultipleHiddenInput
    )
    topics = forms.MultipleChoiceField(
        label=_("Topics"),
        choices=Topic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
        help_text=_("Optional. Up to 10 MB; it is stored smaller."),
    )

    class Meta:
        model = Visit
        fields = [
            "household",
            "persons",
            "visited_on",
            "kind",
            "place",
            "companions",
            "topics",
            "said",
            "opinions",
            "follow_up",
            "follow_up_due",
        ]
        widgets = {
            "visited_on": DateInput(),
            "follow_up_due": DateInput(),
            "said": forms.Textarea(attrs={"rows": 3}),
            "opinions": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, households, persons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["household"].queryset = households
        self.fields["persons"].queryset = persons
        self.fields["visited_on"].widget.attrs["max"] = timezone.localdate().isoformat()


class ProblemForm(SavedOnceForm, forms.ModelForm):
    class Meta:
        model = Problem
        fields = [
            "title",
            "description",
            "raised_by",
            "category",
            "urgency",
            "solvable",
            "subjective_causes",
            "objective_causes",
            "owner",
            "due_on",
        ]
        widgets = {
            "due_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "subjective_causes": forms.Textarea(attrs={"rows": 2}),
            "objective_causes": forms.Textarea(attrs={"rows": 2}),
        }

    households = RowsField(
        label=_("Households concerned"),
        queryset=None,
        required=False,
        widget=forms.MultipleHiddenInput,
    )
    persons = RowsField(
        label=_("Persons concerned"),
        queryset=None,
        required=False,
        widget=forms.MultipleHiddenInput,
    )

    def __init__(self, *args, owners, households, persons, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["households"].queryset = households
        self.fields["persons"].queryset = persons


class ProblemCreateForm(ProblemForm):
    village = forms.ChoiceField(label=_("Village"))

    field_order = ["village"]

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.villages = {v.code: v for v in villages}
        self.fields["village"].choices = [(v.code, v.display_name) for v in villages]


class VisitFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=50,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Household, person, or words of the visit"),
                "autocomplete": "off",
            }
        ),
    )
    village = forms.ChoiceField(label=_("Village"), required=False)
    since = forms.DateField(label=_("From"), required=False, widget=DateInput())
    until = forms.DateField(label=_("To"), required=False, widget=DateInput())
    mine = forms.BooleanField(label=_("My visits only"), required=False)
    open_follow_up = forms.BooleanField(label=_("Follow-up still open"), required=False)

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [("", _("All villages"))] + [
            (v.code, v.display_name) for v in villages
        ]


class ProblemFilterForm(forms.Form):
    village = forms.ChoiceField(label=_("Village"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *ProblemStatus.choices],
    )
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=[("", _("All categories")), *ProblemCategory.choices],
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [("", _("All villages"))] + [
            (v.code, v.display_name) for v in villages
        ]


class CoverageForm(forms.Form):
    village = forms.ChoiceField(label=_("Village"))
    since = forms.DateField(label=_("From"), widget=DateInput())
    until = forms.DateField(label=_("To"), widget=DateInput())

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].choices = [(v.code, v.display_name) for v in villages]

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError(_("The period ends before it starts."))
        return data


class KeyGroupForm(SavedOnceForm, forms.Form):
    groups = forms.MultipleChoiceField(
        label=_("Key groups"),
        choices=KeyGroup.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class PersonNoteForm(SavedOnceForm, forms.ModelForm):
    class Meta:
        model = PersonNote
        fields = ["attitude", "influence", "interests", "motives", "backbone"]
        widgets = {
            "attitude": forms.RadioSelect,
            "interests": forms.Textarea(attrs={"rows": 2}),
            "motives": forms.Textarea(attrs={"rows": 2}),
        }


class DiaryForm(SavedOnceForm, forms.ModelForm):
    photos = forms.FileField(
        label=_("Add a photo"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
        help_text=_("Optional, your own record."),
    )

    class Meta:
        model = DiaryDay
        fields = ["village", "presence", "reason", "work_done", "latitude", "longitude"]
        widgets = {
            "presence": forms.RadioSelect,
            "work_done": forms.Textarea(attrs={"rows": 4}),
            "latitude": forms.HiddenInput,
            "longitude": forms.HiddenInput,
        }

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages
        self.fields["village"].empty_label = None
        # By code, as the API names a village: a day written offline is sent with the form's.
        self.fields["village"].to_field_name = "code"


def month_from(text: str | None) -> datetime.date:
    """The first day of the month given as YYYY-MM; this month when missing, malformed, or
    outside 2000 to next year (the pages link the month before and after it)."""
    this_month = timezone.localdate().replace(day=1)
    try:
        month = datetime.datetime.strptime(text or "", "%Y-%m").date()  # noqa: DTZ007
    except ValueError:
        return this_month
    return month if 2000 <= month.year <= this_month.year + 1 else this_month
