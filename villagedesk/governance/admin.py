from django.contrib import admin

from villagedesk.governance.models import LocalRule, Matter, Meeting, PublicNotice, Task


@admin.register(LocalRule)
class LocalRuleAdmin(admin.ModelAdmin):
    list_display = ["area", "body", "quorum_numerator", "quorum_denominator", "majority_of_all"]
    list_filter = ["body"]
    raw_id_fields = ["area"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["held_on", "kind", "village", "due", "present", "quorate"]
    list_filter = ["kind", "quorate"]
    raw_id_fields = ["village", "group", "persons", "contacts"]


@admin.register(Matter)
class MatterAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "village", "step"]
    list_filter = ["kind", "step"]
    raw_id_fields = ["village"]
    readonly_fields = ["step"]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["title", "village", "owner", "owner_name", "due_on", "status"]
    list_filter = ["status"]
    raw_id_fields = ["village", "item", "owner", "problem"]


@admin.register(PublicNotice)
class PublicNoticeAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "village", "posted_on", "days"]
    list_filter = ["category"]
    raw_id_fields = ["village", "matter"]
