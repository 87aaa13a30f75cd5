from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from villagedesk.fieldwork.models import CountySetting, Problem, VillageSetting, Visit


@admin.register(VillageSetting)
class VillageSettingAdmin(admin.ModelAdmin):
    list_display = ["village", "visit_interval_days"]
    raw_id_fields = ["village"]


@admin.register(CountySetting)
class CountySettingAdmin(admin.ModelAdmin):
    list_display = ["county", "days_in_village"]
    raw_id_fields = ["county"]


@admin.register(Visit)
class VisitAdmin(admin.ModelAdmin):
    list_display = ["visited_on", "village", "household", "visitor", "kind"]
    list_filter = ["kind"]
    raw_id_fields = ["village", "household", "persons", "visitor"]


@admin.register(Problem)
class ProblemAdmin(SimpleHistoryAdmin):
    list_display = ["title", "village", "category", "status", "due_on"]
    list_filter = ["status", "category"]
    raw_id_fields = ["village", "households", "persons", "visit", "owner", "created_by"]
