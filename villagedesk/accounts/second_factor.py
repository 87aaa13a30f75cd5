"""The second factor at login: a one-time code from an authenticator app (TOTP, django-otp).

A user who has confirmed an app is asked for a code after the password; a user holding one of
the roles in OTP_REQUIRED_ROLES must enrol an app first. Until then the session reaches only the
pages of this step (middleware.SecondFactorMiddleware).
"""

import base64
import secrets

import segno
from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from villagedesk.accounts.models import Role, User

DEVICE_NAME = "authenticator"
# Where the secret of an app being enrolled waits until its first code confirms it.
ENROL_KEY_SESSION_KEY = "second_factor_enrol_key"
# The step the session still owes ("verify", "enrol"; "" for none), decided at login.
DUE_SESSION_KEY = "second_factor_due"


def required_for(user: User) -> bool:
    """True when the user's current roles require a second factor (OTP_REQUIRED_ROLES).

    A superuser counts as an administrator: the admin site gives them everything.
    """
    required = set(settings.OTP_REQUIRED_ROLES)
    if not required:
        return False
    if user.is_superuser and Role.ADMINISTRATOR in required:
        return True
    return any(a.role in required for a in user.current_assignments())


def device_for(user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator app, if any."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def step_due(request) -> str | None:
    """What the session of a logged-in user still owes: "verify" (a code), "enrol" (an app the
    role requires), or None.

    Decided once per login and kept in the session (no query on every page); a session without
    the decision (one that logged in another way) has it made on its first request.
    """
    user = request.user
    if not user.is_authenticated:
        return None
    due = request.session.get(DUE_SESSION_KEY)
    if due is None:
        due = step_for(user) or ""
        request.session[DUE_SESSION_KEY] = due
    if not due:
        return None
    if user.is_verified():
        request.session[DUE_SESSION_KEY] = ""
        return None
    return due


def answers_itself(view):
    """Mark a view that answers a session owing its second factor itself, as a program expects
    (the API's 401 in its error body), rather than being redirected to the step's page."""
    view.second_factor_answered = True
    return view


def step_for(user: User) -> str | None:
    """The step a user must take after the password: "verify", "enrol" or None."""
    if device_for(user) is not None:
        return "verify"
    if required_for(user):
        return "enrol"
    return None


def new_key() -> str:
    """A fresh secret for an app, hex-encoded as django-otp keeps it (20 bytes, as RFC 4226)."""
    return secrets.token_hex(20)


def secret_text(key: str) -> str:
    """The secret as typed into an app by hand: base32, in groups of four."""
    text = base64.b32encode(bytes.fromhex(key)).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def otpauth_uri(user: User, key: str) -> str:
    """The otpauth:// address an app reads from the QR code."""
    return TOTPDevice(user=user, key=key, name=DEVICE_NAME).config_url


def qr_data_uri(uri: str) -> str:
    """The QR code of the address as an SVG data: URI (img-src allows data:)."""
    return segno.make(uri, error="m").svg_data_uri(scale=4, border=2)
