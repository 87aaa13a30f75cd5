"""Reads of the API app."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from villagedesk.accounts.models import User
from villagedesk.api.models import AccessToken


def token_list(*, user: User) -> QuerySet[AccessToken]:
    """The user's own tokens, newest first."""
    return AccessToken.objects.filter(user=user)


def token_get(*, user: User, pk: int) -> AccessToken:
    """One of the user's own tokens; 404 for anyone else's."""
    return get_object_or_404(AccessToken, user=user, pk=pk)
