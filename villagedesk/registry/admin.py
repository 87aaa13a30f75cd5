from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from villagedesk.core.admin import EvidenceAdmin
from villagedesk.core.scoping import scope_codes_follow
from villagedesk.registry.changes import data_changed
from villagedesk.registry.families import derive
from villagedesk.registry.models import PERSONAL_NUMBERS, Household, Person, RevealLog
from villagedesk.registry.services import household_followed, person_history_anonymise


class DataChangedMixin:
    """Writes here change the counties' data as the services' writes do (`registry.changes`):
    figures stored from it go out of date. `area_field` names each row's area code."""

    area_field = "area_code"

    def changed(self, queryset) -> None:
        data_changed(set(queryset.values_list(self.area_field, flat=True)))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self.changed(type(obj).objects.filter(pk=obj.pk))

    def delete_model(self, request, obj):
        self.changed(type(obj).objects.filter(pk=obj.pk))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        self.changed(queryset)
        super().delete_queryset(request, queryset)


class AnonymisingDeleteMixin:
    """Deleting persons here (directly or with their household) leaves their change history
    without full numbers, as the registry's own delete does."""

    def person_ids(self, queryset) -> list[int]:
        raise NotImplementedError

    def delete_model(self, request, obj):
        ids = self.person_ids(type(obj).objects.filter(pk=obj.pk))
        super().delete_model(request, obj)
        person_history_anonymise(person_ids=ids)

    def delete_queryset(self, request, queryset):
        ids = self.person_ids(queryset)
        super().delete_queryset(request, queryset)
        person_history_anonymise(person_ids=ids)


class NumbersMaskedInChanges(HistoricalRecordContextHelper):
    """The changes the history page lists, personal numbers masked as the registry's own
    household page masks them."""

    def prepare_delta_change_value(self, change, value):
        if change.field in PERSONAL_NUMBERS and value:
            return PERSONAL_NUMBERS[change.field](value)
        return super().prepare_delta_change_value(change, value)


@admin.register(Household)
class HouseholdAdmin(DataChangedMixin, AnonymisingDeleteMixin, SimpleHistoryAdmin):
    list_display = ["number", "village", "group", "status", "poverty_status"]
    list_filter = ["status", "poverty_status"]
    search_fields = ["number", "area_code"]
    raw_id_fields = ["village", "group"]

    def person_ids(self, queryset) -> list[int]:
        return list(Person.objects.filter(household__in=queryset).values_list("pk", flat=True))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        household_followed(by=request.user, household=obj)


@admin.register(Person)
class PersonAdmin(DataChangedMixin, AnonymisingDeleteMixin, SimpleHistoryAdmin):
    list_display = ["name", "household", "relation", "sex", "birth_date"]
    search_fields = ["name", "name_pinyin", "name_initials"]
    raw_id_fields = ["household"]
    exclude = list(PERSONAL_NUMBERS)

    def person_ids(self, queryset) -> list[int]:
        return list(queryset.values_list("pk", flat=True))

    def get_historical_record_context_helper(self, request, historical_record):
        return NumbersMaskedInChanges(self.model, historical_record)

    # Couples and parents follow the relations, as after the registry's own writes.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        scope_codes_follow(Person, [obj.pk], obj.area_code)
        derive([obj.household_id])

    def delete_model(self, request, obj):
        household_id = obj.household_id
        super().delete_model(request, obj)
        derive([household_id])

    def delete_queryset(self, request, queryset):
        household_ids = set(queryset.values_list("household_id", flat=True))
        super().delete_queryset(request, queryset)
        derive(household_ids)


@admin.register(RevealLog)
class RevealLogAdmin(EvidenceAdmin):
    list_display = ["at", "user", "person", "field"]
