"""Demo village economy for a seeded county: in every village where a demo login works, a
cooperative and a family farm with member households and three years of dividends, the
collective organisation with its members, five years of income and spending and its three
capitals, and households' contracted plots, some transferred to the cooperative with their rent.
Everything is written through the services, so dividends and rent reach the households' income
as they would."""

import datetime
import random
from decimal import Decimal

from django.db import transaction

from villagedesk.accounts import permissions
from villagedesk.accounts.permissions import Capability
from villagedesk.areas.models import Area
from villagedesk.economy import services
from villagedesk.economy.codes import WEAK_INCOME_PARAMETER
from villagedesk.economy.models import (
    Collective,
    CollectiveCapital,
    CollectiveIncome,
    CollectiveSpending,
    Cooperative,
    LandTransfer,
    Plot,
)
from villagedesk.registry.models import Household, Person
from villagedesk.welfare.models import Parameter

YEARS = 5
COOPERATIVE_MEMBERS = 12
FARM_MEMBERS = 4
HOUSEHOLDS_WITH_LAND = 16
COLLECTIVE_MEMBERS = 24
# The weak-village threshold of the demo county; made up, as the source column says.
DEMO_THRESHOLD = Decimal(100_000)
DEMO_SOURCE = "演示数值，非本地标准 · made-up demo figure, not a local standard"
PLOT_NAMES = ["门前田", "河边田", "后山地", "大坪地", "松林坡", "鱼塘"]
PLOT_KINDS = ["paddy", "paddy", "dry", "dry", "forest", "water"]


@transaction.atomic
def economy_demo_create(*, county: Area, today: datetime.date, seed: int) -> int:
    """Add the economy of every village of the county where a demo login works, and the county's
    weak-village threshold for the years shown; run after the welfare demo, whose income lines
    the dividends and rent add to. Returns the villages given an economy."""
    years = list(range(today.year - YEARS, today.year))
    for year in years:
        Parameter.objects.update_or_create(
            name=WEAK_INCOME_PARAMETER,
            area=county,
            year=year,
            defaults={"value": DEMO_THRESHOLD, "note": DEMO_SOURCE},
        )
    assignments = (
        permissions.assignments_granting(Capability.KEEP_DIARY)
        .filter(area__code__startswith=county.prefix)
        .select_related("user", "area")
        .order_by("area__code", "user_id")
    )
    seen = set()
    for assignment in assignments:
        # The villages the demo's logins work in: written through the services, a village's
        # economy takes a few seconds, too long for every village of a county of thousands.
        if assignment.area_id in seen or not assignment.user.has_usable_password():
            continue
        seen.add(assignment.area_id)
        rng = random.Random(f"{seed}-{assignment.area.code}")  # noqa: S311 - demo data
        village_economy_create(by=assignment.user, village=assignment.area, years=years, rng=rng)
    return len(seen)


def village_economy_create(*, by, village: Area, years: list[int], rng: random.Random) -> None:
    households = list(Household.objects.filter(village=village).order_by("number")[:60])
    if not households:
        return
    cooperative = cooperative_create(
        by=by,
        village=village,
        name=f"{village.name}茶叶种植专业合作社",
        kind="cooperative",
        business="茶叶种植、初制加工与销售",
        members=households[:COOPERATIVE_MEMBERS],
        years=years[-3:],
        rng=rng,
    )
    cooperative_create(
        by=by,
        village=village,
        name=f"{village.name}兴旺家庭农场",
        kind="family_farm",
        business="生猪养殖",
        members=households[-FARM_MEMBERS:],
        years=years[-2:],
        rng=rng,
    )
    collective_create(by=by, village=village, years=years, rng=rng)
    land_create(by=by, households=households, cooperative=cooperative, years=years, rng=rng)


