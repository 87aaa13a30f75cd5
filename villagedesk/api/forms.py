import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from villagedesk.api.models import Scope
from villagedesk.core.forms import SavedOnceForm

EXPIRY_DAYS = [(30, _("30 days")), (90, _("90 days")), (365, _("one year"))]


class TokenForm(SavedOnceForm, forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What the token is for, e.g. the county's health-insurance system."),
    )
    scope = forms.ChoiceField(label=_("Scope"), choices=Scope.choices, initial=Scope.READ)
    expires_in = forms.TypedChoiceField(
        label=_("Expires after"), choices=EXPIRY_DAYS, coerce=int, initial=90
    )

    def expires_at(self) -> datetime.datetime:
        return timezone.now() + datetime.timedelta(days=self.cleaned_data["expires_in"])
