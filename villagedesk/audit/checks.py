"""The audit log is kept at least six months (网络安全法 art. 21; 等保2.0 level 3): a shorter
retention is an error at start-up, not something a prune quietly obeys."""

from django.conf import settings
from django.core.checks import Error, register

from villagedesk.audit.services import MINIMUM_RETENTION_DAYS


@register()
def audit_retention_long_enough(app_configs=None, **kwargs):
    days = getattr(settings, "AUDIT_RETENTION_DAYS", MINIMUM_RETENTION_DAYS)
    if isinstance(days, int) and days >= MINIMUM_RETENTION_DAYS:
        return []
    return [
        Error(
            f"AUDIT_RETENTION_DAYS is {days!r}; audit events must be kept at least "
            f"{MINIMUM_RETENTION_DAYS} days (six months).",
            hint=f"Set AUDIT_RETENTION_DAYS to {MINIMUM_RETENTION_DAYS} or more.",
            id="audit.E001",
        )
    ]
