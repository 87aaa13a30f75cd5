"""The per-village figures of a county's gap reports and poverty status, computed once and stored,
read by the pages.

Counting a county's gap lists evaluates a policy's rule over every household of the county
(seconds at county scale); the poverty status counts every person. Neither depends on who asks:
each village's figures are the same whoever sees the village. They are therefore computed by the
background worker (`welfare.tasks.county_figures_refresh`), one county at a time, stored as one
`CountyFigures` with a row per village, and the pages read the rows of the villages they show. An
area with few households (a village, a small township) is counted in the request instead
(`small`).

Each kind of figures is a `Kind` in `KINDS`: the model of its rows and how the worker counts a
county. An app above welfare that keeps per-village figures the same way (the supervisors'
roll-ups of `reports`) adds its kind with `kind_add` when it is ready, and its figures are asked
for, refreshed and read by the functions below.

Every write of the data the figures read bumps its county's generation in the writing
transaction (`registry.changes.data_changed`, called by the registry's and welfare's services);
figures computed at an older generation, or for another day, are out of date. A page that reads
out-of-date figures asks the worker for new ones and shows the last ones with their time until
then.
"""

import datetime
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Model, Q, QuerySet
from django.utils import timezone

from villagedesk.areas.models import Area
from villagedesk.core.planner import statistics_refresh
from villagedesk.registry.changes import COUNTY_DIGITS, generations
from villagedesk.registry.codes import HouseholdStatus
from villagedesk.registry.figures import few_households
from villagedesk.registry.models import Person
from villagedesk.welfare.models import (
    CountyFigures,
    FiguresKind,
    GapFigure,
    Policy,
    PovertyFigure,
)
from villagedesk.welfare.rules import RuleError

# A computation asked for that has not finished after this long is asked for again (the worker
# was stopped, say).
PATIENCE = timedelta(minutes=15)


def day_of(year: int) -> datetime.date:
    """The day a report of the year is taken on: today in the current year, else its last day."""
    today = timezone.localdate()
    return today if year == today.year else datetime.date(year, 12, 31)


def small(area: Area) -> bool:
    """Whether the area's figures are counted in the request (one query): it holds no more than
    `registry.figures.INLINE_HOUSEHOLDS` households; a larger one is read from stored figures."""
    return few_households([area.prefix])


def county_area(county: str) -> Area:
    return Area.objects.get(code=county.ljust(12, "0"))


def gap_key(policy: Policy, county: str, year: int) -> str:
    return f"gap:{policy.code}:{year}:{county}"


def poverty_key(county: str) -> str:
    return f"poverty:{county}"


def poverty_counts(persons: QuerySet[Person]) -> dict[str, tuple[int, int]]:
    """Per village code: the persons, and those of registered poor households."""
    rows = (
        persons.order_by()
        .values("area_code")
        .annotate(
            persons=Count("pk"),
            poor=Count("pk", filter=Q(household__status=HouseholdStatus.POOR)),
        )
    )
    return {r["area_code"]: (r["persons"], r["poor"]) for r in rows}


def gap_counts_of(*, policy: Policy, area: Area, day: datetime.date) -> dict:
    """Per village code of the area: the policy's gap counts on the day (RuleError when the
    rule cannot be evaluated there)."""
    from villagedesk.welfare.selectors import gap_counts, policy_compiled

    compiled = policy_compiled(policy=policy, area=area, day=day)
    return gap_counts(compiled=compiled, policy=policy, day=day)


@dataclass
class Stored:
    """Stored figures of one or more counties as a page shows them: the counts by village code,
    whether all are up to date, the time of the oldest (None while some have never been
    computed), and the error of a county whose rule could not be evaluated."""

    counts: dict[str, tuple]
    up_to_date: bool
    computed_at: datetime.datetime | None
    error: str = ""

    @property
    def computed(self) -> bool:
        return self.computed_at is not None


def up_to_date(figures: CountyFigures, generation: int, day: datetime.date | None) -> bool:
    return (
        figures.computed_at is not None and figures.generation == generation and figures.day == day
    )


def figures_get(*, key: str, kind: str, county: str, policy=None, year=None) -> CountyFigures:
    try:
        with transaction.atomic():
            return CountyFigures.objects.create(
                key=key, kind=kind, county=county, policy=policy, year=year
            )
    except IntegrityError:  # created meanwhile by another request
        return CountyFigures.objects.get(key=key)


def ask(figures: CountyFigures) -> None:
    """Have the worker compute the figures, unless it has been asked and not finished (no query
    then)."""
    from villagedesk.welfare.tasks import county_figures_refresh

    now = timezone.now()
    if figures.asked_at is not None and figures.asked_at >= now - PATIENCE:
        return
    waiting = Q(asked_at__isnull=True) | Q(asked_at__lt=now - PATIENCE)
    if CountyFigures.objects.filter(waiting, pk=figures.pk).update(asked_at=now):
        figures.asked_at = now
        county_figures_refresh.enqueue(key=figures.key)


