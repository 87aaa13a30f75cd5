"""Welfare data for the demo county: parameters, income lines and enrolments with a few gaps.

Written in bulk, like the demo county itself, so that a 100,000-household county gets its income
lines in seconds. Rows are built on households read with their area code only, so that each
row's scope-code field takes the code from its household without a query per row. Enrolments
follow the shipped rules, then a share is planted wrong both ways so that the gap report has
something to find.
"""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q

from villagedesk.areas.models import Area, Level
from villagedesk.core.planner import statistics_refresh
from villagedesk.registry.models import Household, Person
from villagedesk.welfare.codes import BenefitUnit, FoundBy, IncomeKind, MonitoringCategory, RiskType
from villagedesk.welfare.models import (
    Enrolment,
    HouseholdHelper,
    IncomeLine,
    MonitoredHousehold,
    Parameter,
    Policy,
)
from villagedesk.welfare.selectors import policy_compiled
from villagedesk.welfare.services import catalogue_load

# Yunnan-like figures; the last township of the county sets its own subsistence standard, so the
# demo shows a parameter resolved for the most specific area.
COUNTY_PARAMETERS = {
    "dibao_standard": 6000,
    "poverty_line": 4500,
    "monitoring_threshold": 8700,
    "notice_days": 5,
    "decision_days": 15,
    "measure_days": 180,
    "exit_incidence_percent": 3,
    "dibao_marginal_multiple": 1.5,
}
TOWNSHIP_DIBAO = 6300
HELPER_UNITS = ["县农业农村局", "县教育体育局", "县卫生健康局", "县人社局", "乡人民政府"]
SURNAMES = "李王张刘陈杨赵黄周吴"
GIVEN = ["建国", "秀英", "志强", "丽华", "海燕", "文斌", "春梅", "国华"]
# One helper is paired with several households, as counties pair a cadre with 5 to 15.
HOUSEHOLDS_PER_HELPER = 8
BATCH = 5_000


def parameters_create(*, county: Area, year: int) -> None:
    for name, value in COUNTY_PARAMETERS.items():
        Parameter.objects.update_or_create(
            name=name, area=county, year=year, defaults={"value": value, "note": "demo"}
        )
    township = Area.objects.filter(parent=county, level=Level.TOWNSHIP).order_by("-code").first()
    if township:
        Parameter.objects.update_or_create(
            name="dibao_standard",
            area=township,
            year=year,
            defaults={"value": TOWNSHIP_DIBAO, "note": "demo"},
        )


def income_lines_create(*, county: Area, year: int, rng: random.Random) -> int:
    """Income lines per household, drawn from its size, status and members working away."""
    households = (
        Household.objects.within([county.prefix])
        .annotate(
            size=Count("members"),
            away=Count("members", filter=~Q(members__migrant_work="")),
        )
        .values_list("pk", "size", "away", "status")
        .order_by("pk")
    )
    lines, written = [], 0
    for pk, size, away, status in households.iterator(chunk_size=BATCH):
        if rng.random() < 0.01:
            continue  # no income recorded: the rules must not treat it as passing
        poor = status in {"poor", "monitored"}
        wage = away * rng.randint(9_000, 30_000) + (
            0 if rng.random() < 0.5 else rng.randint(0, 6_000)
        )
        production = rng.randint(1_000, 12_000) * max(size, 1) // (3 if poor else 2)
        cost = production * rng.randint(20, 60) // 100
        amounts = {
            IncomeKind.WAGE: wage,
            IncomeKind.PRODUCTION: production,
            IncomeKind.PRODUCTION_COST: cost,
            IncomeKind.PROPERTY: rng.choice([0, 0, 0, 300, 1_200]),
            IncomeKind.TRANSFER_BASE_PENSION: rng.choice([0, 0, 1_800, 2_400]),
            IncomeKind.TRANSFER_ECOLOGICAL: rng.choice([0, 200, 600]),
        }
        for kind, amount in amounts.items():
            if amount or kind == IncomeKind.WAGE:
                lines.append(
                    IncomeLine(household_id=pk, year=year, kind=kind, amount=Decimal(amount))
                )
        if len(lines) >= BATCH:
            IncomeLine.objects.bulk_create(lines)
            written += len(lines)
            lines = []
    IncomeLine.objects.bulk_create(lines)
    return written + len(lines)


def _subjects(queryset, *, person: bool):
    """Persons with their households' codes, or households with their codes, and nothing else."""
    if person:
        return queryset.select_related("household").only("household", "household__area_code")
    return queryset.only("area_code")


