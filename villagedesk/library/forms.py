from django import forms
from django.utils.translation import gettext_lazy as _

from villagedesk.core.forms import SavedOnceForm
from villagedesk.library.models import STEPS, Article, key_validator


def step_choices():
    return [(step, _("Step %(n)s") % {"n": step}) for step in STEPS]


class ArticleForm(SavedOnceForm, forms.ModelForm):
    steps = forms.TypedMultipleChoiceField(
        label=_("Steps of the method"),
        choices=step_choices,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    policy_keys = forms.CharField(
        label=_("Policies it concerns"),
        required=False,
        help_text=_("Codes of the welfare catalogue's policies, separated by spaces or commas."),
    )

    class Meta:
        model = Article
        fields = [
            "area",
            "kind",
            "title_zh",
            "body_zh",
            "title_en",
            "body_en",
            "document_number",
            "issuing_body",
            "issued_on",
            "published_on",
            "tags",
        ]
        widgets = {
            "body_zh": forms.Textarea(attrs={"rows": 12}),
            "body_en": forms.Textarea(attrs={"rows": 12}),
            "issued_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "published_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "tags": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, areas, tags, steps=(), policy_keys=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas
        self.fields["area"].label_from_instance = lambda area: area.display_name
        self.fields["tags"].queryset = tags
        if not self.is_bound:
            self.initial["steps"] = list(steps)
            self.initial["policy_keys"] = " ".join(policy_keys)

    def clean_policy_keys(self):
        keys = self.cleaned_data["policy_keys"].replace(",", " ").replace("，", " ").split()
        for key in keys:
            try:
                key_validator(key)
            except forms.ValidationError:
                raise forms.ValidationError(
                    _("“%(key)s” is not a policy code: lower-case letters, digits, underscores.")
                    % {"key": key}
                ) from None
        return keys


class AttachmentForm(SavedOnceForm, forms.Form):
    file = forms.FileField(
        label=_("File"), help_text=_("A PDF or a Word document (.docx), at most 20 MB.")
    )