def stored(
    *,
    kind: str,
    villages,
    prefix: str,
    policy: Policy | None = None,
    year: int | None = None,
    with_counts: bool = True,
) -> Stored:
    """The stored figures of the villages' counties, for their villages under the prefix, asked
    for again where missing or out of date: three queries when all are up to date, two without
    the counts (`with_counts=False`: their state only)."""
    spec = KINDS[kind]
    counties = sorted({village.code[:COUNTY_DIGITS] for village in villages})
    keys = {spec.key(county, policy, year): county for county in counties}
    day = spec.day(year)
    found = {f.key: f for f in CountyFigures.objects.filter(key__in=list(keys))}
    for key, county in keys.items():
        if key not in found:
            found[key] = figures_get(key=key, kind=kind, county=county, policy=policy, year=year)
    now = generations(counties)
    fresh = True
    for figures in found.values():
        if not up_to_date(figures, now[figures.county], day):
            fresh = False
            ask(figures)
    computed = [f for f in found.values() if f.computed_at is not None]
    if len(computed) < len(found):
        return Stored({}, up_to_date=False, computed_at=None)
    error = next((f.error for f in computed if f.error), "")
    counts = {}
    if with_counts:
        rows = spec.rows.objects.filter(figures__in=computed, village_code__startswith=prefix)
        counts = {
            code: tuple(values) for code, *values in rows.values_list("village_code", *spec.fields)
        }
    return Stored(
        counts,
        up_to_date=fresh,
        computed_at=min(f.computed_at for f in computed),
        error=error,
    )


def figures_store(
    figures: CountyFigures, counts: dict, *, error: str, generation: int, day, started: float
) -> None:
    """Replace the stored figures with these counts."""
    spec = KINDS[figures.kind]
    with transaction.atomic():
        CountyFigures.objects.select_for_update().filter(pk=figures.pk).first()
        spec.rows.objects.filter(figures=figures).delete()
        spec.rows.objects.bulk_create(
            spec.rows(
                figures=figures, village_code=code, **dict(zip(spec.fields, values, strict=True))
            )
            for code, values in counts.items()
        )
        if spec.stored_also is not None:
            spec.stored_also(figures, counts, day)
        figures.generation = generation
        figures.day = day
        figures.error = error
        figures.computed_at = timezone.now()
        figures.seconds = time.monotonic() - started
        figures.started_at = None
        figures.save(
            update_fields=["generation", "day", "error", "computed_at", "seconds", "started_at"]
        )


def figures_refresh(key: str) -> None:
    """The worker's part: compute the figures named by the key, unless they are up to date."""
    figures = CountyFigures.objects.filter(key=key).select_related("policy").first()
    if figures is None:
        return
    asked = figures.asked_at
    spec = KINDS[figures.kind]
    day = spec.day(figures.year)
    if not up_to_date(figures, generations([figures.county])[figures.county], day):
        started = time.monotonic()
        CountyFigures.objects.filter(pk=figures.pk).update(started_at=timezone.now())
        # The generation is read before the data: a change in between leaves the figures out
        # of date, never wrongly up to date.
        generation = generations([figures.county])[figures.county]
        counts, error = spec.count(figures, county_area(figures.county), day)
        figures_store(figures, counts, error=error, generation=generation, day=day, started=started)
        statistics_refresh(spec.rows._meta.db_table)
    CountyFigures.objects.filter(pk=figures.pk, asked_at=asked).update(asked_at=None)


def gap_count(figures: CountyFigures, area: Area, day: datetime.date) -> tuple[dict, str]:
    try:
        return gap_counts_of(policy=figures.policy, area=area, day=day), ""
    except RuleError as rule_error:
        return {}, str(rule_error)


def poverty_count(_figures: CountyFigures, area: Area, _day) -> tuple[dict, str]:
    return poverty_counts(Person.objects.within([area.prefix])), ""


@dataclass(frozen=True)
class Kind:
    """One kind of per-village figures kept per county.

    `rows` is the model of a village's row (`figures`, `village_code` and the `fields`); `key`
    names a county's figures from the county, the policy and the year; `day` is the day the
    figures of the year hold for (None: any day); `count(figures, county_area, day)` counts the
    county by village code, with the error that kept it from counting; `stored_also(figures,
    counts, day)`, when given, writes what else the kind keeps, in the storing transaction."""

    rows: type[Model]
    fields: tuple[str, ...]
    key: Callable[[str, Policy | None, int | None], str]
    day: Callable[[int | None], datetime.date | None]
    count: Callable[[CountyFigures, Area, datetime.date | None], tuple[dict, str]]
    stored_also: Callable[[CountyFigures, dict, datetime.date | None], None] | None = None


KINDS: dict[str, Kind] = {
    FiguresKind.GAP: Kind(
        rows=GapFigure,
        fields=("eligible", "not_enrolled", "not_eligible"),
        key=lambda county, policy, year: gap_key(policy, county, year),
        day=day_of,
        count=gap_count,
    ),
    FiguresKind.POVERTY: Kind(
        rows=PovertyFigure,
        fields=("persons", "poor"),
        key=lambda county, _policy, _year: poverty_key(county),
        day=lambda _year: None,
        count=poverty_count,
    ),
}


def kind_add(name: str, kind: Kind) -> None:
    """Keep figures of another kind (named by a `FiguresKind`) with this machinery."""
    KINDS[name] = kind
