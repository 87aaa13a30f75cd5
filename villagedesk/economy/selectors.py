"""Scoped reads of the village economy: every list and figure is of the villages in the user's
areas, and a single record outside them is a 404."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, QuerySet, Sum
from django.db.models.functions import Coalesce

from villagedesk.accounts.models import User
from villagedesk.areas.models import Area, Level
from villagedesk.core.scoping import get_visible_or_404
from villagedesk.economy.codes import (
    OPERATING_SOURCES,
    WEAK_INCOME_PARAMETER,
    IncomeSource,
    LandKind,
)
from villagedesk.economy.models import (
    Collective,
    CollectiveCapital,
    CollectiveIncome,
    CollectiveMember,
    CollectiveSpending,
    Cooperative,
    CooperativeMember,
    Distribution,
    DividendShare,
    LandTransfer,
    Plot,
    RentReceipt,
)
from villagedesk.registry.models import Household, Person
from villagedesk.welfare.parameters import parameter_values

ZERO = Decimal(0)
# The collective's income is shown over this many years, the last the one before this year.
YEARS_SHOWN = 5


def years_shown(today: datetime.date) -> list[int]:
    return list(range(today.year - YEARS_SHOWN, today.year))


def village_get(*, user: User, code: str) -> Area:
    """A village in the user's areas, by its code; 404 otherwise."""
    return get_visible_or_404(Area.objects.villages(), user=user, code=code)


# Cooperatives


def cooperative_list(*, user: User, village: str = "") -> QuerySet[Cooperative]:
    """Cooperatives and businesses of the user's villages, with their members and shares."""
    cooperatives = Cooperative.objects.visible_to(user)
    if village:
        cooperatives = cooperatives.filter(area_code=village)
    return cooperatives.select_related("village").annotate(
        member_count=Count("members", distinct=True),
        shares_total=Sum("members__shares"),
    )


def cooperative_get(*, user: User, pk: int) -> Cooperative:
    """One cooperative of the user's villages; 404 outside them."""
    return get_visible_or_404(Cooperative.objects.select_related("village"), user=user, pk=pk)


def cooperative_members(*, cooperative: Cooperative) -> QuerySet[CooperativeMember]:
    return cooperative.members.select_related("household").order_by("household__number")


def cooperative_distributions(*, cooperative: Cooperative) -> QuerySet[Distribution]:
    return cooperative.distributions.order_by("-year")


def dividend_parts(*, distribution: Distribution) -> QuerySet[DividendShare]:
    """The households' parts of a year's dividend, by household number."""
    return distribution.parts.select_related("household").order_by("household__number", "pk")


def cooperative_member_get(*, user: User, pk: int) -> CooperativeMember:
    return get_visible_or_404(
        CooperativeMember.objects.select_related("cooperative", "household"), user=user, pk=pk
    )


def distribution_get(*, user: User, pk: int) -> Distribution:
    return get_visible_or_404(Distribution.objects.select_related("cooperative"), user=user, pk=pk)


def households_to_pick(*, user: User, village_code: str) -> QuerySet[Household]:
    """The households of a village in the user's areas, by number (a member picker's choices)."""
    return Household.objects.visible_to(user).filter(area_code=village_code).order_by("number")


def persons_to_pick(*, user: User, village_code: str) -> QuerySet[Person]:
    """The persons registered in a village in the user's areas who are members of no collective
    now (a confirmation's choices)."""
    return (
        Person.objects.visible_to(user)
        .filter(area_code=village_code)
        .exclude(
            Exists(CollectiveMember.objects.filter(person=OuterRef("pk"), ended_on__isnull=True))
        )
        .select_related("household")
        .order_by("household__number", "id")
    )


# The collective economic organisation


