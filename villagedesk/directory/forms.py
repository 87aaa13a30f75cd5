from django import forms
from django.utils.translation import gettext_lazy as _

from villagedesk.areas.models import NoteTopic, PointOfInterest, VillageNote
from villagedesk.core.forms import SavedOnceForm
from villagedesk.directory.models import (
    Contact,
    ContactKind,
    Link,
    Organisation,
    Position,
)


class ContactFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(
            attrs={"placeholder": _("Name, pinyin, initials, organisation or phone")}
        ),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All"))] + ContactKind.choices
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), required=False, queryset=Organisation.objects.none()
    )
    tag = forms.CharField(label=_("Tag"), required=False)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class OrganisationForm(SavedOnceForm, forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "kind", "level", "parent", "area", "private", "address", "phone", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, areas, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas
        self.fields["parent"].queryset = organisations


class PositionForm(SavedOnceForm, forms.ModelForm):
    class Meta:
        model = Position
        fields = ["title", "duties", "is_contact_point"]


class ContactForm(SavedOnceForm, forms.ModelForm):
    class Meta:
        model = Contact
        fields = [
            "name",
            "kind",
            "organisation",
            "position",
            "title",
            "phone",
            "wechat",
            "office",
            "term_start",
            "term_end",
            "lives_in",
            "occupation",
            "help_given",
            "tags",
            "area",
            "private",
            "person",
            "notes",
        ]
        widgets = {
            "term_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "term_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "phone": forms.TextInput(attrs={"inputmode": "tel"}),
            "help_given": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    is_me = forms.BooleanField(
        label=_("This is me"),
        required=False,
        help_text=_("Visits you record then link you to the people you meet."),
    )

    def __init__(self, *args, areas, organisations, persons, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["area"].queryset = areas
        self.fields["organisation"].queryset = organisations
        self.fields["position"].queryset = Position.objects.filter(
            organisation__in=organisations
        ).select_related("organisation")
        self.fields["person"].queryset = persons
        self.fields["person"].label_from_instance = lambda p: f"{p.name} · {p.household.number}"
        self.fields["is_me"].initial = bool(self.instance.user_id) and (
            self.instance.user_id == user.pk
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("is_me"):
            self.instance.user = self.user
        elif self.instance.user_id == self.user.pk:
            self.instance.user = None
        return cleaned


class LinkForm(SavedOnceForm, forms.ModelForm):
    class Meta:
        model = Link
        fields = ["target", "kind", "notes"]

    def __init__(self, *args, contacts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = contacts
        self.fields["target"].label = _("Linked to")


class ImportForm(SavedOnceForm, forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.xlsx)"))
    area = forms.ModelChoiceField(label=_("Kept by"), queryset=None)

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas


class PointForm(SavedOnceForm, forms.ModelForm):
    class Meta:
        model = PointOfInterest
        fields = ["category", "name", "latitude", "longitude", "photo", "notes"]
        widgets = {
            "latitude": forms.NumberInput(attrs={"step": "0.000001", "inputmode": "decimal"}),
            "longitude": forms.NumberInput(attrs={"step": "0.000001", "inputmode": "decimal"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }


class NoteForm(SavedOnceForm, forms.ModelForm):
    topic = forms.ChoiceField(label=_("Topic"), choices=NoteTopic.choices)

    class Meta:
        model = VillageNote
        fields = ["topic", "title", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}
