from django import forms

from villagedesk.core.forms import SavedOnceForm
from villagedesk.development.models import Consultation, SupportRequest


class ConsultationForm(SavedOnceForm, forms.ModelForm):
    class Meta:
        model = Consultation
        fields = ["village", "held_on", "contact", "organisation", "asked", "promised"]
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "asked": forms.Textarea(attrs={"rows": 3}),
            "promised": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, villages, contacts, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages
        self.fields["contact"].queryset = contacts
        self.fields["organisation"].queryset = organisations


class RequestForm(SavedOnceForm, forms.ModelForm):
    class Meta:
        model = SupportRequest
        fields = [
            "village",
            "title",
            "kind",
            "body",
            "amount",
            "asked_on",
            "status",
            "outcome",
            "problems",
        ]
        widgets = {
            "asked_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "outcome": forms.Textarea(attrs={"rows": 3}),
            "problems": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, villages, organisations, problems, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages
        self.fields["body"].queryset = organisations
        self.fields["problems"].queryset = problems
        self.fields["problems"].label_from_instance = lambda problem: (
            f"{problem.village.display_name} · {problem.title}"
        )
