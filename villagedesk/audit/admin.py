from django.contrib import admin

from villagedesk.audit.models import AuditEvent
from villagedesk.core.admin import EvidenceAdmin


@admin.register(AuditEvent)
class AuditEventAdmin(EvidenceAdmin):
    """Read only for everyone, superusers included: the log is appended by the application and
    pruned only by `manage.py audit_prune`."""

    list_display = ["at", "username", "kind", "area", "object_type", "object_id"]
    list_filter = ["kind"]
    search_fields = ["username", "area", "object_id"]
    date_hierarchy = "at"
