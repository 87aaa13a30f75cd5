"""Admin pieces shared by the apps."""

from django.contrib import admin


class EvidenceAdmin(admin.ModelAdmin):
    """Rows kept as evidence (the audit log, the reveal log): shown, never added, changed or
    removed in the admin, superusers included."""

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
