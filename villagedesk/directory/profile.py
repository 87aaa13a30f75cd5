"""The village profile's population figures, counted from the registry.

Nothing is typed in: a figure typed once goes stale, a figure counted from the household registry
is as current as the registry, in three aggregate queries whatever the area's size. A large area's
figures (a county's, a big township's) are counted once for each state of its counties' data and
kept (`registry.figures`).
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.utils.translation import get_language

from villagedesk.registry.codes import (
    WORKING_LABOUR,
    DisabilityCategory,
    HouseholdStatus,
    Labour,
    MigrantWork,
    Sex,
)
from villagedesk.registry.figures import few_households, of_area
from villagedesk.registry.models import Household, Person

AGE_BAND_WIDTH = 10
OLDEST_BAND = 80  # 80 and over in one band


@dataclass(frozen=True)
class AgeBand:
    label: str
    male: int
    female: int


@dataclass
class Figures:
    households: int = 0
    persons: int = 0
    age_pyramid: list[AgeBand] = field(default_factory=list)
    labour_force: int = 0
    labour: list[tuple[str, int]] = field(default_factory=list)
    migrant_workers: int = 0
    migrants_by_place: list[tuple[str, int]] = field(default_factory=list)
    surnames: list[tuple[str, int]] = field(default_factory=list)
    disabled: int = 0
    disabled_by_category: list[tuple[str, int]] = field(default_factory=list)
    households_by_status: list[tuple[str, int]] = field(default_factory=list)
    poor_persons: int = 0

    @property
    def rural_population(self) -> int:
        """Everyone in the village's household registry."""
        return self.persons

    @property
    def poverty_incidence(self) -> Decimal | None:
        """Registered poor persons per hundred of the rural population, to one decimal."""
        if not self.rural_population:
            return None
        share = Decimal(self.poor_persons * 100) / Decimal(self.rural_population)
        return share.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February in a year without it
        return day.replace(year=day.year - years, day=28)


def age_bands(today: datetime.date) -> list[tuple[str, Q]]:
    """Ten-year bands as filters on the birth date: age >= low means born on or before
    today minus low years; age < high means born after today minus high years."""
    bands = []
    for low in range(0, OLDEST_BAND, AGE_BAND_WIDTH):
        high = low + AGE_BAND_WIDTH
        condition = Q(birth_date__lte=years_before(today, low)) & Q(
            birth_date__gt=years_before(today, high)
        )
        bands.append((f"{low}–{high - 1}", condition))
    bands.append((f"{OLDEST_BAND}+", Q(birth_date__lte=years_before(today, OLDEST_BAND))))
    return bands


def by_code(field: str, choices) -> dict[str, Count]:
    """One count per code of the list, to be taken in the same pass as the other figures."""
    return {f"{field}_{c.value}": Count("id", filter=Q(**{field: c.value})) for c in choices}


def counted(totals: dict, field: str, choices) -> list[tuple[str, int]]:
    """The counts of by_code in the order of the code list, with labels, zeros left out."""
    return [
        (str(c.label), totals[f"{field}_{c.value}"])
        for c in choices
        if totals[f"{field}_{c.value}"]
    ]


def village_figures(*, prefix: str, today: datetime.date, surnames: int = 10) -> Figures:
    """All population figures of the area with this prefix (a village, or anything above).

    Three passes: the persons (every count), their surnames, and the households.
    """
    households = Household.objects.within([prefix])
    persons = Person.objects.within([prefix])

    bands = age_bands(today)
    person_counts = persons.aggregate(
        total=Count("id"),
        labour_force=Count("id", filter=Q(labour__in=WORKING_LABOUR)),
        migrant_workers=Count("id", filter=~Q(migrant_work="")),
        disabled=Count("id", filter=~Q(disability_category="")),
        poor_persons=Count("id", filter=Q(household__status=HouseholdStatus.POOR)),
        **{
            f"b{i}_{sex}": Count("id", filter=condition & Q(sex=sex))
            for i, (_label, condition) in enumerate(bands)
            for sex in (Sex.MALE, Sex.FEMALE)
        },
        **by_code("labour", Labour),
        **by_code("migrant_work", MigrantWork),
        **by_code("disability_category", DisabilityCategory),
    )
    surname_rows = (
        persons.annotate(surname=Substr("name", 1, 1))
        .values("surname")
        .annotate(n=Count("id"))
        .order_by("-n", "surname")[:surnames]
    )
    household_counts = households.aggregate(total=Count("id"), **by_code("status", HouseholdStatus))
    return Figures(
        households=household_counts["total"],
        persons=person_counts["total"],
        age_pyramid=[
            AgeBand(
                label=label,
                male=person_counts[f"b{i}_{Sex.MALE}"],
                female=person_counts[f"b{i}_{Sex.FEMALE}"],
            )
            for i, (label, _condition) in enumerate(bands)
        ],
        labour_force=person_counts["labour_force"],
        labour=counted(person_counts, "labour", Labour),
        migrant_workers=person_counts["migrant_workers"],
        migrants_by_place=counted(person_counts, "migrant_work", MigrantWork),
        surnames=[(row["surname"], row["n"]) for row in surname_rows],
        disabled=person_counts["disabled"],
        disabled_by_category=counted(person_counts, "disability_category", DisabilityCategory),
        households_by_status=counted(household_counts, "status", HouseholdStatus),
        poor_persons=person_counts["poor_persons"],
    )


def area_figures(*, prefix: str, today: datetime.date) -> Figures:
    """The figures of `village_figures`, read from those kept for the counties' data where the
    area holds many households."""
    if few_households([prefix]):
        return village_figures(prefix=prefix, today=today)
    return of_area(
        "profile",
        prefix,
        lambda: village_figures(prefix=prefix, today=today),
        day=today,
        language=get_language(),
    )
