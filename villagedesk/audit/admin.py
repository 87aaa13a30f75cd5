from django.contrib import admin

from villagedesk.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read only for everyone, superusers included: the log is appended by the application and
    pruned only by `manage.py audit_prune`."""

    list_display = ["at", "username", "kind", "area", "object_type", "object_id"]
    list_filter = ["kind"]
    search_fields = ["username", "area", "object_id"]
    date_hierarchy = "at"

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
