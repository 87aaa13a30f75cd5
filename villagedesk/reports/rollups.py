"""Roll-ups for supervisors: every village of a township or a county side by side, with the key
counts of the village pages, and their trend month by month.

A county's figures (100,000 households) take seconds to count and do not depend on who asks, so
they are kept as the welfare figures are (`welfare.figures`, kind `rollup`): counted by the
background worker once per generation of the county's data and per day, one `VillageFigure` per
village, and read by the pages in a few queries. Unlike welfare's pages, no area is counted in the
request, however few its households: the gap lines evaluate every policy's rule, which took over a
second for a township of 1,200 households (docs/performance.md). Each time the worker counts a
county it also keeps the month's figures of every village (`VillageMonth`), which the trend reads.

Every figure is the one the village's own page shows:
- households and persons: the village profile (the registry's counts);
- visit coverage: households met at a visit in the last `COVERAGE_DAYS` days, the coverage page's
  default period, over the households;
- open problems: the problem register's problems in an open status (`OPEN_STATUSES`);
- gap lines: eligible but not enrolled, and enrolled but not eligible, summed over every policy
  of the gap report whose rule can be evaluated, in the current year;
- monitoring cases: the cases of the monitoring page's year (those that ran during it);
- the playbook's measures of the ten steps (`playbook.measures`), as the village's playbook shows
  them.

Villages, never people; no column is a score, and the default order is by division code.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from villagedesk.accounts import permissions
from villagedesk.accounts.models import User
from villagedesk.accounts.permissions import Capability
from villagedesk.areas.models import Area, Level
from villagedesk.core.scoping import get_visible_or_404
from villagedesk.fieldwork.codes import OPEN_STATUSES
from villagedesk.fieldwork.models import Problem
from villagedesk.fieldwork.selectors import Period, visited_in
from villagedesk.playbook.measures import MEASURES, STEPS, measures_of
from villagedesk.registry.models import Household, Person
from villagedesk.reports.models import VillageFigure, VillageMonth
from villagedesk.welfare import figures
from villagedesk.welfare.figures import Kind, Stored, gap_counts_of
from villagedesk.welfare.models import CountyFigures, FiguresKind, MonitoredHousehold, open_in_year
from villagedesk.welfare.rules import RuleError
from villagedesk.welfare.selectors import policy_list, villages_under

# The coverage page's default period: the last 90 days.
COVERAGE_DAYS = 90
# The trend shows this many months, the current one included.
TREND_MONTHS = 12

COUNTS = ("households", "persons", "visited", "open_problems", "gap_lines", "monitored")
# What a county's stored figures hold per village, in this order.
FIELDS = (*COUNTS, "measures")


def coverage_period(day: datetime.date) -> Period:
    return Period(since=day - datetime.timedelta(days=COVERAGE_DAYS - 1), until=day)


def grouped(queryset) -> dict[str, int]:
    """Rows of the queryset counted per village code."""
    rows = queryset.order_by().values("area_code").annotate(n=Count("pk"))
    return dict(rows.values_list("area_code", "n"))


def gap_lines(area: Area, day: datetime.date) -> dict[str, int]:
    """Per village code: the gap lines of every policy whose rule can be evaluated over the area
    on the day (a query or three per policy, whatever the number of villages)."""
    lines: dict[str, int] = {}
    for policy in policy_list():
        try:
            counts = gap_counts_of(policy=policy, area=area, day=day)
        except RuleError:
            continue
        for code, (_eligible, not_enrolled, not_eligible) in counts.items():
            lines[code] = lines.get(code, 0) + not_enrolled + not_eligible
    return lines


def counted(area: Area, day: datetime.date) -> dict[str, tuple]:
    """Per village of the area: the figures of `FIELDS` on the day, counted in a fixed number of
    grouped queries (the worker's part)."""
    prefix = [area.prefix]
    villages = Area.objects.within(prefix).villages().order_by("code")
    codes = list(villages.values_list("code", flat=True))
    households = Household.objects.within(prefix)
    counts = {
        "households": grouped(households),
        "persons": grouped(Person.objects.within(prefix)),
        "visited": grouped(households.filter(visited_in(coverage_period(day)))),
        "open_problems": grouped(Problem.objects.within(prefix).filter(status__in=OPEN_STATUSES)),
        "gap_lines": gap_lines(area, day),
        "monitored": grouped(
            MonitoredHousehold.objects.within(prefix).filter(open_in_year(day.year))
        ),
    }
    measures = measures_of(codes, today=day)
    return {
        code: (
            *(counts[name].get(code, 0) for name in COUNTS),
            {m.key: [m.numerator, m.denominator] for m in measures[code]},
        )
        for code in codes
    }


def county_count(_figures: CountyFigures, area: Area, day: datetime.date) -> tuple[dict, str]:
    return counted(area, day), ""


def months_keep(_figures: CountyFigures, counts: dict, day: datetime.date) -> None:
    """Keep the counted figures as each village's figures of the day's month."""
    month = day.replace(day=1)
    now = timezone.now()
    VillageMonth.objects.filter(village_code__in=list(counts), month=month).delete()
    VillageMonth.objects.bulk_create(
        VillageMonth(
            village_code=code, month=month, counted_at=now, **dict(zip(FIELDS, values, strict=True))
        )
        for code, values in counts.items()
    )


# The roll-up's kind of stored figures, added to welfare's by `ReportsConfig.ready`: a county's
# figures hold for a day (the coverage period and the year move with it) at its generation.
KIND = Kind(
    rows=VillageFigure,
    fields=FIELDS,
    key=lambda county, _policy, _year: f"rollup:{county}",
    day=lambda _year: timezone.localdate(),
    count=county_count,
    stored_also=months_keep,
)


@dataclass(frozen=True)
class Column:
    """A column of the roll-up: `key` names it in `?sort=`; a share column shows numerator over
    denominator (visit coverage: households met over households); a measure's column names its
    step of the method."""

    key: str
    label: str
    share: bool = False
    step: int | None = None


@dataclass
class Cell:
    value: int | None
    of: int | None = None

    @property
    def share(self) -> float | None:
        """The share in per cent to one decimal; None without a denominator."""
        if not self.of:
            return None
        return round(self.value * 100 / self.of, 1)

    @property
    def text(self) -> str:
        """The cell as the page and the export show it."""
        if self.of is None:
            return "—" if self.value is None else str(self.value)
        share = self.share
        return "—" if share is None else f"{share}%"

    @property
    def order(self):
        """What the column sorts by: the share where there is one, else the count."""
        return self.share if self.of is not None else self.value


@dataclass
class Row:
    village: Area
    cells: dict[str, Cell]


@dataclass
class Rollup:
    area: Area
    day: datetime.date
    columns: list[Column]
    rows: list[Row]
    # The stored figures the rows were read from, with their time.
    stored: Stored | None = None
    totals: dict[str, Cell] = field(default_factory=dict)


def columns(step: int | None = None) -> list[Column]:
    """The key counts, then the playbook's measures (of one step, when given), in its order."""
    return [
        Column("households", _("Households")),
        Column("persons", _("Persons")),
        Column("coverage", _("Visit coverage"), share=True),
        Column("open_problems", _("Open problems")),
        Column("gap_lines", _("Gap-report lines")),
        Column("monitored", _("Monitoring cases")),
        *(
            Column(key, label, share=is_share, step=number)
            for key, (number, label, is_share) in MEASURES.items()
            if step is None or number == step
        ),
    ]


def cells_of(values: dict) -> dict[str, Cell]:
    measures = values["measures"]
    return {
        "households": Cell(values["households"]),
        "persons": Cell(values["persons"]),
        "coverage": Cell(values["visited"], values["households"]),
        "open_problems": Cell(values["open_problems"]),
        "gap_lines": Cell(values["gap_lines"]),
        "monitored": Cell(values["monitored"]),
        **{key: Cell(*measures[key]) if key in measures else Cell(None) for key in MEASURES},
    }


def measures_total(all_values: list[dict]) -> dict[str, list]:
    """The measures of several villages summed: numerators, and denominators of shares."""
    total = {}
    for key, (_step, _label, is_share) in MEASURES.items():
        present = [values["measures"][key] for values in all_values if key in values["measures"]]
        total[key] = [
            sum(n for n, _d in present),
            sum(d or 0 for _n, d in present) if is_share else None,
        ]
    return total


def step_of(text: str | None) -> int | None:
    """The step of the method asked for (1 to 10), or None for all of them."""
    numbers = {str(step.number): step.number for step in STEPS}
    return numbers.get(text or "")


SORTS = ("code", "name")


def sort_keys() -> list[str]:
    """What `?sort=` accepts (each also with a leading "-" for the reverse order)."""
    return [*SORTS, *(column.key for column in columns())]


def sort_of(text: str | None) -> str:
    """The order asked for, if it is one `?sort=` accepts; by division code otherwise."""
    text = text or ""
    return text if text.removeprefix("-") in sort_keys() else "code"


def sorted_rows(rows: list[Row], sort: str) -> list[Row]:
    """The rows in the order asked for; by division code unless a known column is asked for.
    Ties and villages without a figure keep the order of their codes, the latter always last."""
    descending = sort.startswith("-")
    key = sort.removeprefix("-")
    rows = sorted(rows, key=lambda row: row.village.code)
    if key not in sort_keys() or key == "code":
        return rows[::-1] if descending and key == "code" else rows
    if key == "name":
        return sorted(rows, key=lambda row: row.village.display_name, reverse=descending)
    known = [row for row in rows if row.cells[key].order is not None]
    unknown = [row for row in rows if row.cells[key].order is None]
    return sorted(known, key=lambda row: row.cells[key].order, reverse=descending) + unknown


def rollup_area(*, user: User, code: str) -> Area:
    """The township or county of this code, if the user sees and supervises it; 404 otherwise."""
    area = get_visible_or_404(
        Area.objects.filter(level__in=[Level.COUNTY, Level.TOWNSHIP]), user=user, code=code
    )
    if not permissions.holds(user, Capability.SUPERVISE, area.code):
        raise Http404
    return area


def rollup_state(*, user: User, area: Area) -> Stored:
    """The state of the stored figures the area's roll-up reads (asked for again when out of
    date), without reading them."""
    # A township or county lies in one county: the area's own code names it.
    return figures.stored(
        kind=FiguresKind.ROLLUP, villages=[area], prefix=area.prefix, with_counts=False
    )


def rollup(
    *,
    user: User,
    area: Area,
    sort: str = "code",
    step: int | None = None,
) -> Rollup:
    """The roll-up of the area's villages the user sees, read from its county's stored figures
    (asked for again when out of date; a village not counted yet is left out until it is)."""
    villages = list(villages_under(user=user, area=area))
    stored = figures.stored(kind=FiguresKind.ROLLUP, villages=villages, prefix=area.prefix)
    counts = stored.counts
    shown = [
        (village, dict(zip(FIELDS, counts[village.code], strict=True)))
        for village in villages
        if village.code in counts
    ]
    rows = [Row(village=village, cells=cells_of(values)) for village, values in shown]
    totals = {name: sum(values[name] for _village, values in shown) for name in COUNTS}
    totals["measures"] = measures_total([values for _village, values in shown])
    return Rollup(
        area=area,
        day=timezone.localdate(),
        columns=columns(step),
        rows=sorted_rows(rows, sort),
        stored=stored,
        totals=cells_of(totals),
    )


@dataclass
class Trend:
    months: list[str]
    coverage: list[float | None]
    open_problems: list[int | None]
    gap_lines: list[int | None]
    monitored: list[int | None]


def months_back(day: datetime.date, n: int) -> list[datetime.date]:
    """The first days of the n months up to the day's, oldest first."""
    months = [day.replace(day=1)]
    while len(months) < n:
        months.append((months[-1] - datetime.timedelta(days=1)).replace(day=1))
    return months[::-1]


def trend(*, area: Area, day: datetime.date) -> Trend:
    """The area's figures month by month, summed over its villages' kept months (one query);
    a month nobody rolled up has none."""
    months = months_back(day, TREND_MONTHS)
    rows = (
        VillageMonth.objects.filter(village_code__startswith=area.prefix, month__gte=months[0])
        .values("month")
        .annotate(**{name: Sum(name) for name in COUNTS})
        .order_by("month")
    )
    by_month = {row["month"]: row for row in rows}
    result = Trend(
        months=[m.strftime("%Y-%m") for m in months],
        coverage=[],
        open_problems=[],
        gap_lines=[],
        monitored=[],
    )
    for month in months:
        row = by_month.get(month)
        result.coverage.append(Cell(row["visited"], row["households"]).share if row else None)
        for name in ("open_problems", "gap_lines", "monitored"):
            getattr(result, name).append(row[name] if row else None)
    return result


def rollup_table(result: Rollup) -> tuple[list[str], list[list[str]]]:
    """The roll-up as the export writes it: the page's columns and cells, in the page's order,
    with the total last."""
    header = [str(_("Division code")), str(_("Village")), *(str(c.label) for c in result.columns)]
    rows = [
        [
            row.village.code,
            row.village.display_name,
            *(row.cells[c.key].text for c in result.columns),
        ]
        for row in result.rows
    ]
    total = [
        result.area.code,
        str(_("Total")),
        *(result.totals[c.key].text for c in result.columns),
    ]
    return header, [*rows, total]


def townships_under(*, user: User, area: Area) -> list[Area]:
    """The townships of a county the user sees, by code (none under a township)."""
    if area.level != Level.COUNTY:
        return []
    townships = Area.objects.visible_to(user).within([area.prefix])
    return list(townships.filter(level=Level.TOWNSHIP).order_by("code"))


def rollup_areas(*, user: User) -> list[Area]:
    """The counties and townships the user supervises and sees, by code."""
    supervised = permissions.prefixes(user, Capability.SUPERVISE)
    if not supervised:
        return []
    areas = Area.objects.visible_to(user).within(supervised)
    return list(areas.filter(level__in=[Level.COUNTY, Level.TOWNSHIP]).order_by("code"))
