"""The village at a glance: a village's key figures and charts on one page.

Each figure is read through the selector of the page that shows it in full (the village profile,
the coverage page, the problem register, the gap report, the monitoring overview, the due list),
so that the glance, the monthly report and those pages never disagree.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import get_language

from villagedesk.accounts.models import User
from villagedesk.areas.models import Area
from villagedesk.core.scoping import get_visible_or_404
from villagedesk.directory.profile import Figures, area_figures
from villagedesk.fieldwork import selectors as fieldwork
from villagedesk.fieldwork.codes import OPEN_STATUSES, ProblemCategory, ProblemStatus
from villagedesk.governance.selectors import task_due_list
from villagedesk.registry.figures import of_area
from villagedesk.registry.models import Household
from villagedesk.welfare import selectors as welfare
from villagedesk.welfare.codes import MonitoringCategory
from villagedesk.welfare.monitoring import overdue_cases
from villagedesk.welfare.rules import RuleError

# Visit coverage is shown for this many months, the current one last.
COVERAGE_MONTHS = 12
# The due list shows this many items: follow-ups, problems and the user's own tasks.
DUE_SHOWN = 10


@dataclass(frozen=True)
class MonthCoverage:
    month: datetime.date  # the first day of the month
    households: int
    visited: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.visited / self.households) if self.households else None


@dataclass(frozen=True)
class PolicyGap:
    code: str
    name: str
    eligible: int = 0
    not_enrolled: int = 0
    not_eligible: int = 0
    error: str = ""


@dataclass(frozen=True)
class MonitoringRow:
    category: str
    label: str
    open: int
    eliminated: int


@dataclass
class Glance:
    village: Area
    day: datetime.date
    figures: Figures
    coverage: list[MonthCoverage]
    problems_by_status: list[tuple[str, str, int]]  # (code, label, problems)
    problems_by_category: list[tuple[str, str, int]]
    problems_overdue: int
    gaps: list[PolicyGap]
    monitoring: list[MonitoringRow]
    monitoring_overdue: int
    due: list = field(default_factory=list)
    due_total: int = 0

    @property
    def this_month(self) -> MonthCoverage:
        return self.coverage[-1]

    @property
    def problems_open(self) -> int:
        return sum(n for code, _label, n in self.problems_by_status if code in OPEN_STATUSES)

    @property
    def problems(self) -> int:
        return sum(n for _code, _label, n in self.problems_by_status)

    @property
    def monitored(self) -> int:
        return sum(row.open + row.eliminated for row in self.monitoring)

    @property
    def monitored_open(self) -> int:
        return sum(row.open for row in self.monitoring)

    @property
    def eligible_not_enrolled(self) -> int:
        return sum(gap.not_enrolled for gap in self.gaps)

    @property
    def enrolled_not_eligible(self) -> int:
        return sum(gap.not_eligible for gap in self.gaps)


def village_get(*, user: User, code: str) -> Area:
    """A village of the user's areas; 404 for any other code (an area above villages included)."""
    return get_visible_or_404(Area.objects.villages(), user=user, code=code)


def months_back(last: datetime.date, count: int) -> list[datetime.date]:
    """The first days of `count` months, the month of `last` the last of them."""
    first = last.replace(day=1)
    months = []
    for _ in range(count):
        months.append(first)
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    return months[::-1]


def coverage_by_month(*, village: Area, months: list[datetime.date]) -> list[MonthCoverage]:
    """The village's households, and those met in each month (`fieldwork.selectors.visited_in`,
    the coverage page's own test of a visit), in one pass over the households."""
    periods = [fieldwork.Period(*fieldwork.month_bounds(month)) for month in months]
    households = Household.objects.filter(area_code=village.code).annotate(
        **{f"m{i}": fieldwork.visited_in(period) for i, period in enumerate(periods)}
    )
    totals = households.aggregate(
        households=Count("id"),
        **{f"visited{i}": Count("id", filter=Q(**{f"m{i}": True})) for i in range(len(periods))},
    )
    return [
        MonthCoverage(month=month, households=totals["households"], visited=totals[f"visited{i}"])
        for i, month in enumerate(months)
    ]


def problem_counts(*, user: User, village: Area) -> tuple[list, list, int]:
    """The village's problems by status and by category (as the register filters them), and
    those past their due date and not solved (the register's "overdue")."""
    problems = fieldwork.problem_list(user=user, filters=fieldwork.ProblemFilters(village.code))
    by = {}
    for name in ("status", "category"):
        by[name] = dict(
            problems.order_by().values_list(name).annotate(n=Count("pk")).values_list(name, "n")
        )
    overdue = fieldwork.problem_list(
        user=user, filters=fieldwork.ProblemFilters(village=village.code, overdue=True)
    ).count()
    return (
        [(s.value, str(s.label), by["status"].get(s.value, 0)) for s in ProblemStatus],
        [(c.value, str(c.label), by["category"].get(c.value, 0)) for c in ProblemCategory],
        overdue,
    )


