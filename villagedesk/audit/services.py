"""Writing to the audit log: `record` is the one way in; `events_prune` the one way out."""

import datetime
import re
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from villagedesk.audit.chain import link_hash
from villagedesk.audit.models import AuditEvent, Kind
from villagedesk.core.masking import mask_id_number, mask_phone

# Six months: the minimum that 网络安全法 art. 21 sets for network logs.
MINIMUM_RETENTION_DAYS = 183
# An identity number (17 digits and a check character), alone or as a disability certificate
# number (the identity number and two digits), or a mainland mobile number, standing alone in a
# text; `record` masks them wherever they appear in the details.
ID_NUMBER = re.compile(r"(?<![0-9])[0-9]{17}[0-9Xx](?:[0-9]{2})?(?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
# Any constant key serialises writers of the chain on PostgreSQL for their transaction.
CHAIN_LOCK = 7_310_011


def scrubbed(value):
    """The value with every full identity or mobile number in its texts masked."""
    if isinstance(value, str):
        value = ID_NUMBER.sub(lambda m: mask_id_number(m.group()), value)
        return MOBILE.sub(lambda m: mask_phone(m.group()), value)
    if isinstance(value, dict):
        return {str(k): scrubbed(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrubbed(v) for v in value]
    return value


def request_address(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None if request is not None else None


# No savepoint: an event that cannot be written fails the act it records.
@transaction.atomic(savepoint=False)
def record(
    *,
    kind: Kind,
    user=None,
    username: str = "",
    request=None,
    area_code: str = "",
    object_type: str = "",
    object_id="",
    details: dict | None = None,
    at: datetime.datetime | None = None,
) -> AuditEvent:
    """Append one event to the chain. The user (or, without one, `username`) is who acted;
    `request` gives the user and the client's address when the act came through a page.
    Full identity and phone numbers never reach the log: `details` is scrubbed."""
    if user is None and request is not None:
        user = getattr(request, "user", None)
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK])
    last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    event = AuditEvent(
        at=at or timezone.now(),
        user=user,
        username=scrubbed(user.get_username() if user is not None else username)[:150],
        kind=kind,
        area=area_code or "",
        object_type=object_type,
        object_id=str(object_id or ""),
        details=scrubbed(details or {}),
        client_address=request_address(request),
        previous_hash=last or "",
    )
    event.hash = link_hash(event.previous_hash, event)
    event.save(force_insert=True)
    return event


def retention_days() -> int:
    return max(settings.AUDIT_RETENTION_DAYS, MINIMUM_RETENTION_DAYS)


@transaction.atomic
def events_prune(*, now: datetime.datetime | None = None) -> int:
    """Delete the events older than the retention; returns how many. On PostgreSQL the table's
    trigger lets a delete through only for rows older than the cut-off this transaction states
    (and never for rows younger than six months)."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=retention_days())
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('villagedesk.audit_prune_before', %s, true)",
                [cutoff.isoformat()],
            )
    deleted, _ = AuditEvent.objects.filter(at__lt=cutoff).delete()
    return deleted


@dataclass(frozen=True)
class ExportStamp:
    """Who exports and when: the watermark written into the file and the event's time."""

    user: object
    username: str
    at: datetime.datetime


def export_stamp(*, user=None, username: str = "") -> ExportStamp:
    name = user.get_username() if user is not None else username
    return ExportStamp(user=user, username=name, at=timezone.now())


def export_record(
    *,
    stamp: ExportStamp,
    request=None,
    what: str,
    area_code: str,
    file_format: str,
    rows: int,
    persons: int | None = None,
    masked: bool = True,
    purpose: str = "",
    extra: dict | None = None,
) -> AuditEvent:
    """Record an export of personal data: which ledger or list, which area, how many rows and
    persons, masked or with numbers in full, and the purpose stated for full numbers."""
    details = {
        "what": what,
        "format": file_format,
        "rows": rows,
        "masked": masked,
        **({"persons": persons} if persons is not None else {}),
        **({"purpose": purpose} if purpose else {}),
        **(extra or {}),
    }
    return record(
        kind=Kind.EXPORT,
        user=stamp.user,
        username=stamp.username,
        request=request,
        area_code=area_code,
        object_type=what,
        details=details,
        at=stamp.at,
    )
