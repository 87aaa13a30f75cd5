from django import forms
from django.utils.translation import gettext_lazy as _

from villagedesk.core.forms import SavedOnceForm
from villagedesk.governance.models import (
    AgendaItem,
    Briefing,
    LocalRule,
    Matter,
    Meeting,
    MeetingPhoto,
    PublicNotice,
    Task,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# A local rule's figures, as its model names them.
RULE_FIGURES = [
    "quorum_numerator",
    "quorum_denominator",
    "quorum_more_than",
    "majority_numerator",
    "majority_denominator",
    "majority_more_than",
    "majority_of_all",
]


class MeetingForm(SavedOnceForm, forms.ModelForm):
    class Meta:
        model = Meeting
        fields = [
            "village",
            "kind",
            "held_on",
            "place",
            "chair",
            "recorder",
            "group",
            "due",
            "present",
            "households",
            "households_present",
            "persons",
            "contacts",
            "party_members",
            "others",
            "notes",
        ]
        widgets = {
            "held_on": DATE,
            "persons": forms.SelectMultiple(attrs={"size": 6}),
            "contacts": forms.SelectMultiple(attrs={"size": 6}),
            "party_members": forms.CheckboxSelectMultiple,
            "others": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, villages, groups, persons, contacts, party_members, **kwargs):
        """`party_members`: the roster offered at a Party meeting, or None where there is none
        to offer (a new meeting, a meeting of another body)."""
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages
        self.fields["group"].queryset = groups
        self.fields["persons"].queryset = persons
        self.fields["contacts"].queryset = contacts
        if party_members is None:
            del self.fields["party_members"]
        else:
            self.fields["party_members"].queryset = party_members
            self.fields["party_members"].label_from_instance = lambda m: m.shown_name


class ItemForm(SavedOnceForm, forms.ModelForm):
    class Meta:
        model = AgendaItem
        fields = [
            "number",
            "title",
            "minutes",
            "one_matter",
            "votes_for",
            "votes_against",
            "votes_abstain",
        ]
        widgets = {"minutes": forms.Textarea(attrs={"rows": 4})}


class PhotoForm(forms.ModelForm):
    class Meta:
        model = MeetingPhoto
        fields = ["kind", "image"]
        widgets = {"image": forms.ClearableFileInput(attrs={"accept": "image/*"})}


class MatterForm(SavedOnceForm, forms.ModelForm):
    class Meta:
        model = Matter
        fields = ["village", "title", "kind", "description", "amount"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, villages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages


class StepForm(forms.Form):
    """The matter's next step; which of its fields count depends on the step."""

    step = forms.CharField(widget=forms.HiddenInput)
    item = forms.ModelChoiceField(
        label=_("Meeting item where it was decided"),
        queryset=AgendaItem.objects.none(),
        required=False,
    )
    notice = forms.ModelChoiceField(
        label=_("Notice that made it public"), queryset=PublicNotice.objects.none(), required=False
    )
    done_on = forms.DateField(label=_("Date"), widget=DATE, required=False)
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def __init__(self, *args, items, notices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = items
        self.fields["item"].label_from_instance = lambda item: (
            f"{item.meeting.held_on} {item.meeting.get_kind_display()} · {item.title}"
        )
        self.fields["notice"].queryset = notices
        self.fields["notice"].label_from_instance = lambda notice: (
            f"{notice.posted_on} · {notice.title}"
        )


class TaskForm(SavedOnceForm, forms.ModelForm):
    evidence_upload = forms.ImageField(label=_("Evidence (photo)"), required=False)

    class Meta:
        model = Task
        fields = ["title", "owner", "owner_name", "due_on", "status", "outcome", "problem"]
        widgets = {"due_on": DATE, "outcome": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, owners, problems, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["problem"].queryset = problems


class BriefingForm(SavedOnceForm, forms.ModelForm):
    class Meta:
        model = Briefing
        fields = ["direction", "held_on", "channel", "summary"]
        widgets = {"held_on": DATE, "summary": forms.Textarea(attrs={"rows": 3})}


class NoticeForm(SavedOnceForm, forms.ModelForm):
    photo_upload = forms.ImageField(label=_("Photo of the posted notice"), required=False)

    class Meta:
        model = PublicNotice
        fields = ["village", "category", "title", "text", "posted_on", "place", "days", "matter"]
        widgets = {"posted_on": DATE, "text": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args, villages, matters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages
        self.fields["matter"].queryset = matters


class LocalRuleForm(SavedOnceForm, forms.Form):
    """A province's, city's or county's quorum and majority for one body, with the labels and
    bounds of `LocalRule`'s fields; the service replaces the area's rule for the body."""

    area = forms.ModelChoiceField(label=_("Area"), queryset=None)

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(forms.fields_for_model(LocalRule, fields=["body", *RULE_FIGURES]))
        self.fields["area"].queryset = areas.order_by("code")
        self.fields["area"].label_from_instance = lambda area: area.display_name

    def clean(self):
        data = super().clean()
        for part in ("quorum", "majority"):
            numerator = data.get(f"{part}_numerator")
            denominator = data.get(f"{part}_denominator")
            if numerator is not None and denominator and numerator > denominator:
                self.add_error(f"{part}_numerator", _("A share is at most the whole."))
        return data
