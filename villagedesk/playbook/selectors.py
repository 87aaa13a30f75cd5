"""Scoped reads of the playbook: the villages a user sees, one of them or a 404."""

from django.db.models import QuerySet

from villagedesk.accounts import permissions
from villagedesk.accounts.models import User
from villagedesk.areas.models import Area
from villagedesk.core.scoping import get_visible_or_404


def village_list(*, user: User) -> QuerySet[Area]:
    """The villages in the user's view, by code, with their township."""
    return permissions.village_list(user).select_related("parent")


def village_get(*, user: User, code: str) -> Area:
    """One village of the user's areas; 404 outside them and for any other code."""
    return get_visible_or_404(Area.objects.villages(), user=user, code=code)
