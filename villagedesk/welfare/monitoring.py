"""Monitoring of households at risk (防返贫监测 and, from 2026, rural low-income monitoring):
the writes that move a case through its procedure, and the lists the county is judged on.

A monitored household is generic: any household, any year, any category. Time limits (days of
public notice, days from first lead to decision, days to give a developmental measure) are
parameters per area and year, like every local figure.
"""

import calendar
import datetime
import operator
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import reduce

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import (
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from villagedesk.accounts import permissions
from villagedesk.accounts.models import User
from villagedesk.accounts.permissions import Capability
from villagedesk.areas.models import Area
from villagedesk.core.saving import validated_save
from villagedesk.registry.changes import data_changed
from villagedesk.registry.codes import HouseholdStatus, PovertyStatus
from villagedesk.registry.figures import few_households, of_area
from villagedesk.registry.models import Household
from villagedesk.registry.services import household_update
from villagedesk.welfare.codes import (
    CHOSEN_ELIMINATION_WAYS,
    DEVELOPMENTAL_MEASURES,
    EliminationWay,
    MonitoringCategory,
    RiskType,
    Step,
)
from villagedesk.welfare.models import Measure, MonitoredHousehold, ProcedureStep, open_in_year
from villagedesk.welfare.parameters import ParameterValues, parameter_value, parameter_values
from villagedesk.welfare.poverty import EXIT_CHECKS
from villagedesk.welfare.rules import Context, compile_rule
from villagedesk.welfare.rules.dates import IncomeWindow

STEP_ORDER = list(Step)
# Screening (README §3, §9): income under the range, heavy necessary spending, or a sharp drop of
# income; each signal is used where the area sets its figure for the year.
IN_RANGE = {"field": "per_capita_income", "op": "<", "value": {"param": "monitoring_threshold"}}
HEAVY_SPENDING = {
    "field": "medical_out_of_pocket",
    "op": ">",
    "value": {"param": "heavy_spending_threshold"},
}
SHARP_DROP = {"field": "income_drop_percent", "op": ">=", "value": {"param": "income_drop_percent"}}
SCREENED_TYPES = {"field": "status", "op": "in", "value": ["exited", "not_poor", "monitored"]}
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
# A stable safety net for a household without labour: the household receives 低保, or a member
# is supported as extreme-poor (特困).
SAFETY_NET = {
    "any": [
        {"field": "receives_dibao", "op": "=", "value": True},
        {"count": {"field": "tekun_supported", "op": "=", "value": True}, "op": ">=", "value": 1},
    ]
}
# Half a year of monitoring from the county decision before a risk may be eliminated, unless the
# area sets its own minimum (parameter min_monitoring_months).
MIN_MONITORING_MONTHS = 6


def check_risk_types(risk_types: list[str]) -> None:
    """Refuse a case without risk types or with one not in the list."""
    unknown = set(risk_types) - set(RiskType.values)
    if unknown or not risk_types:
        raise ValidationError({"risk_types": _("Choose at least one risk type from the list.")})


def require_open(monitored: MonitoredHousehold) -> None:
    """Refuse to change a closed case."""
    if monitored.risk_eliminated_on:
        raise ValidationError(_("This case is closed: its risk was eliminated."))


def require_keep(by: User, monitored: MonitoredHousehold) -> None:
    """Cases are kept by those who keep the registry of the household's village."""
    permissions.require(by, Capability.KEEP_REGISTRY, monitored.household.area_code)


def check_category(monitored: MonitoredHousehold) -> None:
    """The category must fit the household: 脱贫不稳定户 only for a household out of poverty,
    边缘易致贫户 only for one never registered poor."""
    household = monitored.household
    if monitored.category == MonitoringCategory.UNSTABLE and not out_of_poverty(household):
        raise ValidationError(
            {"category": _("Only a household out of poverty can be monitored as unstable.")}
        )
    if monitored.category == MonitoringCategory.MARGINAL and ever_registered(household):
        raise ValidationError(
            {
                "category": _(
                    "A household once registered poor cannot be monitored as marginal: "
                    "choose out of poverty but unstable."
                )
            }
        )


def out_of_poverty(household: Household) -> bool:
    """Registered poor once and now out of poverty (national status 1 or 4)."""
    return household.poverty_status in {
        PovertyStatus.OUT_ENJOYING,
        PovertyStatus.OUT_NOT_ENJOYING,
    }


def ever_registered(household: Household) -> bool:
    """Registered poor at some time: any poverty status (blank = never registered)."""
    return bool(household.poverty_status)


@transaction.atomic
def monitored_create(*, by: User, monitored: MonitoredHousehold) -> MonitoredHousehold:
    """Open a monitoring case for a household the user keeps: one open case per household,
    which runs across years until its risk is eliminated; its category must fit."""
    require_keep(by, monitored)
    check_risk_types(monitored.risk_types)
    check_category(monitored)
    validated_save(monitored, by=by)
    data_changed([monitored.household.area_code])
    return monitored


@transaction.atomic
def monitored_update(*, by: User, monitored: MonitoredHousehold) -> MonitoredHousehold:
    """Save changes to an open case (category, risk types, how found, dates); each change is
    kept in the case's history. The first lead cannot move after a recorded step."""
    require_keep(by, monitored)
    stored = MonitoredHousehold.objects.select_for_update().get(pk=monitored.pk)
    require_open(stored)
    if (stored.household_id, stored.year) != (monitored.household_id, monitored.year):
        raise ValidationError(_("The household and year of a case do not change."))
    check_risk_types(monitored.risk_types)
    check_category(monitored)
    first_step = monitored.steps.order_by("done_on").first()
    if first_step and monitored.first_lead_on > first_step.done_on:
        raise ValidationError(
            {
                "first_lead_on": _("The first lead cannot come after the first step (%(day)s).")
                % {"day": first_step.done_on.isoformat()}
            }
        )
    home_check = monitored.steps.filter(step=Step.HOME_CHECK).first()
    if home_check and not monitored.consent_signed_on:
        raise ValidationError(
            {"consent_signed_on": _("The home check is recorded, so the consent stays.")}
        )
    validated_save(monitored, by=by)
    data_changed([monitored.household.area_code])
    return monitored


def notice_days(*, monitored: MonitoredHousehold) -> int:
    """The area's days of public notice for the case's year; refusing when none is set."""
    days = parameter_value(name="notice_days", area_code=monitored.area_code, year=monitored.year)
    if days is None:
        raise ValidationError(
            _("No days of public notice are set for %(year)s in this area (parameter notice_days).")
            % {"year": monitored.year}
        )
    return int(days)


def notice_period(*, posted_on: datetime.date, days: int) -> tuple[datetime.date, datetime.date]:
    """The notice runs from the day of the village appraisal for the set number of days."""
    return posted_on, posted_on + datetime.timedelta(days=days - 1)


def check_step_date(
    *, monitored: MonitoredHousehold, step: Step, done_on: datetime.date, others: dict
) -> None:
    """A step's date: not before the first lead or the steps before it, not after the steps
    after it, and the township review only once the public notice has run."""
    position = STEP_ORDER.index(step)
    before = [others[s].done_on for s in STEP_ORDER[:position] if s in others]
    earliest = max([monitored.first_lead_on, *before])
    if done_on < earliest:
        raise ValidationError(
            _("A step cannot be dated before %(day)s.") % {"day": earliest.isoformat()}
        )
    after = [others[s].done_on for s in STEP_ORDER[position + 1 :] if s in others]
    if after and done_on > min(after):
        raise ValidationError(
            _("A step cannot be dated after the next step (%(day)s).") % {"day": min(after)}
        )
    if step == Step.TOWNSHIP_REVIEW and Step.VILLAGE_APPRAISAL in others:
        _start, until = notice_period(
            posted_on=others[Step.VILLAGE_APPRAISAL].done_on, days=notice_days(monitored=monitored)
        )
        if done_on <= until:
            raise ValidationError(
                _("The public notice runs until %(until)s: the township may review from %(day)s.")
                % {
                    "until": until.isoformat(),
                    "day": (until + datetime.timedelta(days=1)).isoformat(),
                }
            )


@transaction.atomic
def step_record(
    *, by: User, monitored: MonitoredHousehold, step: Step, done_on: datetime.date
) -> ProcedureStep:
    """Record a procedure step: in order, after the first lead, the home check only with the
    household's signed consent, and the township review only after the public notice."""
    require_keep(by, monitored)
    require_open(monitored)
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
    check_step_date(monitored=monitored, step=step, done_on=done_on, others=done)
    record = ProcedureStep(monitored=monitored, step=step, done_on=done_on)
    validated_save(record, by=by)
    if step == Step.COUNTY_DECISION:
        household_type_monitored(by=by, household=monitored.household, since=done_on)
    return record


def household_type_monitored(*, by: User, household: Household, since: datetime.date) -> None:
    """The county decision makes the household a monitored household (监测户) from its date, so
    every policy keyed to monitored households applies; the household's history keeps the change
    dated from the decision."""
    if household.status == HouseholdStatus.MONITORED:
        return
    household.status = HouseholdStatus.MONITORED
    household._history_date = timezone.make_aware(
        datetime.datetime.combine(since, datetime.time(12))
    )
    household_update(by=by, household=household)


@transaction.atomic
def step_redate(*, by: User, record: ProcedureStep, done_on: datetime.date) -> ProcedureStep:
    """Correct the date of a recorded step of an open case, under the same rules."""
    monitored = record.monitored
    require_keep(by, monitored)
    require_open(monitored)
    others = {s.step: s for s in monitored.steps.exclude(pk=record.pk)}
    check_step_date(monitored=monitored, step=record.step, done_on=done_on, others=others)
    record.done_on = done_on
    validated_save(record, by=by)
    return record


@transaction.atomic
def step_remove(*, by: User, record: ProcedureStep) -> None:
    """Withdraw the last recorded step of an open case (the history keeps it)."""
    monitored = record.monitored
    require_keep(by, monitored)
    require_open(monitored)
    later = [s for s in STEP_ORDER[STEP_ORDER.index(record.step) + 1 :]]
    if monitored.steps.filter(step__in=later).exists():
        raise ValidationError(_("Only the last recorded step can be withdrawn."))
    record._history_user = by
    record.delete()


@transaction.atomic
def measure_add(*, by: User, monitored: MonitoredHousehold, measure: Measure) -> Measure:
    require_keep(by, monitored)
    require_open(monitored)
    measure.monitored = monitored
    validated_save(measure, by=by)
    data_changed([monitored.household.area_code])
    return measure


@transaction.atomic
def measure_remove(*, by: User, measure: Measure) -> None:
    """Withdraw a measure entered by mistake from an open case (the history keeps it)."""
    require_keep(by, measure.monitored)
    require_open(measure.monitored)
    measure._history_user = by
    measure.delete()
    data_changed([measure.monitored.household.area_code])


def minimum_months(*, monitored: MonitoredHousehold, day: datetime.date) -> int:
    value = parameter_value(
        name="min_monitoring_months", area_code=monitored.area_code, year=day.year
    )
    return MIN_MONITORING_MONTHS if value is None else int(value)


def months_after(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later; a day the month lacks becomes its last day."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, min(day.day, last))


def signals_used(*, area: Area, day: datetime.date) -> list[dict]:
    """The screening signals whose figure the area sets for the day's year."""
    signals = [IN_RANGE]
    for rule, name in (
        (HEAVY_SPENDING, "heavy_spending_threshold"),
        (SHARP_DROP, "income_drop_percent"),
    ):
        if parameter_values(name=name, year=day.year).at(area.code) is not None:
            signals.append(rule)
    return signals


def elimination_checks(*, area: Area, day: datetime.date) -> dict[str, tuple[str, dict]]:
    """What eliminating a risk needs (README §3, §9), as rules: income strictly above the range,
    the three guarantees and safe water, no new risk, and for a household without labour a
    stable safety net."""
    checks = {
        "income": (
            _("Income strictly above the monitoring range"),
            {"field": "per_capita_income", "op": ">", "value": {"param": "monitoring_threshold"}},
        ),
        **{
            name: (label, rule)
            for name, (label, rule) in EXIT_CHECKS.items()
            if name in {"education", "medical", "housing", "water"}
        },
        "safety_net": (
            _("Without labour, a stable safety net (低保 or 特困)"),
            {"any": [HAS_LABOUR, SAFETY_NET]},
        ),
    }
    # A signal not recorded (no spending figure, no income in the 12 months before the last 12)
    # is no new risk.
    no_new_risk = [
        {"any": [{"field": s["field"], "op": "empty"}, {"not": s}]}
        for s in signals_used(area=area, day=day)
        if s is not IN_RANGE
    ]
    if no_new_risk:
        checks["no_new_risk"] = (
            _("No new risk: no heavy spending and no sharp drop of income"),
            {"all": no_new_risk},
        )
    return checks


def elimination_failures(*, monitored: MonitoredHousehold, day: datetime.date) -> list[str]:
    """The elimination conditions the household does not meet on the day, in words."""
    area = monitored.household.village
    context = Context(area=area, day=day)
    failures = []
    for label, rule in elimination_checks(area=area, day=day).values():
        compiled = compile_rule(rule, name="elimination", context=context)
        if not compiled.queryset().filter(pk=monitored.household_id).exists():
            failures.append(str(label))
    return failures


@transaction.atomic
def risk_eliminate(
    *, by: User, monitored: MonitoredHousehold, day: datetime.date, way: str
) -> MonitoredHousehold:
    """Declare the risk eliminated and record how: decided by the county, monitored the minimum
    time since the decision, and every elimination condition met on the day (checked by the
    same rule engine). A household without labour leaves only through a stable safety net."""
    require_keep(by, monitored)
    require_open(monitored)
    if way not in CHOSEN_ELIMINATION_WAYS:
        raise ValidationError({"elimination": _("Say how the risk was eliminated.")})
    decision = monitored.steps.filter(step=Step.COUNTY_DECISION).first()
    if decision is None:
        raise ValidationError(_("The county has not yet decided this case."))
    months = minimum_months(monitored=monitored, day=day)
    if day < months_after(decision.done_on, months):
        raise ValidationError(
            _("Monitor the household at least %(months)s months from the decision first.")
            % {"months": months}
        )
    window = IncomeWindow(day)
    if not monitored.household.income_lines.filter(year__in=list(window.days)).exists():
        raise ValidationError(
            _(
                "Record the household's income of the 12 months from %(start)s to %(end)s "
                "before closing the case."
            )
            % {"start": window.start.isoformat(), "end": window.last.isoformat()}
        )
    failures = elimination_failures(monitored=monitored, day=day)
    if failures:
        raise ValidationError(
            _("The risk is not eliminated yet: %(conditions)s.")
            % {"conditions": "; ".join(failures)}
        )
    has_labour = (
        compile_rule(
            HAS_LABOUR, name="labour", context=Context(area=monitored.household.village, day=day)
        )
        .queryset()
        .filter(pk=monitored.household_id)
        .exists()
    )
    if not has_labour and way != EliminationWay.SAFETY_NET:
        raise ValidationError(
            {
                "elimination": _(
                    "A household without labour leaves monitoring only through a stable safety "
                    "net (低保 or 特困)."
                )
            }
        )
    monitored.risk_eliminated_on = day
    monitored.elimination = way
    validated_save(monitored, by=by)
    data_changed([monitored.household.area_code])
    return monitored


def _days(value) -> float | None:
    return None if value is None else float(value)


def meeting_not_monitored(*, area: Area, day: datetime.date) -> QuerySet[Household]:
    """Households screening flags — income under the range, heavy necessary spending or a
    sharp income drop — that are not poor and have no open monitoring case."""
    screening = {"all": [SCREENED_TYPES, {"any": signals_used(area=area, day=day)}]}
    compiled = compile_rule(screening, name="monitoring", context=Context(area=area, day=day))
    cases = MonitoredHousehold.objects.filter(
        open_in_year(day.year), household=OuterRef("pk"), first_lead_on__lte=day
    )
    return compiled.queryset().exclude(Exists(cases)).select_related("village")


class Keyed:
    """Rows of a list kept as their keys in the list's order: counted without a query, and a
    page of them read by key from `rows` (households with their village unless given), each
    made a line by `line`."""

    def __init__(self, keys: list[int], rows: QuerySet | None = None, line: Callable | None = None):
        self.keys = keys
        self.rows = Household.objects.select_related("village") if rows is None else rows
        self.line = line or (lambda row: row)

    def count(self) -> int:
        return len(self.keys)

    def __len__(self) -> int:
        return len(self.keys)

    def __getitem__(self, index: slice) -> list:
        keys = self.keys[index]
        found = self.rows.filter(pk__in=keys).in_bulk()
        return [self.line(found[key]) for key in keys if key in found]


def not_monitored_list(*, area: Area, day: datetime.date) -> Keyed:
    """`meeting_not_monitored` in the order of the overview (village, number): over an area
    of many households the keys are kept for each state of its counties' data (the screening
    evaluates every household of the area), else found in the request."""

    def keys() -> list[int]:
        households = meeting_not_monitored(area=area, day=day).order_by("area_code", "number", "pk")
        return list(households.values_list("pk", flat=True))

    if few_households([area.prefix]):
        return Keyed(keys())
    return Keyed(of_area("not-monitored", area.prefix, keys, day=day, language=""))


class Lines:
    """The cases of a query as a list's lines (`line` makes one of a case), counted and sliced
    by the database, so that a page of the list reads only the cases it shows."""

    def __init__(self, cases: QuerySet[MonitoredHousehold], line: Callable):
        self.cases, self.line = cases, line

    def count(self) -> int:
        return self.cases.count()

    def __len__(self) -> int:
        return self.count()

    def __iter__(self):
        return (self.line(case) for case in self.cases)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [self.line(case) for case in self.cases[index]]
        return self.line(self.cases[index])


def beyond_limit(limits: ParameterValues, *, waited: str) -> Q | None:
    """Cases whose `waited` (a duration) is longer than the days the parameter sets for their
    area; None when no area sets them. The values are few (one per area that sets one): each
    holds for the cases under its area and not under a nearer area that sets its own."""
    conditions = []
    for prefix, days in limits.by_prefix.items():
        condition = Q(
            area_code__startswith=prefix, **{f"{waited}__gt": timedelta(days=float(days))}
        )
        for nearer in limits.by_prefix:
            if nearer != prefix and nearer.startswith(prefix):
                condition &= ~Q(area_code__startswith=nearer)
        conditions.append(condition)
    return reduce(operator.or_, conditions) if conditions else None


@dataclass
class Overdue:
    case: MonitoredHousehold
    days: int
    limit: float


def overdue_cases(*, cases: QuerySet[MonitoredHousehold], day: datetime.date) -> Lines:
    """Cases whose decision came, or is still missing, after the area's time limit, found in
    the database (the days from the first lead to the decision, or to the day without one)."""
    limits = parameter_values(name="decision_days", year=day.year)
    decision = ProcedureStep.objects.filter(monitored=OuterRef("pk"), step=Step.COUNTY_DECISION)
    cases = cases.prefetch_related(None).annotate(
        decided=Subquery(decision.values("done_on")[:1]),
        waited=ExpressionWrapper(
            Coalesce("decided", Value(day)) - F("first_lead_on"), output_field=DurationField()
        ),
    )
    late = beyond_limit(limits, waited="waited")
    if late is None:
        return Lines(cases.none(), line=None)

    def line(case: MonitoredHousehold) -> Overdue:
        days = ((case.decided or day) - case.first_lead_on).days
        return Overdue(case, days, _days(limits.at(case.area_code)))

    return Lines(cases.filter(late), line)


@dataclass
class MissingMeasure:
    case: MonitoredHousehold
    overdue: bool


def without_developmental_measure(
    *,
    area: Area,
    cases: QuerySet[MonitoredHousehold],
    day: datetime.date,
    kept: bool = False,
) -> Lines | Keyed:
    """Open cases of households with labour that have no developmental measure; overdue when
    past the area's time limit from the first lead.

    `kept` says that `cases` are all the area's cases open in the day's year (not a part the
    user sees): only then may the list be kept for the area."""
    # Asked of each open case's own household, so the database starts from the cases: as a set
    # (`household__in`) it screened every household of the area and then kept the cases' few.
    with_labour = (
        compile_rule(HAS_LABOUR, name="labour", context=Context(area=area, day=day))
        .queryset()
        .filter(pk=OuterRef("household_id"))
    )
    developmental = Measure.objects.filter(
        monitored=OuterRef("pk"), kind__in=DEVELOPMENTAL_MEASURES
    )
    missing = (
        cases.prefetch_related(None)
        .filter(Exists(with_labour), risk_eliminated_on__isnull=True)
        .exclude(Exists(developmental))
    )
    limits = parameter_values(name="measure_days", year=day.year)

    def line(case: MonitoredHousehold) -> MissingMeasure:
        limit = _days(limits.at(case.area_code))
        return MissingMeasure(case, limit is not None and (day - case.first_lead_on).days > limit)

    if not kept or few_households([area.prefix]):
        return Lines(missing, line)
    # Over an area of many households the cases' keys are kept for each state of its counties'
    # data: counting the list asks the rule of every open case's household.
    keys = of_area(
        "missing-measures",
        area.prefix,
        lambda: list(missing.values_list("pk", flat=True)),
        day=day,
        language="",
    )
    return Keyed(keys, rows=MonitoredHousehold.objects.select_related("household"), line=line)


@dataclass
class NoticeLine:
    group: str
    head: str
    size: int
    category: str
    # The notice period, once the village appraisal is recorded and the area sets its days.
    posted_on: datetime.date | None = None
    until: datetime.date | None = None


def public_notice(*, cases: list[MonitoredHousehold], day: datetime.date) -> list[NoticeLine]:
    """The village notice: group, head's name, household size, category and the notice period
    only — never an identity number, phone, bank account, health detail or risk type (risk
    types reveal illness and disability)."""
    if not cases:
        return []
    by_village = defaultdict(list)
    days = parameter_values(name="notice_days", year=day.year)
    for case in cases:
        head = case.household.head()
        line = NoticeLine(
            group=case.household.group.name if case.household.group_id else "",
            head=head.name if head else "",
            size=len(case.household.members.all()),
            category=str(case.get_category_display()),
        )
        appraisal = next((s for s in case.steps.all() if s.step == Step.VILLAGE_APPRAISAL), None)
        notice_days_ = days.at(case.area_code)
        if appraisal and notice_days_:
            line.posted_on, line.until = notice_period(
                posted_on=appraisal.done_on, days=int(notice_days_)
            )
        by_village[case.area_code].append(line)
    return [line for lines in by_village.values() for line in lines]
