"""How fast is the county roll-up over a 100,000-household county, and what would computing it in
the request cost instead?

Serves the application as `bench/pages.py` does (gunicorn, sync workers, DEBUG=false, a seeded
PostgreSQL database), logs in as the county supervisor and measures, at 1 and at 20 concurrent
connections (p50 and p99 of each):

- **roll-up page**: `/rollups/<county>/`, the page as supervisors get it: every village's figures
  read from those the background worker keeps (`reports.rollups`), the trend, the whole frame;
- **hand-written SQL**: the same per-village counts (households, persons, households met in the
  coverage period, open problems, monitoring cases of the year) computed in the request by one
  hand-written PostgreSQL query, in a bare view (no middleware, no session, no template);
- **DuckDB over the database**: the same query run by DuckDB reading the PostgreSQL tables
  through its postgres extension, in a bare view as well (one DuckDB connection per worker).

The bare views leave out what the page's frame costs (session, user, menu: about 25 ms), so
they are the best an in-request computation could do. Gap-report lines are the welfare rules
evaluated over the county (policy by policy), which no hand-written query reproduces: they are in
the roll-up page and in the worker's refresh, timed apart, and not in the two others. Before
measuring, the bench checks that the query's figures equal the stored ones for every village.

    .venv/bin/python bench/rollups.py                     # the county: 100,000 households
    .venv/bin/python bench/rollups.py --households 5000   # a quick check

BENCH_DATABASE_URL names the database (default postgres://postgres@127.0.0.1:5432/
vd_bench_rollups_<households>); one that does not exist is created and seeded with
`manage.py seed_demo`. The bench logs in and stores figures: give it a database of its own.

Run as gunicorn's application (`rollups:served()`), this module serves the two bare views under
/bench/ and hands every other address to the project.
"""

import argparse
import os
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

# The size and the database are read by `pages` when it is imported.
if __name__ == "__main__":
    _arguments = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    _arguments.add_argument("--households", type=int, default=100_000)
    _arguments.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (2)")
    _arguments.add_argument("--seconds", type=float, default=15, help="per measurement (15)")
    ARGS = _arguments.parse_args()
    os.environ["BENCH_HOUSEHOLDS"] = str(ARGS.households)
    os.environ.setdefault(
        "BENCH_DATABASE_URL",
        f"postgres://postgres@127.0.0.1:5432/vd_bench_rollups_{ARGS.households}",
    )

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pages  # noqa: E402  (bench/pages.py: the database, the server, the client)

CONCURRENCY = 20
SQL_PATH = "/bench/rollup-sql/"
DUCKDB_PATH = "/bench/rollup-duckdb/"
OPEN_STATUSES = ("new", "analysing", "in_progress", "referred", "long_term")

# The per-village counts of the roll-up (but the gap lines) in one query, over the tables of
# `{t}` (DuckDB's attached database), with the parameters low, high (the prefix as a range of
# codes, as `core.scoping.prefix_match` reads it), since, until, year written {p}x.
ROLLUP_SQL = """
WITH households AS (
    SELECT area_code, count(*) AS n FROM {t}registry_household
    WHERE area_code >= {p}low AND area_code < {p}high GROUP BY area_code),
persons AS (
    SELECT area_code, count(*) AS n FROM {t}registry_person
    WHERE area_code >= {p}low AND area_code < {p}high GROUP BY area_code),
met AS (
    SELECT v.household_id AS id FROM {t}fieldwork_visit v
    WHERE v.household_id IS NOT NULL AND v.visited_on BETWEEN {p}since AND {p}until
      AND v.area_code >= {p}low AND v.area_code < {p}high
    UNION
    SELECT p.household_id FROM {t}fieldwork_visit v
    JOIN {t}fieldwork_visit_persons vp ON vp.visit_id = v.id
    JOIN {t}registry_person p ON p.id = vp.person_id
    WHERE v.visited_on BETWEEN {p}since AND {p}until
      AND v.area_code >= {p}low AND v.area_code < {p}high),
visited AS (
    SELECT h.area_code, count(*) AS n FROM {t}registry_household h JOIN met ON met.id = h.id
    WHERE h.area_code >= {p}low AND h.area_code < {p}high GROUP BY h.area_code),
problems AS (
    SELECT area_code, count(*) AS n FROM {t}fieldwork_problem
    WHERE area_code >= {p}low AND area_code < {p}high AND status IN ({open_statuses})
    GROUP BY area_code),
monitored AS (
    SELECT area_code, count(*) AS n FROM {t}welfare_monitoredhousehold
    WHERE area_code >= {p}low AND area_code < {p}high AND year <= {p}year
      AND (risk_eliminated_on IS NULL OR risk_eliminated_on >= make_date({p}year, 1, 1))
    GROUP BY area_code)
SELECT a.code, a.name, coalesce(households.n, 0), coalesce(persons.n, 0),
       coalesce(visited.n, 0), coalesce(problems.n, 0), coalesce(monitored.n, 0)
FROM {t}areas_area a
LEFT JOIN households ON households.area_code = a.code
LEFT JOIN persons ON persons.area_code = a.code
LEFT JOIN visited ON visited.area_code = a.code
LEFT JOIN problems ON problems.area_code = a.code
LEFT JOIN monitored ON monitored.area_code = a.code
WHERE a.level = 5 AND a.code >= {p}low AND a.code < {p}high
ORDER BY a.code
"""


