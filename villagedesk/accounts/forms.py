import django_otp
from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("The username or password is wrong. Both are case-sensitive."),
        "inactive": _("This account is disabled."),
        "throttled": _("Too many failed attempts. Wait %(minutes)s minutes before trying again."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].widget.attrs.update(
            {"autocapitalize": "none", "autocorrect": "off"}
        )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False)


class AreaFocusForm(forms.Form):
    prefix = forms.CharField(required=False, max_length=12)
    next = forms.CharField(required=False)


class CodeField(forms.CharField):
    """Six digits from an authenticator app, typed on a phone's number pad."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Code from the app"))
        kwargs.setdefault("max_length", 8)
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": "[0-9 ]*",
                "autofocus": True,
            }
        )

    def clean(self, value):
        return super().clean(value).replace(" ", "")


class SecondFactorForm(forms.Form):
    """The code asked for after the password, checked against the user's app."""

    code = CodeField()

    error_messages = {
        "wrong": _("This code is wrong or was already used. Wait for the next one."),
        "throttled": _("Too many wrong codes. Wait a minute before trying again."),
    }

    def __init__(self, *args, user, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.device = device

    def clean_code(self):
        code = self.cleaned_data["code"]
        allowed, _details = self.device.verify_is_allowed()
        if not allowed:
            raise forms.ValidationError(self.error_messages["throttled"], code="throttled")
        # django_otp.verify_token locks the device row, so one code cannot pass twice at once.
        if django_otp.verify_token(self.user, self.device.persistent_id, code) is None:
            raise forms.ValidationError(self.error_messages["wrong"], code="wrong")
        return code


class EnrolForm(forms.Form):
    """The first code of a new app, which proves it holds the secret."""

    code = CodeField()
