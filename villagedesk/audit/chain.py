"""The hash chain over audit events.

Each row stores SHA-256 of the previous row's hash followed by its own canonical content, so
changing, removing or inserting a row breaks every check from that row on. The oldest kept row
carries the hash of the row before it (pruned by retention), which is trusted as the chain's
anchor; verification starts there.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass

from villagedesk.audit.models import AuditEvent


def canonical(event: AuditEvent) -> str:
    """The row's content as one string: sorted keys, UTC time, no whitespace."""
    at = event.at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return json.dumps(
        {
            "at": at,
            "user": event.user_id,
            "username": event.username,
            "kind": event.kind,
            "area": event.area,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "details": event.details,
            "client_address": event.client_address,
        },
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )


def link_hash(previous_hash: str, event: AuditEvent) -> str:
    return hashlib.sha256((previous_hash + canonical(event)).encode()).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    checked: int
    broken: AuditEvent | None = None
    reason: str = ""


def chain_verify() -> ChainReport:
    """Walk the kept events from the oldest; stop at the first row whose hash or link is wrong."""
    previous = None
    checked = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if previous is not None and event.previous_hash != previous:
            return ChainReport(checked, event, "link")
        if link_hash(event.previous_hash, event) != event.hash:
            return ChainReport(checked, event, "hash")
        previous = event.hash
        checked += 1
    return ChainReport(checked)