def rollup_sql(dialect: str) -> str:
    """The query for PostgreSQL ("pg": psycopg's named parameters) or DuckDB ($name, the tables
    of the attached database `pg`)."""
    statuses = ", ".join(f"'{status}'" for status in OPEN_STATUSES)
    if dialect == "duckdb":
        return ROLLUP_SQL.replace("{t}", "pg.").replace("{p}", "$").format(open_statuses=statuses)
    sql = ROLLUP_SQL.replace("{t}", "")
    for name in ("low", "high", "since", "until", "year"):
        sql = sql.replace("{p}" + name, f"%({name})s")
    return sql.format(open_statuses=statuses)


def parameters(county: str) -> dict:
    """The county's codes as a range, the coverage period to today and the year."""
    import datetime

    from django.utils import timezone

    from villagedesk.core.scoping import prefix_end
    from villagedesk.reports.rollups import COVERAGE_DAYS

    today = timezone.localdate()
    since = today - datetime.timedelta(days=COVERAGE_DAYS - 1)
    return {
        "low": county,
        "high": prefix_end(county),
        "since": since,
        "until": today,
        "year": today.year,
    }


def sql_counts(county: str) -> list[tuple]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(rollup_sql("pg"), parameters(county))
        return cursor.fetchall()


_duckdb = threading.local()


def duckdb_counts(county: str) -> list[tuple]:
    """The same counts by DuckDB, attached read-only to the database (once per thread)."""
    if not hasattr(_duckdb, "connection"):
        import duckdb
        import duckdb_ext

        extension = next(Path(duckdb_ext.__path__[0]).glob("**/postgres_scanner.duckdb_extension"))
        db = urlsplit(os.environ["DATABASE_URL"])
        connection = duckdb.connect()
        connection.execute(f"LOAD '{extension}'")
        dsn = f"dbname={db.path.lstrip('/')} host={db.hostname} port={db.port or 5432}"
        dsn += f" user={db.username}" + (f" password={db.password}" if db.password else "")
        connection.execute(f"ATTACH '{dsn}' AS pg (TYPE postgres, READ_ONLY)")
        _duckdb.connection = connection
    return _duckdb.connection.execute(rollup_sql("duckdb"), parameters(county)).fetchall()


def bare_view(counts):
    def view(request, county):
        from django.http import HttpResponse
        from django.utils.html import escape

        rows = "".join(
            "<tr>" + "".join(f"<td>{escape(value)}</td>" for value in row) + "</tr>"
            for row in counts(county)
        )
        return HttpResponse(f"<!doctype html><title>roll-up</title><table>{rows}</table>")

    return view


def served():
    """The WSGI application: the two bare views under /bench/, the project everywhere else."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.test.utils import override_settings
    from django.urls import path

    from villagedesk.wsgi import application as project

    class Urls:
        urlpatterns = [
            path(SQL_PATH.lstrip("/") + "<str:county>/", bare_view(sql_counts)),
            path(DUCKDB_PATH.lstrip("/") + "<str:county>/", bare_view(duckdb_counts)),
        ]

    class BareHandler(WSGIHandler):
        def load_middleware(self, is_async=False):
            with override_settings(MIDDLEWARE=[]):
                super().load_middleware(is_async)

        def get_response(self, request):
            request.urlconf = Urls
            return super().get_response(request)

    bare = BareHandler()

    def application(environ, start_response):
        if environ.get("PATH_INFO", "").startswith("/bench/"):
            return bare(environ, start_response)
        return project(environ, start_response)

    return application


# Measuring.


@dataclass
class Timing:
    name: str
    target: str
    cookie: str = ""
    size: int = 0
    times: dict[int, list[float]] = field(default_factory=dict)
    failures: int = 0

    def percentile(self, connections: int, share: float) -> float:
        ranked = sorted(self.times[connections])
        return ranked[round(share * (len(ranked) - 1))]


def measured(host: str, timing: Timing, connections: int, seconds: float) -> None:
    """Requests over `connections` concurrent connections for `seconds`, after one warming."""
    first = pages.fetch(host, timing.target, timing.cookie)
    timing.size = len(first.body)
    times: list[float] = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def connection() -> None:
        while time.monotonic() < deadline:
            answer = pages.fetch(host, timing.target, timing.cookie)
            with lock:
                times.append(answer.seconds)
                timing.failures += answer.status != 200

    threads = [threading.Thread(target=connection) for _ in range(connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    timing.times[connections] = times


def milliseconds(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def stored_refreshed(county) -> dict:
    """Have the roll-up's figures of the county counted as the worker does, and time it."""
    from villagedesk.accounts.models import User
    from villagedesk.registry.changes import data_changed
    from villagedesk.reports import rollups
    from villagedesk.welfare.figures import figures_refresh
    from villagedesk.welfare.models import CountyFigures

    supervisor = User.objects.get(username="county")
    data_changed([county.prefix])  # counted afresh, whatever a previous run kept
    rollups.rollup(user=supervisor, area=county)  # asks for them
    key = f"rollup:{county.prefix}"
    started = time.monotonic()
    figures_refresh(key)
    refresh = time.monotonic() - started
    started = time.monotonic()
    rollups.gap_lines(county, rollups.timezone.localdate())
    gaps = time.monotonic() - started
    stored = rollups.rollup(user=supervisor, area=county)
    assert stored.stored is not None and stored.stored.up_to_date, "figures not stored"
    figures = CountyFigures.objects.get(key=key)
    return {"refresh": refresh, "gaps": gaps, "seconds": figures.seconds, "rollup": stored}


