from django import forms
from django.utils.translation import gettext_lazy as _

from villagedesk.core.forms import SavedOnceForm
from villagedesk.governance.models import (
    AgendaItem,
    Briefing,
    Matter,
    Meeting,
    MeetingPhoto,
    PublicNotice,
    Task,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


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
            "others",
            "notes",
        ]
        widgets = {
            "held_on": DATE,
            "persons": forms.SelectMultiple(attrs={"size": 6}),
            "contacts": forms.SelectMultiple(attrs={"size": 6}),
            "others": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, villages, groups, persons, contacts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages
        self.fields["group"].queryset = groups
        self.fields["persons"].queryset = persons
        self.fields["contacts"].queryset = contacts


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
