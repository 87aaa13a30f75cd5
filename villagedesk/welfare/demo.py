"""Welfare data for the demo county: parameters, income lines of this year and last (the rules
read the 12 months before the day), and enrolments with a few gaps.

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
from villagedesk.welfare.codes import (
    SUPPORT_MODE_POLICY,
    BenefitUnit,
    EliminationWay,
    FoundBy,
    IncomeKind,
    MonitoringCategory,
    RiskType,
    SupportMode,
)
from villagedesk.welfare.models import (
    Enrolment,
    HouseholdHelper,
    HouseholdSpending,
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
    "disposable_income_last_year": 15_000,
    "heavy_spending_threshold": 20_000,
    "income_drop_percent": 30,
}
TOWNSHIP_DIBAO = 6300
HELPER_UNITS = ["县农业农村局", "县教育体育局", "县卫生健康局", "县人社局", "乡人民政府"]
SURNAMES = "李王张刘陈杨赵黄周吴"
GIVEN = ["建国", "秀英", "志强", "丽华", "海燕", "文斌", "春梅", "国华"]
# One helper is paired with several households, as counties pair a cadre with 5 to 15.
HOUSEHOLDS_PER_HELPER = 8
# Cases of last year closed because a safety net now covers the household.
SAFETY_NET_CASES = 5
BATCH = 5_000
# The demo's figures are made up: the source column says so in both languages.
DEMO_SOURCE = "演示数值，非本地标准 · made-up demo figure, not a local standard"


def parameters_create(*, county: Area, year: int) -> None:
    for name, value in COUNTY_PARAMETERS.items():
        Parameter.objects.update_or_create(
            name=name, area=county, year=year, defaults={"value": value, "note": DEMO_SOURCE}
        )
    township = Area.objects.filter(parent=county, level=Level.TOWNSHIP).order_by("-code").first()
    if township:
        Parameter.objects.update_or_create(
            name="dibao_standard",
            area=township,
            year=year,
            defaults={"value": TOWNSHIP_DIBAO, "note": DEMO_SOURCE},
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


def last_year_lines_create(*, county: Area, year: int, rng: random.Random) -> int:
    """Last year's income lines for the households with this year's, so that the 12 months
    before a day of this year read both years: most earned about the same (within 10 %), a few
    (3 %) half as much again, so that this year shows a sharp drop."""
    lines = (
        IncomeLine.objects.filter(household__area_code__startswith=county.prefix, year=year)
        .order_by("household_id", "kind")
        .values_list("household_id", "kind", "amount")
    )
    rows, written, household, factor = [], 0, None, Decimal(1)
    for pk, kind, amount in lines.iterator(chunk_size=BATCH):
        if pk != household:
            household = pk
            factor = Decimal("1.5") if rng.random() < 0.03 else Decimal(rng.randint(90, 110)) / 100
        rows.append(
            IncomeLine(household_id=pk, year=year - 1, kind=kind, amount=round(amount * factor))
        )
        if len(rows) >= BATCH:
            IncomeLine.objects.bulk_create(rows)
            written += len(rows)
            rows = []
    IncomeLine.objects.bulk_create(rows)
    return written + len(rows)


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
        # A few of the area's other rows, drawn here rather than by the database: the rows a
        # rule does not select are read as the area's rows less the selected ones.
        selected = {row.pk for row in eligible}
        others = [
            pk
            for pk in compiled.base().order_by("pk").values_list("pk", flat=True)
            if pk not in selected
        ]
        drawn = rng.sample(others, min(len(others), max(1, len(eligible) // 50)))
        wrong = list(_subjects(compiled.base().filter(pk__in=drawn), person=person))
        rows = [
            Enrolment(
                policy=policy,
                household=subject.household if person else subject,
                person=subject if person else None,
                starts_on=start,
                amount=Decimal(rng.choice([150, 200, 300, 450])),
                support_mode=(
                    rng.choice([SupportMode.DISPERSED] * 4 + [SupportMode.CENTRALISED])
                    if policy.code == SUPPORT_MODE_POLICY
                    else ""
                ),
            )
            for subject in chosen + wrong
        ]
        Enrolment.objects.bulk_create(rows, batch_size=BATCH)
        written += len(rows)
    return written


def assistance_lines_create(*, county: Area, day: datetime.date, rng: random.Random) -> int:
    """The payments the enrolled receive, as income lines: the subsistence allowance of 低保
    households and the support of 特困 persons, with family-planning awards for a few. Social
    assistance leaves them out of the income it counts (民发〔2021〕57号), so they never make an
    enrolled household look ineligible."""
    amounts: dict[tuple[int, str], int] = {}
    enrolled = (
        Enrolment.objects.within([county.prefix])
        .filter(policy__code__in=["dibao", "tekun"])
        .values_list("household_id", "policy__code")
    )
    for household_id, code in enrolled:
        kind = IncomeKind.TRANSFER_DIBAO if code == "dibao" else IncomeKind.TRANSFER_TEKUN
        key = (household_id, kind)
        amounts[key] = amounts.get(key, 0) + rng.choice([2_400, 3_600, 4_800])
        if code == "dibao" and rng.random() < 0.2:
            amounts[(household_id, IncomeKind.TRANSFER_FAMILY_PLANNING)] = 960
    rows = [
        IncomeLine(household_id=pk, year=day.year, kind=kind, amount=Decimal(amount))
        for (pk, kind), amount in amounts.items()
    ]
    IncomeLine.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def spending_create(*, county: Area, day: datetime.date, rng: random.Random) -> int:
    """Out-of-pocket medical costs for households with a seriously ill member: a few heavy."""
    ill = Person.objects.within([county.prefix]).filter(serious_illness=True)
    households = sorted(set(ill.values_list("household_id", flat=True)))
    rows = [
        HouseholdSpending(
            household_id=pk,
            year=day.year,
            medical_out_of_pocket=Decimal(rng.choice([3_000, 8_000, 12_000, 26_000, 40_000])),
        )
        for pk in households
    ]
    HouseholdSpending.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def monitoring_cases_create(*, county: Area, day: datetime.date, rng: random.Random) -> int:
    """A monitoring case for every household registered as monitored — a third of them opened
    last year and still open, so carried over — and for a few ordinary households suddenly in
    difficulty (mostly a disaster or an accident); and a few cases of last year closed this year
    because the household, without labour, is now covered by 低保 (a safety net)."""
    households = (
        Household.objects.within([county.prefix])
        .filter(status__in=["monitored", "not_poor"])
        .only("area_code", "status", "poverty_status")
        .order_by("pk")
    )
    start = day.replace(month=1, day=1)
    last_year = start.replace(year=day.year - 1)
    risks = list(RiskType)
    rows = []
    for household in households.iterator(chunk_size=BATCH):
        opened = start
        if household.status == "monitored":
            category = (
                MonitoringCategory.UNSTABLE
                if household.poverty_status
                else MonitoringCategory.MARGINAL
            )
            chosen = rng.sample(risks, rng.choice([1, 1, 2]))
            if rng.random() < 0.33:
                opened = last_year
        elif rng.random() < 0.005:
            category = MonitoringCategory.SUDDEN
            chosen = [rng.choice([RiskType.DISASTER, RiskType.ACCIDENT, RiskType.ILLNESS])]
        else:
            continue
        lead = opened + datetime.timedelta(days=rng.randint(0, max((day - start).days - 1, 0)))
        rows.append(
            MonitoredHousehold(
                household=household,
                year=opened.year,
                category=category,
                risk_types=[r.value for r in chosen],
                found_by=rng.choice(list(FoundBy)),
                first_lead_on=lead,
                consent_signed_on=lead,
            )
        )
    covered = (
        Household.objects.within([county.prefix])
        .filter(status="exited")
        .filter(Exists(Enrolment.objects.filter(household=OuterRef("pk"), policy__code="dibao")))
        .only("area_code")
        .order_by("pk")[:SAFETY_NET_CASES]
    )
    for household in covered:
        lead = last_year + datetime.timedelta(days=rng.randint(30, 200))
        rows.append(
            MonitoredHousehold(
                household=household,
                year=last_year.year,
                category=MonitoringCategory.UNSTABLE,
                risk_types=[RiskType.LABOUR.value],
                found_by=FoundBy.SCREENING,
                first_lead_on=lead,
                consent_signed_on=lead,
                risk_eliminated_on=start + datetime.timedelta(days=rng.randint(0, 60)),
                elimination=EliminationWay.SAFETY_NET,
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
    """Give the demo county its welfare data for the day's year, and income for last year too
    (call after seed_demo)."""
    rng = random.Random(seed)  # noqa: S311 -- reproducible demo data, not secrets
    catalogue_load()
    parameters_create(county=county, year=day.year)
    incomes = income_lines_create(county=county, year=day.year, rng=rng)
    incomes += last_year_lines_create(county=county, year=day.year, rng=rng)
    # Enrolments are chosen by the rules, which read the income lines just written.
    statistics_refresh(IncomeLine._meta.db_table)
    enrolments = enrolments_create(county=county, day=day, rng=rng)
    return {
        "income lines": incomes,
        "enrolments": enrolments,
        "assistance lines": assistance_lines_create(county=county, day=day, rng=rng),
        "spending": spending_create(county=county, day=day, rng=rng),
        "monitoring cases": monitoring_cases_create(county=county, day=day, rng=rng),
        "helpers": helpers_create(county=county, day=day, rng=rng),
        "persons": Person.objects.within([county.prefix]).count(),
    }
