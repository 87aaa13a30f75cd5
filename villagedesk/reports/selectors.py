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


STATUS_COUNTS = {status.value: Count("id", filter=Q(status=status)) for status in HouseholdStatus}


def overview(*, user: User) -> dict:
    """Households and persons in the user's areas, in total and by status."""
    totals = Household.objects.visible_to(user).aggregate(households=Count("id"), **STATUS_COUNTS)
    persons = Person.objects.visible_to(user).count()
    return {
        "households": totals.pop("households"),
        "persons": persons,
        "by_status": [(HouseholdStatus(code), n) for code, n in totals.items()],
    }


def village_rows(*, user: User, limit: int = 500) -> list[VillageRow]:
    """One row per village in the user's areas: households in total and by status."""
    rows = (
        Household.objects.visible_to(user)
        .values("area_code", "village__name", "village__name_en")
        .annotate(households=Count("id"), **STATUS_COUNTS)
        .order_by("area_code")[:limit]
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
