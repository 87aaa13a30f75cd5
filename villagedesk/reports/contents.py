"""What each report says: its headings, figures, tables and charts, read through the same
selectors as the pages (as the requesting user sees them), before any document is written.

A report is a list of blocks (`Heading`, `Text`, `Table`, `Chart`) that `documents.py` writes as
.docx. Free text typed by users (a diary's work, a problem's title) goes through
`audit.services.scrubbed`, so that no full identity or mobile number typed into it reaches a
report; a report never names a personal number otherwise.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from villagedesk.accounts.models import User
from villagedesk.areas.models import Area
from villagedesk.audit.services import scrubbed
from villagedesk.fieldwork import selectors as fieldwork
from villagedesk.fieldwork.codes import OPEN_STATUSES, Presence
from villagedesk.reports import charts
from villagedesk.reports import glance as glances
from villagedesk.reports.models import ReportJob, ReportKind
from villagedesk.welfare import selectors as welfare
from villagedesk.welfare.rules import RuleError


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list]


@dataclass(frozen=True)
class Chart:
    png: bytes | None
    caption: str


@dataclass
class Report:
    title: str
    subtitle: str
    blocks: list = field(default_factory=list)
    # The figures the report states, by name, for the tests that hold them to the pages'.
    figures: dict = field(default_factory=dict)


Progress = Callable[[int, int], None]


def period_text(since: datetime.date, until: datetime.date) -> str:
    return f"{since:%Y-%m-%d} – {until:%Y-%m-%d}"


def months_of(since: datetime.date, until: datetime.date) -> list[datetime.date]:
    months, month = [], since.replace(day=1)
    while month <= until:
        months.append(month)
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def report_day(until: datetime.date) -> datetime.date:
    """The day a period's standing figures are taken on: its last day, or today within it."""
    return min(until, timezone.localdate())


def visits_of(*, user: User, village: Area, since, until):
    filters = fieldwork.VisitFilters(since=since, until=until)
    return fieldwork.visit_list(user=user, village=village.code, filters=filters)


def member_record(job: ReportJob, progress: Progress) -> Report:
    """A team member's work in the village over the month: attendance, diary, visits, problems."""
    user, member, village, month = job.user, job.member, job.area, job.since
    first, last = fieldwork.month_bounds(month)
    progress(0, 4)
    row = next(
        (
            r
            for r in fieldwork.attendance_month(user=user, month=month)
            if r.member_id == member.pk and r.village_code == village.code
        ),
        None,
    )
    _member, days = fieldwork.member_diary_get(user=user, member_id=member.pk, month=month)
    days = [d for d in days if d.area_code == village.code]
    progress(1, 4)
    visits = list(
        visits_of(user=user, village=village, since=first, until=last)
        .filter(visitor=member)
        .order_by("visited_on", "pk")
    )
    households = {v.household_id for v in visits if v.household_id} | {
        p.household_id for v in visits for p in v.persons.all()
    }
    progress(2, 4)
    problems = list(
        fieldwork.problem_list(user=user, filters=fieldwork.ProblemFilters(village=village.code))
        .filter(created_by=member, created_at__date__range=(first, last))
        .order_by("created_at", "pk")
    )
    owned_open = (
        fieldwork.problem_list(user=user, filters=fieldwork.ProblemFilters(village=village.code))
        .filter(owner=member, status__in=OPEN_STATUSES)
        .count()
    )
    progress(3, 4)
    presence = {p: sum(1 for d in days if d.presence == p) for p in Presence}
    report = Report(
        title=_("Monthly work record"),
        subtitle=f"{member} · {village.display_name} · {month:%Y-%m}",
        figures={
            "diary_days": len(days),
            "in_village": presence[Presence.IN_VILLAGE],
            "visits": len(visits),
            "households_visited": len(households),
            "problems_registered": len(problems),
            "problems_owned_open": owned_open,
        },
    )
    required = row.required if row else fieldwork.required_days(village_code=village.code)
    report.blocks += [
        Heading(_("Attendance")),
        Table(
            [_("Days in the diary"), *[str(p.label) for p in Presence], _("Days required")],
            [[len(days), *[presence[p] for p in Presence], required]],
        ),
        Heading(_("Work diary")),
        Table(
            [_("Day"), _("Presence"), _("What was done")],
            [[f"{d.day:%m-%d}", d.get_presence_display(), scrubbed(d.work_done)] for d in days]
            or [["–", "–", _("No diary entries this month.")]],
        ),
        Heading(_("Visits")),
        Text(
            _("%(visits)s visits, %(households)s households met.")
            % {"visits": len(visits), "households": len(households)}
        ),
        Table(
            [_("Day"), _("Kind"), _("Household"), _("Follow-up")],
            [
                [
                    f"{v.visited_on:%m-%d}",
                    v.get_kind_display(),
                    v.household.number if v.household else "",
                    scrubbed(v.follow_up),
                ]
                for v in visits
            ]
            or [["–", "–", "–", _("No visits this month.")]],
        ),
        Heading(_("Problems")),
        Text(
            _("%(registered)s problems registered this month; %(open)s open problems owned.")
            % {"registered": len(problems), "open": owned_open}
        ),
        Table(
            [_("Registered"), _("Problem"), _("Category"), _("Status")],
            [
                [
                    f"{timezone.localtime(p.created_at):%m-%d}",
                    scrubbed(p.title),
                    p.get_category_display(),
                    p.get_status_display(),
                ]
                for p in problems
            ]
            or [["–", _("None registered this month."), "–", "–"]],
        ),
    ]
    progress(4, 4)
    return report


