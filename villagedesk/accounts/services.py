"""Writes on accounts: failed-login records and a user's chosen language."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from villagedesk.accounts.models import LoginFailure, User


def login_is_throttled(*, username: str, address: str | None) -> bool:
    """True when this username or this address failed too often within the window."""
    since = timezone.now() - datetime.timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)
    recent = LoginFailure.objects.filter(at__gte=since)
    by_name = recent.filter(username=username.lower()).count()
    by_address = recent.filter(address=address).count() if address else 0
    limit = settings.LOGIN_FAILURE_LIMIT
    # An address is allowed more failures than a name: several people may share one address.
    return by_name >= limit or by_address >= limit * 4


@transaction.atomic
def login_failure_record(*, username: str, address: str | None) -> None:
    """Record a failed attempt, and forget attempts older than a day."""
    LoginFailure.objects.create(username=username.lower()[:150], address=address)
    LoginFailure.objects.filter(at__lt=timezone.now() - datetime.timedelta(days=1)).delete()


@transaction.atomic
def login_failures_clear(*, username: str) -> None:
    """A successful login clears the name's failures."""
    LoginFailure.objects.filter(username=username.lower()).delete()


@transaction.atomic
def user_language_set(*, user: User, language: str) -> None:
    """Remember the user's language, so it follows them to other devices at login."""
    if language not in dict(settings.LANGUAGES):
        raise ValueError(language)
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
