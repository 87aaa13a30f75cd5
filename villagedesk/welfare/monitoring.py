"""Monitoring of households at risk (防返贫监测 and, from 2026, rural low-income monitoring):
the writes that move a case through its procedure, and the lists the county is judged on.

A monitored household is generic: any household, any year, any category. Time limits (days of
public notice, days from first lead to decision, days to give a developmental measure) are
parameters per area and year, like every local figure.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils.translation import gettext as _

from villagedesk.accounts.models import User
from villagedesk.areas.models import Area
from villagedesk.registry.models import Household, Person
from villagedesk.registry.services import require_edit
from villagedesk.welfare.codes import DEVELOPMENTAL_MEASURES, RiskType, Step
from villagedesk.welfare.models import Measure, MonitoredHousehold, Parameter, ProcedureStep
from villagedesk.welfare.rules import Context, compile_rule

STEP_ORDER = list(Step)
MEETS_MONITORING = {
    "all": [
        {"field": "per_capita_income", "op": "<", "value": {"param": "monitoring_threshold"}},
        {"field": "status", "op": "in", "value": ["exited", "not_poor"]},
    ]
}
HAS_LABOUR = {
    "count": {
        "all": [
            {"field": "age", "op": "between", "value": [16, 64]},
            {"field": "labour", "op": "in", "value": ["ordinary", "skilled", "weak"]},
        ]
    },
    "op": ">=",
    "value": 1,
}
# Half a year of monitoring before a risk may be declared eliminated.
MIN_MONITORING_DAYS = 183


@transaction.atomic
def monitored_create(*, by: User, monitored: MonitoredHousehold) -> MonitoredHousehold:
    """Open a monitoring case for a household the user keeps (one per household and year)."""
    require_edit(by, monitored.household.area_code)
    unknown = set(monitored.risk_types) - set(RiskType.values)
    if unknown or not monitored.risk_types:
        raise ValidationError({"risk_types": _("Choose at least one risk type from the list.")})
    monitored.full_clean()
    monitored.save()
    return monitored


@transaction.atomic
def step_record(
    *, by: User, monitored: MonitoredHousehold, step: Step, done_on: datetime.date
) -> ProcedureStep:
    """Record a procedure step: in order, after the first lead, and the home check only with
    the household's signed consent."""
    require_edit(by, monitored.area_code)
    done = {s.step: s for s in monitored.steps.all()}
    if step in done:
        raise ValidationError(_("This step is already recorded."))
    position = STEP_ORDER.index(step)
    missing = [s for s in STEP_ORDER[:position] if s not in done]
    if missing:
        raise ValidationError(
            _("Record the earlier step first: %(step)s.") % {"step": Step(missing[0]).label}
        )
    if step == Step.HOME_CHECK and not monitored.consent_signed_on:
        raise ValidationError(_("The household's signed consent comes before the home check."))
    earliest = max([monitored.first_lead_on] + [s.done_on for s in done.values()])
    if done_on < earliest:
        raise ValidationError(
            _("A step cannot be dated before %(day)s.") % {"day": earliest.isoformat()}
        )
    record = ProcedureStep(monitored=monitored, step=step, done_on=done_on)
    record.full_clean()
    record.save()
    return record


@transaction.atomic
def measure_add(*, by: User, monitored: MonitoredHousehold, measure: Measure) -> Measure:
    require_edit(by, monitored.area_code)
    measure.monitored = monitored
    measure.full_clean()
    measure.save()
    return measure


@transaction.atomic
def risk_eliminate(
    *, by: User, monitored: MonitoredHousehold, day: datetime.date
) -> MonitoredHousehold:
    """Declare the risk eliminated: decided by the county, monitored half a year, and income
    now at or above the monitoring threshold (checked by the same rule engine)."""
    require_edit(by, monitored.area_code)
    decision = monitored.steps.filter(step=Step.COUNTY_DECISION).first()
    if decision is None:
        raise ValidationError(_("The county has not yet decided this case."))
    if (day - decision.done_on).days < MIN_MONITORING_DAYS:
        raise ValidationError(_("Monitor the household at least half a year first."))
    if not monitored.household.income_lines.filter(year=day.year).exists():
        raise ValidationError(_("Record this year's income before closing the case."))
    below = compile_rule(
        MEETS_MONITORING["all"][0],
        name="monitoring_threshold",
        context=Context(area=monitored.household.village, day=day),
    )
    if below.queryset().filter(pk=monitored.household_id).exists():
        raise ValidationError(_("The household's income is still below the monitoring threshold."))
    monitored.risk_eliminated_on = day
    monitored.full_clean()
    monitored.save()
    return monitored


