"""Figures for the home page, aggregated in the database over the user's areas."""

from dataclasses import dataclass

from django.db.models import Count, Q

from villagedesk.accounts.models import User
from villagedesk.registry.codes import HouseholdStatus
from villagedesk.registry.models import Household, Person


@dataclass(frozen=True)
class VillageRow:
    code: str
    name: str
    name_en: str
    households: int
    counts: list[tuple[str, int]]  # (status label, households), in the order of HouseholdStatus


# The home page lists at most this many villages.
VILLAGE_ROWS = 500
STATUS_COUNTS = {status.value: Count("id", filter=Q(status=status)) for status in HouseholdStatus}


def overview(*, user: User, villages: list[VillageRow]) -> dict:
    """Households and persons in the user's areas, in total and by status.

    The household figures are the sums of the user's village rows (village_rows), rather than
    another pass over the households, unless the rows were cut at their limit.
    """
    if len(villages) >= VILLAGE_ROWS:
        totals = Household.objects.visible_to(user).aggregate(
            households=Count("id"), **STATUS_COUNTS
        )
        households = totals.pop("households")
        by_status = [(HouseholdStatus(code), n) for code, n in totals.items()]
    else:
        households = sum(row.households for row in villages)
        by_status = [
            (status, sum(row.counts[i][1] for row in villages))
            for i, status in enumerate(HouseholdStatus)
        ]
    return {
        "households": households,
        "persons": Person.objects.visible_to(user).count(),
        "by_status": by_status,
    }


def village_rows(*, user: User) -> list[VillageRow]:
    """One row per village in the user's areas (the first VILLAGE_ROWS by code): households in
    total and by status."""
    rows = (
        Household.objects.visible_to(user)
        .values("area_code", "village__name", "village__name_en")
        .annotate(households=Count("id"), **STATUS_COUNTS)
        .order_by("area_code")[:VILLAGE_ROWS]
    )
    return [
        VillageRow(
            code=row["area_code"],
            name=row["village__name"],
            name_en=row["village__name_en"],
            households=row["households"],
            counts=[(status.label, row[status.value]) for status in HouseholdStatus],
        )
        for row in rows
    ]