def village_blocks(*, user: User, village: Area, since, until) -> tuple[list, dict]:
    """The village report's body over the period, and the figures it states."""
    day = report_day(until)
    glance = glances.village_glance(user=user, code=village.code, day=day)
    period = fieldwork.Period(since=since, until=until)
    covered = fieldwork.coverage(user=user, village_code=village.code, period=period)
    by_month = glances.coverage_by_month(village=village, months=months_of(since, until))
    visits = visits_of(user=user, village=village, since=since, until=until).count()
    registered = (
        fieldwork.problem_list(user=user, filters=fieldwork.ProblemFilters(village=village.code))
        .filter(created_at__date__range=(since, until))
        .count()
    )
    figures = glance.figures
    stated = {
        "households": figures.households,
        "persons": figures.persons,
        "visited": covered.visited,
        "visits": visits,
        "problems_registered": registered,
        "problems_open": glance.problems_open,
        "problems_overdue": glance.problems_overdue,
        "monitored": glance.monitored,
        "eligible_not_enrolled": glance.eligible_not_enrolled,
    }
    incidence = "–" if figures.poverty_incidence is None else f"{figures.poverty_incidence}%"
    blocks = [
        Heading(_("Key figures")),
        Table(
            [_("Figure"), _("Value")],
            [
                [_("Households"), figures.households],
                [_("Persons"), figures.persons],
                [_("Poverty incidence"), incidence],
                [_("Households visited in the period"), covered.visited],
                [_("Visits in the period"), visits],
                [_("Problems registered in the period"), registered],
                [_("Open problems"), glance.problems_open],
                [_("Problems overdue"), glance.problems_overdue],
                [_("Monitored households"), glance.monitored],
                [_("Eligible, not enrolled"), glance.eligible_not_enrolled],
                [_("Enrolled, not eligible"), glance.enrolled_not_eligible],
            ],
        ),
        Heading(_("Population by age and sex")),
        Chart(
            charts.pyramid(
                bands=[b.label for b in figures.age_pyramid],
                male=[b.male for b in figures.age_pyramid],
                female=[b.female for b in figures.age_pyramid],
                names=(_("Male"), _("Female")),
            ),
            _("Population by age and sex"),
        ),
        Table(
            [_("Households by status"), _("Households")],
            [[label, n] for label, n in figures.households_by_status],
        ),
        Heading(_("Visit coverage")),
        Chart(
            charts.months(
                months=[f"{c.month:%Y-%m}" for c in by_month],
                values=[c.visited for c in by_month],
                name=_("Households visited"),
            ),
            _("Visit coverage by month"),
        ),
        Table(
            [_("Month"), _("Households visited"), _("Households")],
            [[f"{c.month:%Y-%m}", c.visited, c.households] for c in by_month],
        ),
        Heading(_("Problems")),
        Chart(
            charts.bars(
                labels=[label for _code, label, _n in glance.problems_by_status],
                values=[n for _code, _label, n in glance.problems_by_status],
            ),
            _("Problems by status"),
        ),
        Table(
            [_("Category"), _("Problems")],
            [[label, n] for _code, label, n in glance.problems_by_category if n]
            or [[_("None registered."), 0]],
        ),
        Heading(_("Policy gaps")),
        Table(
            [_("Policy"), _("Eligible"), _("Eligible, not enrolled"), _("Enrolled, not eligible")],
            [
                [g.name, g.error]
                if g.error
                else [g.name, g.eligible, g.not_enrolled, g.not_eligible]
                for g in glance.gaps
            ],
        ),
        Heading(_("Monitoring cases")),
        Table(
            [_("Category"), pgettext("monitoring cases", "Open"), _("Risk eliminated")],
            [[r.label, r.open, r.eliminated] for r in glance.monitoring if r.open or r.eliminated]
            + [[_("Past the time limit"), glance.monitoring_overdue, ""]],
        ),
    ]
    team = [
        row
        for month in months_of(since, until)
        for row in fieldwork.attendance_month(user=user, month=month)
        if row.village_code == village.code
    ]
    blocks += [
        Heading(_("Team attendance")),
        Table(
            [_("Team member"), *[str(p.label) for p in Presence], _("Days required")],
            [[r.member, r.in_village, r.leave, r.travel, r.training, r.required] for r in team]
            or [[_("No team members."), "", "", "", "", ""]],
        ),
    ]
    return blocks, stated