def figures_agree(stored, county: str) -> int:
    """The hand-written query's counts equal the stored ones for every village: how many."""
    by_code = {row.village.code: row.cells for row in stored.rows}
    rows = sql_counts(county)
    assert duckdb_counts(county) == rows, "DuckDB and PostgreSQL disagree"
    for code, _name, households, persons, visited, problems, monitored in rows:
        cells = by_code[code]
        assert (
            cells["households"].value,
            cells["persons"].value,
            cells["coverage"].value,
            cells["open_problems"].value,
            cells["monitored"].value,
        ) == (households, persons, visited, problems, monitored), code
    return len(rows)


def main() -> None:
    load_at_start = os.getloadavg()
    began = time.monotonic()
    pages.django_ready()
    pages.database_seeded()
    from villagedesk.areas.models import Area, Level
    from villagedesk.registry.models import Household, Person

    households, persons = Household.objects.count(), Person.objects.count()
    county = Area.objects.get(level=Level.COUNTY)
    refreshed = stored_refreshed(county)
    villages = figures_agree(refreshed["rollup"], county.prefix)
    pages.WORKERS = ARGS.workers
    env = pages.production_environment()
    pages.manage("collectstatic", "--noinput", "--verbosity", "0", env=env)
    server, host = pages.gunicorn_started(env, application="rollups:served()")
    try:
        cookie = pages.logged_in(host, "county")
        timings = [
            Timing("roll-up page (stored figures)", f"/rollups/{county.code}/", cookie),
            Timing("hand-written SQL in the request", f"{SQL_PATH}{county.prefix}/"),
            Timing("DuckDB over the database", f"{DUCKDB_PATH}{county.prefix}/"),
        ]
        for timing in timings:
            for connections in (1, CONCURRENCY):
                measured(host, timing, connections, ARGS.seconds)
                print(
                    f"  {timing.name}, {connections}: "
                    f"{milliseconds(timing.percentile(connections, 0.5))}",
                    file=sys.stderr,
                    flush=True,
                )
    finally:
        server.terminate()
        server.wait(timeout=30)
    load_at_end = os.getloadavg()
    name = urlsplit(pages.DATABASE_URL).path.lstrip("/")
    print(
        f"PostgreSQL {name}: {households:,} households, {persons:,} persons, {villages} "
        f"villages; gunicorn, {ARGS.workers} sync workers, DEBUG=false; {os.cpu_count()} CPUs"
    )
    print("load average at start: " + " ".join(f"{x:.2f}" for x in load_at_start))
    print()
    print(
        "| county roll-up | size | 1 conn p50 | 1 conn p99 "
        "| 20 conns p50 | 20 conns p99 | 20 conns req/s |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for t in timings:
        failed = f" — {t.failures} not 200" if t.failures else ""
        print(
            f"| {t.name}{failed} | {t.size / 1024:,.1f} KB "
            f"| {milliseconds(t.percentile(1, 0.5))} | {milliseconds(t.percentile(1, 0.99))} "
            f"| {milliseconds(t.percentile(CONCURRENCY, 0.5))} "
            f"| {milliseconds(t.percentile(CONCURRENCY, 0.99))} "
            f"| {len(t.times[CONCURRENCY]) / ARGS.seconds:,.1f} |"
        )
    print()
    print(
        f"The worker's refresh of the county's figures: {refreshed['seconds']:.1f} s; the "
        f"gap-report lines alone (every policy's rule over the county): {refreshed['gaps']:.1f} s."
    )
    print("load average at end: " + " ".join(f"{x:.2f}" for x in load_at_end))
    print(
        f"({ARGS.seconds:.0f} s at each concurrency; the figures of the query and of DuckDB "
        f"checked equal to the stored ones for every village. "
        f"{time.monotonic() - began:.0f} s in all.)"
    )
    if any(t.failures for t in timings):
        raise SystemExit("Some answers were not 200.")


if __name__ == "__main__":
    main()
