"""Writes of the API app: tokens made and revoked (audited), and the print of a request's body
(records made once per key: `fieldwork.services.sent_once`)."""

import datetime
import hashlib
import json
import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from villagedesk.accounts.models import User
from villagedesk.api.models import AccessToken
from villagedesk.audit import services as audit
from villagedesk.audit.models import Kind
from villagedesk.core.saving import validated_save

# What every secret starts with, so that a leaked one is recognised by scanners and people.
SECRET_PREFIX = "vd_"  # noqa: S105 (a prefix, not a secret)
# A last use is written at most once a minute, not on every request.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


def secret_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(
    *, by: User, name: str, scope: str, expires_at: datetime.datetime | None, request=None
) -> tuple[AccessToken, str]:
    """Make a token for the user; returns it and its secret, which is never kept."""
    secret = SECRET_PREFIX + secrets.token_urlsafe(32)
    token = AccessToken(
        user=by,
        name=name,
        scope=scope,
        expires_at=expires_at,
        prefix=secret[:10],
        digest=secret_digest(secret),
    )
    validated_save(token)
    audit.record(
        kind=Kind.PERMISSION_CHANGE,
        user=by,
        request=request,
        object_type="api.accesstoken",
        object_id=token.pk,
        details={
            "action": "token_created",
            "name": name,
            "scope": scope,
            "expires_at": expires_at.isoformat() if expires_at else None,
        },
    )
    return token, secret


@transaction.atomic
def token_revoke(*, by: User, token: AccessToken, request=None) -> AccessToken:
    """Revoke one of the user's own tokens; revoking it again changes nothing."""
    if token.user_id != by.pk:
        raise PermissionDenied
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    validated_save(token, update_fields=["revoked_at"])
    audit.record(
        kind=Kind.PERMISSION_CHANGE,
        user=by,
        request=request,
        object_type="api.accesstoken",
        object_id=token.pk,
        details={"action": "token_revoked", "name": token.name},
    )
    return token


def token_for_secret(secret: str) -> AccessToken | None:
    """The usable token of this secret, with its user, noting its use; None for any other."""
    if not secret.startswith(SECRET_PREFIX) or len(secret) > 100:
        return None
    token = (
        AccessToken.objects.usable()
        .select_related("user")
        .filter(digest=secret_digest(secret), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        AccessToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def request_fingerprint(data: dict) -> str:
    """The SHA-256 of a request's parsed body, its keys sorted: the same body, the same print."""
    text = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()