def village_report(job: ReportJob, progress: Progress) -> Report:
    """The village's monthly or quarterly report."""
    progress(0, 1)
    blocks, figures = village_blocks(
        user=job.user, village=job.area, since=job.since, until=job.until
    )
    title = (
        _("Quarterly report of the village")
        if job.kind == ReportKind.VILLAGE_QUARTER
        else _("Monthly report of the village")
    )
    report = Report(
        title=title,
        subtitle=f"{job.area.display_name} · {period_text(job.since, job.until)}",
        blocks=blocks,
        figures=figures,
    )
    progress(1, 1)
    return report


def township_summary(job: ReportJob, progress: Progress) -> Report:
    """The township's summary over the month: every village it holds side by side (in code
    order, never ranked), with the same figures as each village's own pages."""
    user, township = job.user, job.area
    villages = list(welfare.villages_under(user=user, area=township))
    period = fieldwork.Period(since=job.since, until=job.until)
    day = report_day(job.until)
    total = len(villages) + 1
    progress(0, total)
    missing = {}
    for policy in welfare.policy_list():
        try:
            for row in welfare.gap_rollup(user=user, policy=policy, area=township, day=day):
                missing[row.area.code] = missing.get(row.area.code, 0) + row.not_enrolled
        except RuleError:
            continue
    progress(1, total)
    rows, figures = [], {}
    for n, village in enumerate(villages, start=2):
        covered = fieldwork.coverage(user=user, village_code=village.code, period=period)
        by_status, _by_category, overdue = glances.problem_counts(user=user, village=village)
        monitoring, _late = glances.monitoring_counts(user=user, village=village, day=day)
        visits = visits_of(user=user, village=village, since=job.since, until=job.until).count()
        problems_open = sum(count for code, _l, count in by_status if code in OPEN_STATUSES)
        share = (
            f"{round(100 * covered.visited / covered.households)}%" if covered.households else "–"
        )
        rows.append(
            [
                village.display_name,
                covered.households,
                covered.visited,
                share,
                visits,
                problems_open,
                overdue,
                sum(r.open + r.eliminated for r in monitoring),
                missing.get(village.code, 0),
            ]
        )
        figures[village.code] = {"households": covered.households, "visited": covered.visited}
        progress(n, total)
    totals = [
        _("Total"),
        *[sum(r[i] for r in rows) for i in (1, 2)],
        "",
        *[sum(r[i] for r in rows) for i in range(4, 9)],
    ]
    return Report(
        title=_("Monthly summary of the township"),
        subtitle=f"{township.display_name} · {period_text(job.since, job.until)}",
        blocks=[
            Heading(_("Villages side by side")),
            Text(_("Villages in the order of their codes; no village or person is ranked.")),
            Table(
                [
                    _("Village"),
                    _("Households"),
                    _("Households visited"),
                    _("Share"),
                    _("Visits"),
                    _("Open problems"),
                    _("Problems overdue"),
                    _("Monitored households"),
                    _("Eligible, not enrolled"),
                ],
                [*rows, totals] if rows else [[_("No villages."), *[""] * 8]],
            ),
            Chart(
                charts.bars(labels=[r[0] for r in rows], values=[r[2] for r in rows]),
                _("Households visited in the month by village"),
            ),
        ],
        figures=figures,
    )


WRITERS = {
    ReportKind.MEMBER_MONTH: member_record,
    ReportKind.VILLAGE_MONTH: village_report,
    ReportKind.VILLAGE_QUARTER: village_report,
    ReportKind.TOWNSHIP_MONTH: township_summary,
}


def report_contents(job: ReportJob, progress: Progress) -> Report:
    """What the job's report says, as its user sees the records."""
    return WRITERS[ReportKind(job.kind)](job, progress)