def policy_gaps(*, village: Area, day: datetime.date) -> list[PolicyGap]:
    """Each policy's gap figures in the village on the day, counted as the gap report's
    roll-up counts them (`welfare.selectors.gap_counts`); a policy whose rule cannot be
    evaluated there says why. The village is one the user sees (`village_get`).

    Evaluating every policy's rule takes a good part of a second even for a small village, so
    the glance keeps the answer for each state of the county's data (`registry.figures`), which
    every write of what the rules read moves on."""
    gaps = []
    for policy in welfare.policy_list():
        try:
            compiled = welfare.policy_compiled(policy=policy, area=village, day=day)
            counts = welfare.gap_counts(compiled=compiled, policy=policy, day=day)
        except RuleError as error:
            gaps.append(PolicyGap(policy.code, policy.name, error=str(error)))
            continue
        gaps.append(PolicyGap(policy.code, policy.name, *counts.get(village.code, (0, 0, 0))))
    return gaps


def monitoring_counts(
    *, user: User, village: Area, day: datetime.date
) -> tuple[list[MonitoringRow], int]:
    """The monitoring cases of the year in the village by category, open and with the risk
    eliminated (the monitoring overview's cases), and those past the decision's time limit."""
    cases = welfare.monitored_list(user=user, year=day.year, area=village)
    counts = {
        row["category"]: row
        for row in cases.order_by()
        .prefetch_related(None)
        .values("category")
        .annotate(
            open=Count("pk", filter=Q(risk_eliminated_on__isnull=True)),
            eliminated=Count("pk", filter=Q(risk_eliminated_on__isnull=False)),
        )
    }
    rows = [
        MonitoringRow(
            category.value,
            str(category.label),
            counts.get(category.value, {}).get("open", 0),
            counts.get(category.value, {}).get("eliminated", 0),
        )
        for category in MonitoringCategory
    ]
    return rows, overdue_cases(cases=cases, day=day).count()


def village_glance(*, user: User, code: str, day: datetime.date | None = None) -> Glance:
    """Everything the glance shows of one village of the user's areas; 404 outside them."""
    village = village_get(user=user, code=code)
    day = day or timezone.localdate()
    by_status, by_category, overdue = problem_counts(user=user, village=village)
    monitoring, monitoring_overdue = monitoring_counts(user=user, village=village, day=day)
    glance = Glance(
        village=village,
        day=day,
        figures=area_figures(prefix=village.prefix, today=day),
        coverage=coverage_by_month(village=village, months=months_back(day, COVERAGE_MONTHS)),
        problems_by_status=by_status,
        problems_by_category=by_category,
        problems_overdue=overdue,
        gaps=of_area(
            "glance-gaps",
            village.prefix,
            lambda: policy_gaps(village=village, day=day),
            day=day,
            language=get_language(),
        ),
        monitoring=monitoring,
        monitoring_overdue=monitoring_overdue,
    )
    due, due_total = fieldwork.due_list(user=user, limit=DUE_SHOWN, village=village.code)
    tasks, tasks_total = task_due_list(user=user, limit=DUE_SHOWN, village=village.code)
    glance.due = sorted(due + tasks, key=lambda item: item.due_on)[:DUE_SHOWN]
    glance.due_total = due_total + tasks_total
    return glance


def glance_charts(glance: Glance) -> dict:
    """The chart data the page hands to ECharts (json_script): numbers and labels only."""
    figures = glance.figures
    return {
        "pyramid": {
            "bands": [b.label for b in figures.age_pyramid],
            "male": [b.male for b in figures.age_pyramid],
            "female": [b.female for b in figures.age_pyramid],
        },
        "status": figures.households_by_status,
        "coverage": {
            "months": [f"{c.month:%Y-%m}" for c in glance.coverage],
            "visited": [c.visited for c in glance.coverage],
            "percent": [c.percent for c in glance.coverage],
        },
        "problem_status": [(label, n) for _code, label, n in glance.problems_by_status],
        "problem_category": [(label, n) for _code, label, n in glance.problems_by_category if n],
        "gaps": {
            "policies": [g.name for g in glance.gaps if not g.error],
            "not_enrolled": [g.not_enrolled for g in glance.gaps if not g.error],
            "not_eligible": [g.not_eligible for g in glance.gaps if not g.error],
        },
        "monitoring": {
            "categories": [r.label for r in glance.monitoring if r.open or r.eliminated],
            "open": [r.open for r in glance.monitoring if r.open or r.eliminated],
            "eliminated": [r.eliminated for r in glance.monitoring if r.open or r.eliminated],
        },
    }