@dataclass
class CollectiveYears:
    """A collective's income and spending by year, with its operating income against the weak
    village threshold of each year (None where the area sets none)."""

    years: list[int]
    income: dict[int, dict[str, Decimal]] = field(default_factory=dict)
    spending: dict[int, Decimal] = field(default_factory=dict)
    thresholds: dict[int, Decimal | None] = field(default_factory=dict)

    def income_total(self, year: int) -> Decimal:
        return sum(self.income.get(year, {}).values(), ZERO)

    def operating(self, year: int) -> Decimal:
        return sum((self.income.get(year, {}).get(s, ZERO) for s in OPERATING_SOURCES), ZERO)

    def weak(self, year: int) -> bool | None:
        threshold = self.thresholds.get(year)
        if threshold is None:
            return None
        return self.operating(year) < threshold

    def rows(self) -> list[dict]:
        return [
            {
                "year": year,
                "by_source": [
                    (source.label, self.income.get(year, {}).get(source, ZERO))
                    for source in IncomeSource
                ],
                "total": self.income_total(year),
                "operating": self.operating(year),
                "spending": self.spending.get(year, ZERO),
                "threshold": self.thresholds.get(year),
                "weak": self.weak(year),
            }
            for year in self.years
        ]

    def chart(self) -> dict:
        return {
            "years": [str(year) for year in self.years],
            "operating": [float(self.operating(year)) for year in self.years],
            "other": [float(self.income_total(year) - self.operating(year)) for year in self.years],
            "threshold": [
                None if self.thresholds.get(y) is None else float(self.thresholds[y])
                for y in self.years
            ],
        }


def thresholds_for(*, code: str, years: list[int]) -> dict[int, Decimal | None]:
    """The weak-village threshold in force for the area of this code, year by year."""
    return {
        year: parameter_values(name=WEAK_INCOME_PARAMETER, year=year).at(code) for year in years
    }


def collective_of(*, village: Area) -> Collective | None:
    """The village's collective organisation (the village was fetched through its selector)."""
    return Collective.objects.filter(village=village).first()


def collective_years(*, collective: Collective, years: list[int]) -> CollectiveYears:
    """The collective's income by source and spending for the years, in two grouped queries."""
    figures = CollectiveYears(years=years)
    incomes = (
        CollectiveIncome.objects.filter(collective=collective, year__in=years)
        .values("year", "source")
        .annotate(total=Sum("amount"))
    )
    for row in incomes:
        figures.income.setdefault(row["year"], {})[row["source"]] = row["total"]
    spending = (
        CollectiveSpending.objects.filter(collective=collective, year__in=years)
        .values("year")
        .annotate(total=Sum("amount"))
    )
    figures.spending = {row["year"]: row["total"] for row in spending}
    figures.thresholds = thresholds_for(code=collective.area_code, years=years)
    return figures


def collective_members(*, collective: Collective) -> QuerySet[CollectiveMember]:
    return collective.members.select_related("person", "person__household").order_by(
        "ended_on", "person__household__number", "id"
    )


def collective_member_get(*, user: User, pk: int) -> CollectiveMember:
    return get_visible_or_404(
        CollectiveMember.objects.select_related("collective", "person"), user=user, pk=pk
    )


def collective_lines(*, collective: Collective, years: list[int]):
    """The income and spending lines of the years, newest first."""
    return (
        CollectiveIncome.objects.filter(collective=collective, year__in=years).order_by(
            "-year", "source", "id"
        ),
        CollectiveSpending.objects.filter(collective=collective, year__in=years).order_by(
            "-year", "kind", "id"
        ),
    )


def collective_income_get(*, user: User, pk: int) -> CollectiveIncome:
    return get_visible_or_404(CollectiveIncome.objects.all(), user=user, pk=pk)


def collective_spending_get(*, user: User, pk: int) -> CollectiveSpending:
    return get_visible_or_404(CollectiveSpending.objects.all(), user=user, pk=pk)


def capital_list(*, collective: Collective) -> QuerySet[CollectiveCapital]:
    return collective.capitals.order_by("kind", "name", "id")


def capital_totals(*, collective: Collective) -> dict[str, Decimal]:
    rows = collective.capitals.values("kind").annotate(total=Sum("value"))
    return {row["kind"]: row["total"] for row in rows}


def capital_get(*, user: User, pk: int) -> CollectiveCapital:
    return get_visible_or_404(CollectiveCapital.objects.all(), user=user, pk=pk)


@dataclass
class VillageIncome:
    village: Area
    by_year: dict[int, Decimal]
    thresholds: dict[int, Decimal | None]

    def cells(self, years):
        cells = []
        for year in years:
            operating = self.by_year.get(year)
            threshold = self.thresholds.get(year)
            weak = None if operating is None or threshold is None else operating < threshold
            cells.append({"year": year, "operating": operating, "weak": weak})
        return cells


def township_list(*, user: User) -> QuerySet[Area]:
    """The townships in the user's areas, by code (the roll-up's choice of area)."""
    return Area.objects.visible_to(user).filter(level=Level.TOWNSHIP).order_by("code")


def area_get(*, user: User, code: str) -> Area:
    """An area in the user's areas, by its code; 404 otherwise."""
    return get_visible_or_404(Area.objects.all(), user=user, code=code)


