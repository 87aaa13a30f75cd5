from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from villagedesk.registry.models import Household, Person, RevealLog


@admin.register(Household)
class HouseholdAdmin(SimpleHistoryAdmin):
    list_display = ["number", "village", "group", "status"]
    list_filter = ["status"]
    search_fields = ["number", "area_code"]
    raw_id_fields = ["village", "group"]


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    list_display = ["name", "household", "relation", "sex", "birth_date"]
    search_fields = ["name", "name_pinyin", "name_initials"]
    raw_id_fields = ["household"]
    exclude = ["id_number", "phone"]


@admin.register(RevealLog)
class RevealLogAdmin(admin.ModelAdmin):
    list_display = ["at", "user", "person", "field"]
    readonly_fields = ["at", "user", "person", "field"]
    raw_id_fields = ["person"]
