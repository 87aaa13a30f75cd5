"""Writes on accounts: login attempts, second factors and a user's chosen language."""

import datetime
import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from villagedesk.accounts import second_factor
from villagedesk.accounts.models import LoginFailure, User


def _lock_keys(keys: list[str]) -> None:
    """Hold a lock on each key until the transaction ends.

    PostgreSQL takes an advisory lock per key (in a fixed order, so two attempts never wait on
    each other in a circle). SQLite needs none: a transaction that writes holds the database's
    one write lock until it ends (and settings open every transaction IMMEDIATE).
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for key in sorted(set(keys)):
            number = int.from_bytes(
                hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True
            )
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [number])


def login_attempt_begin(*, username: str, address: str | None) -> LoginFailure | None:
    """Count an attempt to log in before its password is checked; None when it may not be made.

    The attempt is recorded and the decision taken in one transaction under a lock on the name
    and on the address, so however many attempts arrive at once, at most LOGIN_FAILURE_LIMIT
    for one name (four times that for one address: several people may share one) are let through
    within the window. The attempt stays recorded as a failure unless login_succeeded removes it.
    """
    name = username.lower()[:150]
    now = timezone.now()
    since = now - datetime.timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)
    limit = settings.LOGIN_FAILURE_LIMIT
    with transaction.atomic():
        _lock_keys([f"name:{name}", f"address:{address}"])
        # Written first: on SQLite the write takes the database's lock before anything is read.
        attempt = LoginFailure.objects.create(username=name, address=address, at=now)
        recent = LoginFailure.objects.filter(at__gte=since)
        by_name = recent.filter(username=name).count()
        by_address = recent.filter(address=address).count() if address else 0
        if by_name > limit or by_address > limit * 4:
            transaction.set_rollback(True)
            return None
        LoginFailure.objects.filter(at__lt=now - datetime.timedelta(days=1)).delete()
    return attempt


@transaction.atomic
def login_succeeded(*, username: str) -> None:
    """A successful login clears the name's failures, the attempt that succeeded included."""
    LoginFailure.objects.filter(username=username.lower()[:150]).delete()


@transaction.atomic
def second_factor_enrol(*, user: User, key: str, code: str) -> TOTPDevice:
    """Give the user an authenticator app whose secret is `key`, once it has answered `code`.

    The new device replaces any earlier one (a new phone), and the code it answered cannot be
    used again.
    """
    device = TOTPDevice(
        user=user, name=second_factor.DEVICE_NAME, key=key, confirmed=False, tolerance=1
    )
    device.full_clean()
    device.save()
    if not device.verify_token(code.strip()):
        raise ValidationError(_("This code is not the one the app shows. Try the next one."))
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return device


@transaction.atomic
def second_factor_remove(*, user: User) -> None:
    """Remove the user's authenticator app, unless the user's roles require one."""
    if second_factor.required_for(user):
        raise ValidationError(_("Your role requires a second factor: it cannot be removed."))
    TOTPDevice.objects.filter(user=user).delete()


@transaction.atomic
def user_language_set(*, user: User, language: str) -> None:
    """Remember the user's language, so it follows them to other devices at login."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(language)
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
