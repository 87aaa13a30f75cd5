from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from villagedesk.organisation.models import PartyMember, Talent, TenHouseholdGroup, Training
from villagedesk.registry.admin import DataChangedMixin


@admin.register(PartyMember)
class PartyMemberAdmin(DataChangedMixin, SimpleHistoryAdmin):
    """Writes here make the roster's stored structure out of date, as the services' do."""

    list_display = ["name", "village", "stage", "probationary_on", "full_on", "away"]
    list_filter = ["stage", "away"]
    raw_id_fields = ["village", "person"]


@admin.register(TenHouseholdGroup)
class TenHouseholdGroupAdmin(SimpleHistoryAdmin):
    list_display = ["name", "village", "head"]
    raw_id_fields = ["village", "head"]


@admin.register(Talent)
class TalentAdmin(SimpleHistoryAdmin):
    list_display = ["person", "kind", "skills"]
    list_filter = ["kind"]
    raw_id_fields = ["person"]


@admin.register(Training)
class TrainingAdmin(SimpleHistoryAdmin):
    list_display = ["topic", "village", "held_on", "hours"]
    raw_id_fields = ["village", "attendees"]