def enrolments_create(*, county: Area, day: datetime.date, rng: random.Random) -> int:
    """Enrol most of those each benefit's rule selects, miss some, and enrol a few wrongly."""
    written = 0
    start = day.replace(month=1, day=1)
    for policy in Policy.objects.exclude(category="care"):
        compiled = policy_compiled(policy=policy, area=county, day=day)
        person = policy.benefit_unit == BenefitUnit.PERSON
        eligible = list(_subjects(compiled.queryset(), person=person))
        chosen = [row for row in eligible if rng.random() < 0.92]
        others = _subjects(compiled.outside().order_by("?"), person=person)
        wrong = list(others[: max(1, len(eligible) // 50)])
        rows = [
            Enrolment(
                policy=policy,
                household=subject.household if person else subject,
                person=subject if person else None,
                starts_on=start,
                amount=Decimal(rng.choice([150, 200, 300, 450])),
            )
            for subject in chosen + wrong
        ]
        Enrolment.objects.bulk_create(rows, batch_size=BATCH)
        written += len(rows)
    return written


def monitoring_cases_create(*, county: Area, day: datetime.date, rng: random.Random) -> int:
    """A monitoring case this year for every household registered as monitored, and for a few
    ordinary households suddenly in difficulty (mostly a disaster or an accident)."""
    households = (
        Household.objects.within([county.prefix])
        .filter(status__in=["monitored", "not_poor"])
        .only("area_code", "status")
        .order_by("pk")
    )
    start = day.replace(month=1, day=1)
    risks = list(RiskType)
    rows = []
    for household in households.iterator(chunk_size=BATCH):
        if household.status == "monitored":
            category = rng.choice([MonitoringCategory.UNSTABLE, MonitoringCategory.MARGINAL])
            chosen = rng.sample(risks, rng.choice([1, 1, 2]))
        elif rng.random() < 0.005:
            category = MonitoringCategory.SUDDEN
            chosen = [rng.choice([RiskType.DISASTER, RiskType.ACCIDENT, RiskType.ILLNESS])]
        else:
            continue
        lead = start + datetime.timedelta(days=rng.randint(0, max((day - start).days - 1, 0)))
        rows.append(
            MonitoredHousehold(
                household=household,
                year=day.year,
                category=category,
                risk_types=[r.value for r in chosen],
                found_by=rng.choice(list(FoundBy)),
                first_lead_on=lead,
                consent_signed_on=lead,
            )
        )
    MonitoredHousehold.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def helpers_create(*, county: Area, day: datetime.date, rng: random.Random) -> int:
    """A named helper for every registered-poor, exited and monitored household, paired since
    the start of the year before."""
    monitored = MonitoredHousehold.objects.filter(household=OuterRef("pk"))
    households = (
        Household.objects.within([county.prefix])
        .filter(Q(status__in=["poor", "exited", "monitored"]) | Exists(monitored))
        .only("area_code")
        .order_by("area_code", "pk")
    )
    since = datetime.date(day.year - 1, 1, 1)
    rows, written, helper = [], 0, None
    for i, household in enumerate(households.iterator(chunk_size=BATCH)):
        if i % HOUSEHOLDS_PER_HELPER == 0:
            helper = (
                rng.choice(SURNAMES) + rng.choice(GIVEN),
                rng.choice(HELPER_UNITS),
                f"139{rng.randint(0, 99_999_999):08d}",
            )
        name, unit, phone = helper
        rows.append(
            HouseholdHelper(
                household=household,
                name=name,
                unit=unit,
                phone=phone,
                starts_on=since,
            )
        )
        if len(rows) >= BATCH:
            HouseholdHelper.objects.bulk_create(rows)
            written += len(rows)
            rows = []
    HouseholdHelper.objects.bulk_create(rows)
    return written + len(rows)


@transaction.atomic
def welfare_demo_create(*, county: Area, day: datetime.date, seed: int = 1) -> dict[str, int]:
    """Give the demo county its welfare data for the day's year (call after seed_demo)."""
    rng = random.Random(seed)  # noqa: S311 -- reproducible demo data, not secrets
    catalogue_load()
    parameters_create(county=county, year=day.year)
    incomes = income_lines_create(county=county, year=day.year, rng=rng)
    # Enrolments are chosen by the rules, which read the income lines just written.
    statistics_refresh(IncomeLine._meta.db_table)
    return {
        "income lines": incomes,
        "enrolments": enrolments_create(county=county, day=day, rng=rng),
        "monitoring cases": monitoring_cases_create(county=county, day=day, rng=rng),
        "helpers": helpers_create(county=county, day=day, rng=rng),
        "persons": Person.objects.within([county.prefix]).count(),
    }
