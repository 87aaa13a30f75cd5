from django.contrib import admin

from villagedesk.registry.admin import DataChangedMixin
from villagedesk.registry.changes import data_changed
from villagedesk.welfare.models import (
    Enrolment,
    IncomeLine,
    MonitoredHousehold,
    Parameter,
    Policy,
    PolicyRule,
)


@admin.register(Parameter)
class ParameterAdmin(DataChangedMixin, admin.ModelAdmin):
    area_field = "area__code"
    list_display = ["name", "year", "area", "value", "note"]
    list_filter = ["name", "year"]
    autocomplete_fields = ["area"]


class PolicyRuleInline(admin.TabularInline):
    model = PolicyRule
    extra = 0
    readonly_fields = ["version", "effective_from", "effective_to", "definition", "created_by"]
    can_delete = False


@admin.register(Policy)
class PolicyAdmin(DataChangedMixin, admin.ModelAdmin):
    list_display = ["code", "name_zh", "category", "benefit_unit", "issuing_body"]
    list_filter = ["category", "benefit_unit"]
    inlines = [PolicyRuleInline]

    def changed(self, queryset) -> None:
        # A policy (what it counts, its rules) is the same in every county.
        data_changed(everywhere=True)


@admin.register(IncomeLine)
class IncomeLineAdmin(DataChangedMixin, admin.ModelAdmin):
    area_field = "household__area_code"
    list_display = ["household", "year", "kind", "amount", "from_flows"]
    list_filter = ["year", "kind"]
    raw_id_fields = ["household"]
    # The flow part follows the income flows (`services.income_flow_set`), never typed here.
    readonly_fields = ["from_flows"]


@admin.register(Enrolment)
class EnrolmentAdmin(DataChangedMixin, admin.ModelAdmin):
    list_display = ["policy", "household", "person", "starts_on", "ends_on", "amount"]
    list_filter = ["policy"]
    raw_id_fields = ["household", "person"]


@admin.register(MonitoredHousehold)
class MonitoredHouseholdAdmin(DataChangedMixin, admin.ModelAdmin):
    list_display = ["household", "year", "category", "first_lead_on", "risk_eliminated_on"]
    list_filter = ["year", "category"]
    raw_id_fields = ["household"]