def collective_rollup(*, user: User, years: list[int], within: str = "") -> list[VillageIncome]:
    """Each village in the user's areas (or under `within`, a prefix in them), by code, with its
    collective's operating income per year (None: nothing recorded) and the weak-village
    threshold of each year: one grouped query, and one per year for the thresholds."""
    villages = Area.objects.within(user.area_prefixes()).villages()
    if within:
        villages = villages.filter(code__startswith=within)
    villages = list(villages.order_by("code"))
    incomes = (
        CollectiveIncome.objects.visible_to(user)
        .filter(year__in=years, source__in=OPERATING_SOURCES)
        .values("area_code", "year")
        .annotate(total=Sum("amount"))
    )
    if within:
        incomes = incomes.filter(area_code__startswith=within)
    by_village: dict[str, dict[int, Decimal]] = {}
    for row in incomes:
        by_village.setdefault(row["area_code"], {})[row["year"]] = row["total"]
    values = {year: parameter_values(name=WEAK_INCOME_PARAMETER, year=year) for year in years}
    return [
        VillageIncome(
            village=village,
            by_year=by_village.get(village.code, {}),
            thresholds={year: values[year].at(village.code) for year in years},
        )
        for village in villages
    ]


# Land


def household_get(*, user: User, pk: int) -> Household:
    return get_visible_or_404(Household.objects.select_related("village"), user=user, pk=pk)


def household_plots(*, household: Household) -> QuerySet[Plot]:
    return household.plots.prefetch_related("transfers__rents").order_by("name", "id")


def plot_get(*, user: User, pk: int) -> Plot:
    return get_visible_or_404(Plot.objects.select_related("household"), user=user, pk=pk)


def transfer_get(*, user: User, pk: int) -> LandTransfer:
    return get_visible_or_404(
        LandTransfer.objects.select_related("plot", "household"), user=user, pk=pk
    )


def rent_get(*, user: User, pk: int) -> RentReceipt:
    return get_visible_or_404(
        RentReceipt.objects.select_related("transfer", "household"), user=user, pk=pk
    )


@dataclass(frozen=True)
class LandTotals:
    """A village's contracted land, the part transferred on a day, and the rent of a year."""

    contracted: Decimal
    transferred: Decimal
    rent_received: Decimal
    plots: int
    households: int
    by_kind: list[dict]

    @property
    def transferred_share(self) -> Decimal | None:
        if not self.contracted:
            return None
        return (self.transferred * 100 / self.contracted).quantize(Decimal("0.1"))


def land_totals(*, code: str, day: datetime.date, year: int) -> LandTotals:
    """The land of the area of this code (a village's, or every village's below a prefix):
    contracted area and plots, the area under transfers in force on `day`, and the rent received
    for `year`; four queries."""
    plots = Plot.objects.filter(area_code__startswith=code)
    contracted = plots.aggregate(
        area=Coalesce(Sum("area_mu"), ZERO),
        count=Count("id"),
        households=Count("household", distinct=True),
    )
    rent = RentReceipt.objects.filter(area_code__startswith=code, year=year).aggregate(
        total=Coalesce(Sum("amount"), ZERO)
    )["total"]
    transferred_by_kind = dict(
        LandTransfer.objects.filter(
            area_code__startswith=code, starts_on__lte=day, ends_on__gte=day
        )
        .values("plot__kind")
        .annotate(area=Sum("area_mu"))
        .values_list("plot__kind", "area")
    )
    by_kind = [
        {
            "kind": row["kind"],
            "label": LandKind(row["kind"]).label,
            "area": row["area"],
            "transferred": transferred_by_kind.get(row["kind"], ZERO),
        }
        for row in plots.values("kind").annotate(area=Sum("area_mu")).order_by("kind")
    ]
    return LandTotals(
        contracted=contracted["area"],
        transferred=sum(transferred_by_kind.values(), ZERO),
        rent_received=rent,
        plots=contracted["count"],
        households=contracted["households"],
        by_kind=by_kind,
    )


def village_land_households(*, village: Area) -> QuerySet[Household]:
    """The village's households that hold contracted plots, with their area and the area they
    have transferred (on any term), by number."""
    return (
        Household.objects.filter(village=village, plots__isnull=False)
        .annotate(
            contracted=Sum("plots__area_mu", distinct=False),
            plot_count=Count("plots", distinct=True),
        )
        .order_by("number")
    )
