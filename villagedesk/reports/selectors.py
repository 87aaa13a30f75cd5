"""Figures for the home page, aggregated in the database over the user's areas.

Large areas (a county, a township of thousands of households) are read from counts kept for each
state of the county's data (`registry.figures`), small ones counted in the request."""

from dataclasses import dataclass

from django.db.models import Count, Q

from villagedesk.accounts.models import User
from villagedesk.registry.codes import HouseholdStatus
from villagedesk.registry.figures import few_households, per_county
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


def home_figures(*, user: User) -> tuple[list[VillageRow], dict]:
    """The village rows and the overview of the user's areas."""
    prefixes = user.area_prefixes()
    if few_households(prefixes):
        villages = village_rows(user=user)
        return villages, overview(user=user, villages=villages)
    counts = per_county("home-villages", prefixes, village_counts)
    shown = {
        code: village
        for code, village in counts.items()
        if any(code.startswith(prefix) for prefix in prefixes)
    }
    villages = village_rows_of([(code, shown[code]) for code in sorted(shown)[:VILLAGE_ROWS]])
    return villages, {
        "households": sum(v["households"] for v in shown.values()),
        "persons": sum(v["persons"] for v in shown.values()),
        "by_status": [
            (status, sum(v[status.value] for v in shown.values())) for status in HouseholdStatus
        ],
    }


def village_counts(county: str) -> dict[str, dict]:
    """Per village of the county: its names, its households in total and by status, and its
    persons (two queries over the county)."""
    persons = dict(
        Person.objects.within([county])
        .order_by()
        .values("area_code")
        .annotate(n=Count("id"))
        .values_list("area_code", "n")
    )
    rows = (
        Household.objects.within([county])
        .order_by()
        .values("area_code", "village__name", "village__name_en")
        .annotate(households=Count("id"), **STATUS_COUNTS)
    )
    return {row["area_code"]: {**row, "persons": persons.get(row["area_code"], 0)} for row in rows}


def village_rows_of(rows: list[tuple[str, dict]]) -> list[VillageRow]:
    """Village rows from (code, figures); the status labels translated once for all rows."""
    labels = [(str(status.label), status.value) for status in HouseholdStatus]
    return [
        VillageRow(
            code=code,
            name=row["village__name"],
            name_en=row["village__name_en"],
            households=row["households"],
            counts=[(label, row[value]) for label, value in labels],
        )
        for code, row in rows
    ]


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
    return village_rows_of([(row["area_code"], row) for row in rows])