def parameter_values(*, name: str, area: Area, year: int) -> dict[str, float]:
    """The parameter for every area prefix at or above/below the area (read once)."""
    return {
        p: float(v)
        for p, v in Parameter.objects.filter(name=name, year=year).values_list(
            "area_prefix", "value"
        )
    }


def resolved(values: dict[str, float], area_code: str) -> float | None:
    matching = [(len(p), v) for p, v in values.items() if area_code.startswith(p)]
    return max(matching)[1] if matching else None


def monitored_list(*, user: User, year: int) -> QuerySet[MonitoredHousehold]:
    """Monitoring cases of the year in the user's areas, with steps and measures."""
    return (
        MonitoredHousehold.objects.within(user.area_prefixes())
        .filter(year=year)
        .select_related("household", "household__village", "household__group")
        .prefetch_related(
            "steps", "measures", Prefetch("household__members", Person.objects.order_by("id"))
        )
    )


def meeting_not_monitored(*, area: Area, day: datetime.date) -> QuerySet[Household]:
    """Households below the monitoring threshold, not poor, and not monitored this year."""
    compiled = compile_rule(
        MEETS_MONITORING, name="monitoring", context=Context(area=area, day=day)
    )
    cases = MonitoredHousehold.objects.filter(household=OuterRef("pk"), year=day.year)
    return compiled.queryset().exclude(Exists(cases)).select_related("village")


@dataclass
class Overdue:
    case: MonitoredHousehold
    days: int
    limit: float


def overdue_cases(*, cases: list[MonitoredHousehold], day: datetime.date) -> list[Overdue]:
    """Cases whose decision came, or is still missing, after the area's time limit."""
    if not cases:
        return []
    limits = parameter_values(name="decision_days", area=cases[0].household.village, year=day.year)
    late = []
    for case in cases:
        limit = resolved(limits, case.area_code)
        decided = next(
            (s.done_on for s in case.steps.all() if s.step == Step.COUNTY_DECISION), None
        )
        days = ((decided or day) - case.first_lead_on).days
        if limit is not None and days > limit:
            late.append(Overdue(case, days, limit))
    return late


@dataclass
class MissingMeasure:
    case: MonitoredHousehold
    overdue: bool


def without_developmental_measure(
    *, area: Area, cases: list[MonitoredHousehold], day: datetime.date
) -> list[MissingMeasure]:
    """Open cases of households with labour that have no developmental measure; overdue when
    past the area's time limit from the first lead."""
    with_labour = set(
        compile_rule(HAS_LABOUR, name="labour", context=Context(area=area, day=day))
        .queryset()
        .filter(pk__in=[c.household_id for c in cases])
        .values_list("pk", flat=True)
    )
    limits = parameter_values(name="measure_days", area=area, year=day.year)
    missing = []
    for case in cases:
        if case.risk_eliminated_on or case.household_id not in with_labour:
            continue
        if any(m.kind in DEVELOPMENTAL_MEASURES for m in case.measures.all()):
            continue
        limit = resolved(limits, case.area_code)
        overdue = limit is not None and (day - case.first_lead_on).days > limit
        missing.append(MissingMeasure(case, overdue))
    return missing


@dataclass
class NoticeLine:
    group: str
    head: str
    size: int
    category: str


def public_notice(*, cases: list[MonitoredHousehold]) -> list[NoticeLine]:
    """The village notice: group, head's name, household size and category only — never an
    identity number, phone, bank account, health detail or risk type (risk types reveal illness
    and disability)."""
    by_village = defaultdict(list)
    for case in cases:
        head = case.household.head()
        by_village[case.area_code].append(
            NoticeLine(
                group=case.household.group.name if case.household.group_id else "",
                head=head.name if head else "",
                size=len(case.household.members.all()),
                category=str(case.get_category_display()),
            )
        )
    return [line for lines in by_village.values() for line in lines]
