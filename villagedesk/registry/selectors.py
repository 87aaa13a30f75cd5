"""Scoped reads of the registry. Every function takes the user and sees only their areas."""

import re
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from villagedesk.accounts import permissions
from villagedesk.accounts.models import User
from villagedesk.accounts.permissions import Capability
from villagedesk.areas.models import Area, VillageGroup
from villagedesk.core.concurrency import VersionField
from villagedesk.core.scoping import get_visible_or_404
from villagedesk.registry.codes import Relation
from villagedesk.registry.models import PERSONAL_NUMBERS, Household, Person, Supporter
from villagedesk.registry.search import household_match


@dataclass(frozen=True)
class HouseholdFilters:
    village: str = ""
    group: int | None = None
    status: str = ""
    q: str = ""


def household_list(*, user: User, filters: HouseholdFilters | None = None) -> QuerySet[Household]:
    """Households in the user's areas, filtered, members prefetched (head first)."""
    filters = filters or HouseholdFilters()
    households = Household.objects.visible_to(user)
    if filters.village:
        households = households.filter(area_code=filters.village)
    if filters.group:
        households = households.filter(group_id=filters.group)
    if filters.status:
        households = households.filter(status=filters.status)
    match = household_match(filters.q)
    if match is not None:
        households = households.filter(match)
    # What a list shows of the members: their names, who heads, the head's number masked. A
    # person has some seventy columns, three of them sealed, each unsealed as it is read.
    members = Person.objects.only("household_id", "name", "relation", "id_number").order_by(
        "household_id", "id"
    )
    return households.select_related("village", "group").prefetch_related(
        Prefetch("members", queryset=members)
    )


def household_get(*, user: User, pk: int) -> Household:
    """One household in the user's areas, with its members (and their spouses and parents) and
    its supporters outside the household; 404 outside them."""
    members = Person.objects.select_related("spouse", "father", "mother").order_by("id")
    supporters = Supporter.objects.select_related("supported").order_by("supported_id", "id")
    households = Household.objects.select_related("village", "group").prefetch_related(
        Prefetch("members", queryset=members), Prefetch("supporters", queryset=supporters)
    )
    return get_visible_or_404(households, user=user, pk=pk)


def supporter_get(*, user: User, pk: int) -> Supporter:
    """One supporter of a household in the user's areas; 404 outside them."""
    supporters = Supporter.objects.select_related("household", "household__village", "supported")
    return get_visible_or_404(supporters, user=user, pk=pk)


def household_by_number(*, user: User, village_code: str, number: str) -> Household | None:
    """The household with this number in a village of the user's areas, or None."""
    return Household.objects.visible_to(user).filter(area_code=village_code, number=number).first()


def person_get(*, user: User, pk: int) -> Person:
    """One person in the user's areas; 404 outside them."""
    persons = Person.objects.select_related("household", "household__village")
    return get_visible_or_404(persons, user=user, pk=pk)


def village_list(*, user: User, capability: Capability | None = None) -> QuerySet[Area]:
    """Villages in the user's areas, by code; with a capability, only those where it is held."""
    return permissions.village_list(user, capability)


TRAILING_NUMBER = re.compile(r"^(.*?)(\d+)$")


def household_number_next(*, village: Area) -> str:
    """The number after the highest household number of the village, in the same form (its
    prefix and its width: 0123 is followed by 0124); empty when no number ends in digits."""
    highest = None
    for number in Household.objects.filter(area_code=village.code).values_list("number", flat=True):
        found = TRAILING_NUMBER.match(number)
        if found and (highest is None or int(found[2]) > int(highest[2])):
            highest = found
    if highest is None:
        return ""
    prefix, digits = highest[1], highest[2]
    return prefix + str(int(digits) + 1).zfill(len(digits))


def household_has_head(*, household: Household) -> bool:
    return household.members.filter(relation=Relation.HEAD).exists()


def group_list(*, user: User, village_code: str = "") -> QuerySet[VillageGroup]:
    """Village groups in the user's areas, optionally of one village."""
    groups = VillageGroup.objects.filter(village__in=village_list(user=user)).select_related(
        "village"
    )
    if village_code:
        groups = groups.filter(area_code=village_code)
    return groups.order_by("area_code", "number")


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str


@dataclass(frozen=True)
class HistoryEntry:
    at: object
    user: str
    kind: str
    subject: str
    changes: list[FieldChange]


def shown_value(record, field) -> str:
    value = getattr(record, field.attname)
    if value in (None, ""):
        return ""
    if field.is_relation:
        return str(getattr(record, field.name))
    if field.name in PERSONAL_NUMBERS:
        return PERSONAL_NUMBERS[field.name](value)
    if field.choices:
        return str(getattr(record, f"get_{field.name}_display")())
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    return str(value)


def record_changes(model, previous, record) -> list[FieldChange]:
    fields = [
        f
        for f in model.history.model._meta.fields
        if f.name in {g.name for g in model._meta.fields}
        and f.name != "id"
        and not isinstance(f, VersionField)
    ]
    changes = []
    for field in fields:
        new = shown_value(record, field)
        old = shown_value(previous, field) if previous is not None else ""
        if old != new:
            changes.append(FieldChange(str(field.verbose_name), old, new))
    return changes


def household_history(*, household: Household) -> list[HistoryEntry]:
    """Every change to the household and its members, newest first, numbers masked."""
    streams = [
        (Household, household.history.select_related("history_user", "group", "village")),
        (Person, Person.history.filter(household_id=household.pk).select_related("history_user")),
    ]
    entries = []
    for model, records in streams:
        previous_by_object = {}
        for record in records.order_by("history_date", "history_id"):
            previous = previous_by_object.get(record.id)
            changes = record_changes(model, previous, record)
            previous_by_object[record.id] = record
            if not changes and record.history_type == "~":
                continue
            entries.append(
                HistoryEntry(
                    at=record.history_date,
                    user=str(record.history_user or _("system")),
                    kind=record.history_type,
                    subject=str(_("household")) if model is Household else record.name,
                    changes=changes,
                )
            )
    entries.sort(key=lambda e: e.at, reverse=True)
    return entries