def cooperative_create(*, by, village, name, kind, business, members, years, rng):
    cooperative = services.cooperative_save(
        by=by,
        cooperative=Cooperative(
            village=village,
            name=name,
            kind=kind,
            business=business,
            founded_on=datetime.date(years[0] - 2, 3, 15),
        ),
    )
    for household in members:
        services.cooperative_member_set(
            by=by,
            cooperative=cooperative,
            household=household,
            shares=Decimal(rng.choice([1, 1, 2, 3, 5])),
            joined_on=cooperative.founded_on,
        )
    for year in years:
        services.distribution_record(
            by=by,
            cooperative=cooperative,
            year=year,
            total=Decimal(rng.randrange(20_000, 60_000, 100)) + Decimal("0.50"),
            paid_on=datetime.date(year + 1, 1, 20),
        )
    return cooperative


def collective_create(*, by, village, years, rng):
    collective = services.collective_save(
        by=by,
        collective=Collective(
            village=village,
            name=f"{village.name}股份经济合作社",
            founded_on=datetime.date(2019, 11, 20),
        ),
    )
    persons = Person.objects.filter(area_code=village.code).order_by("id")[:COLLECTIVE_MEMBERS]
    for person in persons:
        born_after = person.birth_date > collective.founded_on
        services.collective_member_confirm(
            by=by,
            collective=collective,
            person=person,
            basis="birth" if born_after else rng.choice(["original"] * 8 + ["marriage"]),
            confirmed_on=max(collective.founded_on, person.birth_date),
            shares=Decimal(1),
        )
    # Income grows as the collective's ventures take hold; subsidies come on top.
    base = rng.randrange(30_000, 90_000, 1000)
    for i, year in enumerate(years):
        for source, amount in [
            ("operation", base * (0.5 + 0.15 * i)),
            ("contracting", 25_000 + 2_000 * i),
            ("investment", 8_000 * i),
            ("subsidy", 50_000),
        ]:
            services.collective_income_add(
                by=by,
                line=CollectiveIncome(
                    collective=collective, year=year, source=source, amount=Decimal(int(amount))
                ),
            )
        for kind, amount in [("management", 18_000), ("public_welfare", 12_000 + 1_000 * i)]:
            services.collective_spending_add(
                by=by,
                line=CollectiveSpending(
                    collective=collective, year=year, kind=kind, amount=Decimal(amount)
                ),
            )
    for kind, name, value, area in [
        ("funds", "银行存款", rng.randrange(80_000, 300_000, 1000), None),
        ("assets", "村集体茶叶初制所", 420_000, None),
        ("assets", "村委会办公楼", 650_000, None),
        ("resources", "集体林地", 360_000, Decimal(1200)),
        ("resources", "集体鱼塘", 45_000, Decimal(15)),
    ]:
        services.capital_add(
            by=by,
            capital=CollectiveCapital(
                collective=collective,
                kind=kind,
                name=name,
                value=Decimal(value),
                area_mu=area,
                recorded_on=datetime.date(years[-1], 12, 31),
            ),
        )


def land_create(*, by, households, cooperative, years, rng):
    for number, household in enumerate(households[:HOUSEHOLDS_WITH_LAND]):
        for i in range(rng.randint(1, 3)):
            kind_index = rng.randrange(len(PLOT_NAMES))
            plot = services.plot_save(
                by=by,
                plot=Plot(
                    household=household,
                    name=f"{PLOT_NAMES[kind_index]}{i + 1}",
                    kind=PLOT_KINDS[kind_index],
                    area_mu=Decimal(rng.randrange(80, 600)) / 100,
                    certificate=rng.choice(["issued", "issued", "issued", "confirmed"]),
                ),
            )
            if number % 3 or i:
                continue
            start = years[1]
            transfer = services.transfer_save(
                by=by,
                transfer=LandTransfer(
                    plot=plot,
                    counterparty=cooperative.name,
                    form="lease",
                    area_mu=plot.area_mu,
                    rent_per_mu=Decimal(rng.choice([400, 500, 600, 800])),
                    starts_on=datetime.date(start, 1, 1),
                    ends_on=datetime.date(start + 9, 12, 31),
                ),
            )
            for year in years[1:]:
                services.rent_record(
                    by=by,
                    transfer=transfer,
                    year=year,
                    amount=(transfer.area_mu * transfer.rent_per_mu).quantize(Decimal("0.01")),
                    received_on=datetime.date(year, 12, 20),
                )
