from django.contrib import admin

from villagedesk.development.models import Consultation, SupportRequest


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    list_display = ["held_on", "village", "contact", "organisation"]
    raw_id_fields = ["village", "contact", "organisation"]


@admin.register(SupportRequest)
class SupportRequestAdmin(admin.ModelAdmin):
    list_display = ["title", "village", "kind", "body", "amount", "status"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["village", "body"]
