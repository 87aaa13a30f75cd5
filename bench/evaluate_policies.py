# The SQL is built from our own constants, the child process is this script, the cache is ours:
# ruff: noqa: S608, S603, S108
"""How fast are compiled policy rules, against hand-written SQL doing the same selection?

Seeds the 100,000-household demo county with its welfare data, then for every shipped policy
times the compiled query (the ORM, as the gap report runs it) and a hand-written SQL query in the
same run, checks that both select the same rows, and prints the ratio. SQLite in a cache directory
(reused on later runs; BENCH_SQLITE=0 skips it), then PostgreSQL: in the database
BENCH_DATABASE_URL names, migrated and, when it holds fewer households, seeded (a seeded demo
database serves as it is, and is kept), or else in a database created for the run on the server
BENCH_PG_URL names and dropped after it (set BENCH_PG_URL empty to skip PostgreSQL). Each timing is
the median of 5 runs after a warm-up, the compiled and the hand-written query taking turns.

Then, for every policy with enrolments, the gap report's "enrolled, not eligible" list
(`AreaRules.outside`), timed against the same subtraction written by hand, which it must
agree with and keep within the same ratio of.

Last, the gap report pages themselves, for the county (its roll-up) and for one village (its
lists), as the demo's county supervisor and village cadre open them: the queries each page runs
are captured from one request and timed again one by one, beside the whole request. The policies
are BENCH_GAP_POLICIES (codes, comma-separated), or every one with enrolments.
"""

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOUSEHOLDS = int(os.environ.get("BENCH_HOUSEHOLDS", "100000"))
VILLAGES = int(os.environ.get("BENCH_VILLAGES", "200"))
CACHE = Path(os.environ.get("BENCH_WELFARE_CACHE", f"/tmp/villagedesk-bench-welfare-{HOUSEHOLDS}"))
PG_SERVER = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
PG_DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "")
SQLITE = os.environ.get("BENCH_SQLITE", "1") != "0"
GAP_POLICIES = [c for c in os.environ.get("BENCH_GAP_POLICIES", "").split(",") if c]
RUNS = 5
LIMIT = 1.5


def hand_written(*, day, prefix, parameters) -> dict[str, tuple[str, list]]:
    """The same selections as the shipped rules, written by hand in portable SQL."""
    from villagedesk.welfare.catalogue import STILL_AT_SCHOOL, VOCATIONAL
    from villagedesk.welfare.rules import years_before
    from villagedesk.welfare.rules.dates import IncomeWindow

    def cut(years):
        return years_before(day, years).isoformat()

    def param(name):
        # Most specific area first, as the rules resolve parameters.
        rows = sorted(parameters[name], key=lambda pv: -len(pv[0]))
        default = next(v for p, v in rows if prefix.startswith(p))
        whens = " ".join(
            f"WHEN h.area_code LIKE '{p}%' THEN {float(v)}"
            for p, v in rows
            if p.startswith(prefix) and p != prefix
        )
        return f"(CASE {whens} ELSE {float(default)} END)" if whens else str(float(default))

    def in_list(values):
        return "(" + ", ".join(f"'{v}'" for v in values) + ")"

    # Income over the 12 months before the day: each calendar year's lines weighted by the
    # window's days in that year, over the days of the years that have lines. Social assistance
    # leaves out the 2021 excluded kinds (民发〔2021〕57号), the central base pension too in
    # lines of 2021–2025.
    days = IncomeWindow(day).days
    weight = (
        "(CASE " + " ".join(f"WHEN year = {year} THEN {n}" for year, n in days.items()) + " END)"
    )
    recorded = " + ".join(
        f"MAX(CASE WHEN year = {year} THEN {n} ELSE 0 END)" for year, n in days.items()
    )
    left_out = in_list(
        [
            "transfer_special_care",
            "transfer_family_planning",
            "transfer_award",
            "transfer_dibao",
            "transfer_tekun",
            "transfer_assistance",
        ]
    )
    income = (
        "inc AS (SELECT household_id, SUM((CASE WHEN kind = 'production_cost' THEN -amount "
        f"ELSE amount END) * {weight}) AS net, "
        f"SUM((CASE WHEN kind IN {left_out} OR (kind = 'transfer_base_pension' AND year "
        "BETWEEN 2021 AND 2025) THEN 0 WHEN kind = 'production_cost' THEN -amount "
        f"ELSE amount END) * {weight}) AS assist, {recorded} AS days "
        f"FROM welfare_incomeline WHERE year IN ({', '.join(map(str, days))}) "
        "GROUP BY household_id), "
        "sz AS (SELECT household_id, COUNT(*) AS n FROM registry_person GROUP BY household_id)"
    )
    pc = "CAST(inc.net AS DOUBLE PRECISION) / (inc.days * sz.n)"
    pc_sa = "CAST(inc.assist AS DOUBLE PRECISION) / (inc.days * sz.n)"

    def households(where, *, uses_income=False):
        """Households of the area; the income and size aggregates joined only when needed."""
        if not uses_income:
            return (
                "SELECT h.id FROM registry_household h "
                f"WHERE h.area_code LIKE '{prefix}%' AND {where}"
            )
        return (
            f"WITH {income} SELECT h.id FROM registry_household h "
            "LEFT JOIN inc ON inc.household_id = h.id LEFT JOIN sz ON sz.household_id = h.id "
            f"WHERE h.area_code LIKE '{prefix}%' AND {where}"
        )

    def persons(where, *, uses_income=False):
        needs_household = uses_income or "h." in where
        join = "JOIN registry_household h ON h.id = p.household_id " if needs_household else ""
        if not uses_income:
            return (
                f"SELECT p.id FROM registry_person p {join}"
                f"WHERE p.area_code LIKE '{prefix}%' AND {where}"
            )
        return (
            f"WITH {income} SELECT p.id FROM registry_person p {join}"
            "LEFT JOIN inc ON inc.household_id = p.household_id "
            "LEFT JOIN sz ON sz.household_id = p.household_id "
            f"WHERE p.area_code LIKE '{prefix}%' AND {where}"
        )

    def member(condition, of="h.id"):
        return (
            f"EXISTS (SELECT 1 FROM registry_person m WHERE m.household_id = {of} AND {condition})"
        )

    able, working = in_list(["ordinary", "skilled"]), in_list(["ordinary", "skilled", "weak"])
    away_codes = in_list(["in_county", "in_province", "out_of_province"])
    mental = in_list(["intellectual", "mental"])

    def working_away(x):
        return f"{x}.migrant_work IN {away_codes}"

    def away(x):
        return f"({working_away(x)} AND {x}.migrant_months >= 6)"

    def severe(x):
        return (
            f"({x}.disability_grade <= 2 OR ({x}.disability_grade = 3 "
            f"AND {x}.disability_category IN {mental}))"
        )

    def flagged(condition):
        """CASE WHEN: a condition whose unknown reads as false, as the rules' flags do."""
        return f"(CASE WHEN {condition} THEN 1 ELSE 0 END) = 1"

    def running(code, column):
        return (
            f"(SELECT e.{column} FROM welfare_enrolment e JOIN welfare_policy pol "
            f"ON pol.id = e.policy_id WHERE pol.code = '{code}' AND e.starts_on <= '{day}' "
            f"AND (e.ends_on IS NULL OR e.ends_on >= '{day}'))"
        )

    dibao_households, tekun_persons = (
        running("dibao", "household_id"),
        running("tekun", "person_id"),
    )
    dibao = param("dibao_standard")
    property_ok = (
        "NOT h.owns_vehicle AND NOT h.owns_business AND NOT h.public_payroll AND NOT h.town_housing"
    )
    still_at_school = in_list(STILL_AT_SCHOOL)
    disposable = (
        f" OR ((r.birth_date <= '{cut(70)}' OR {severe('r')}) AND r.annual_income < "
        f"{param('disposable_income_last_year')})"
        if parameters.get("disposable_income_last_year")
        else ""
    )
    able_here = (
        "EXISTS (SELECT 1 FROM registry_person s WHERE s.household_id = p.household_id AND "
        "(s.id = p.spouse_id OR s.id = p.father_id OR s.id = p.mother_id OR "
        f"((s.father_id = p.id OR s.mother_id = p.id) AND s.birth_date <= '{cut(18)}')) AND NOT "
        + flagged(
            f"(s.id IN {tekun_persons} OR (s.household_id IN {dibao_households} AND "
            f"s.birth_date <= '{cut(60)}') OR s.birth_date <= '{cut(70)}' OR {severe('s')})"
        )
        + ")"
    )
    able_outside = (
        "EXISTS (SELECT 1 FROM registry_supporter r WHERE r.supported_id = p.id AND NOT "
        + flagged(
            f"(r.is_tekun OR (r.is_dibao AND r.birth_date <= '{cut(60)}') OR "
            f"(r.relation = 'child' AND r.birth_date > '{cut(18)}'){disposable})"
        )
        + ")"
    )
    children_at_home = (
        "EXISTS (SELECT 1 FROM registry_person c WHERE (c.father_id = p.id OR c.mother_id = p.id) "
        f"AND c.birth_date <= '{cut(16)}' AND c.schooling = '' AND NOT "
        + flagged(f"({severe('c')} OR {away('c')})")
        + ")"
    )
    outside_at_home = (
        "EXISTS (SELECT 1 FROM registry_supporter r WHERE r.supported_id = p.id AND "
        "r.relation IN ('child', 'other_legal') AND "
        f"(r.birth_date IS NULL OR r.birth_date <= '{cut(16)}') AND NOT "
        + flagged(f"(NOT r.lives_in_area OR r.migrant_work IN {away_codes} OR {severe('r')})")
        + ")"
    )
    children_away = (
        "EXISTS (SELECT 1 FROM registry_person c WHERE (c.father_id = p.id OR c.mother_id = p.id) "
        f"AND {away('c')})"
    )
    outside_away = (
        "EXISTS (SELECT 1 FROM registry_supporter r WHERE r.supported_id = p.id AND "
        "r.relation IN ('child', 'other_legal') AND "
        f"(NOT r.lives_in_area OR r.migrant_work IN {away_codes}))"
    )

    def cannot_guard(x):
        return f"({x}.id IS NULL OR {working_away(x)} OR {severe(x)} OR {x}.serious_illness)"

    def with_links(where):
        return (
            "SELECT p.id FROM registry_person p "
            "LEFT JOIN registry_person fa ON fa.id = p.father_id "
            "LEFT JOIN registry_person mo ON mo.id = p.mother_id "
            "LEFT JOIN registry_person sp ON sp.id = p.spouse_id "
            f"WHERE p.area_code LIKE '{prefix}%' AND {where}"
        )

    return {
        "dibao": households(f"{pc_sa} < {dibao} AND {property_ok}", uses_income=True),
        "dibao_marginal": households(
            f"{pc_sa} >= {dibao} AND {pc_sa} < {dibao} * {param('dibao_marginal_multiple')} "
            f"AND {property_ok}",
            uses_income=True,
        ),
        "tekun": persons(
            f"(p.birth_date <= '{cut(60)}' OR p.birth_date > '{cut(16)}' "
            f"OR (p.disability_category IN {mental} AND p.disability_grade <= 3) "
            "OR (p.disability_category = 'physical' AND p.disability_grade <= 2) "
            "OR (p.disability_category = 'visual' AND p.disability_grade = 1) "
            f"OR (p.id IN {tekun_persons} AND (p.birth_date > '{cut(18)}' "
            f"OR p.schooling IN {still_at_school})))"
            f" AND {pc_sa} < {dibao} AND {property_ok} AND NOT {able_here} AND NOT {able_outside}",
            uses_income=True,
        ),
        "disability_living": persons(
            f"p.disability_category <> '' AND (p.household_id IN {dibao_households} "
            f"OR {pc_sa} < {dibao})",
            uses_income=True,
        ),
        "disability_nursing": persons(
            "(p.disability_grade <= 2 OR (p.disability_grade = 3 AND "
            "p.disability_category IN ('intellectual', 'mental')))"
        ),
        "school_nutrition": persons("p.schooling IN ('primary', 'grade_7', 'grade_8', 'grade_9')"),
        "yulu": persons(
            f"p.schooling IN {in_list(VOCATIONAL)} AND h.status IN ('poor', 'exited', 'monitored')"
        ),
        "medical_premium_aid": persons(
            f"(h.status IN ('poor', 'monitored') OR p.household_id IN {dibao_households} "
            f"OR p.id IN {tekun_persons} OR {pc_sa} < {dibao})",
            uses_income=True,
        ),
        "housing_renovation": households(
            "h.housing_safety = 'unsafe' AND "
            f"(h.status IN ('poor', 'exited', 'monitored') OR {pc_sa} < {dibao})",
            uses_income=True,
        ),
        "welfare_job": households(
            f"h.status IN ('exited', 'monitored') AND {pc} < {param('monitoring_threshold')} AND "
            + member(
                f"m.birth_date <= '{cut(16)}' AND m.birth_date > '{cut(65)}' "
                f"AND m.labour IN {working} AND m.migrant_work = ''"
            )
            + " AND NOT "
            + member(
                f"m.birth_date <= '{cut(16)}' AND m.birth_date > '{cut(65)}' "
                "AND m.labour = '' AND m.migrant_work = ''"
            ),
            uses_income=True,
        ),
        "micro_credit": households(
            "h.status IN ('exited', 'monitored') AND "
            + member(
                f"m.birth_date <= '{cut(18)}' AND m.birth_date > '{cut(66)}' AND m.labour IN {able}"
            )
            + " AND NOT "
            + member(
                f"m.birth_date <= '{cut(18)}' AND m.birth_date > '{cut(66)}' AND m.labour = ''"
            )
        ),
        "left_behind_children": with_links(
            f"p.birth_date > '{cut(16)}' AND (({working_away('fa')} AND {cannot_guard('mo')}) "
            f"OR ({working_away('mo')} AND {cannot_guard('fa')}))"
        ),
        "left_behind_elderly": persons(
            f"p.birth_date <= '{cut(60)}' AND NOT p.migrant_work IN {away_codes} "
            f"AND ({children_away} OR {outside_away}) "
            f"AND NOT {children_at_home} AND NOT {outside_at_home}"
        ),
        "left_behind_women": with_links(
            f"p.sex = 'female' AND NOT p.migrant_work IN {away_codes} AND {away('sp')}"
        ),
        "disabled_persons": persons("p.disability_category <> ''"),
        "ill_persons": persons("(p.serious_illness OR p.chronic_illness)"),
        "disaster_accident": persons(
            "EXISTS (SELECT 1 FROM welfare_monitoredhousehold c WHERE c.household_id = "
            f"p.household_id AND c.year <= {day.year} AND (c.risk_eliminated_on IS NULL OR "
            f"c.risk_eliminated_on >= '{day.year}-01-01') AND (CAST(c.risk_types AS TEXT) LIKE "
            "'%\"disaster\"%' OR CAST(c.risk_types AS TEXT) LIKE '%\"accident\"%'))"
        ),
    }


def hand_outside(*, day, prefix, code, person, selection) -> str:
    """The "enrolled, not eligible" list by hand: the area's rows enrolled on the day, less the
    rule's selection."""
    table, key = (
        ("registry_person", "person_id") if person else ("registry_household", "household_id")
    )
    return (
        f"SELECT x.id FROM {table} x WHERE x.area_code LIKE '{prefix}%' AND x.id IN "
        f"(SELECT e.{key} FROM welfare_enrolment e JOIN welfare_policy pol ON pol.id = e.policy_id "
        f"WHERE pol.code = '{code}' AND e.starts_on <= '{day}' "
        f"AND (e.ends_on IS NULL OR e.ends_on >= '{day}')) "
        f"EXCEPT SELECT s.id FROM ({selection}) s"
    )


def timed(*runs) -> list[tuple[float, object]]:
    """Each run's median time (ms) and result, after a warm-up; the runs take turns in each
    round, so that a change of load on a shared machine weighs on all of them alike."""
    for run in runs:
        run()  # warm
    times, rows = [[] for _ in runs], [None] * len(runs)
    for _ in range(RUNS):
        for i, run in enumerate(runs):
            started = time.perf_counter()
            rows[i] = run()
            times[i].append(time.perf_counter() - started)
    return [(statistics.median(t) * 1000, r) for t, r in zip(times, rows, strict=True)]


def measure() -> None:
    """Runs inside a process whose settings point at the database to measure."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "villagedesk.settings")
    import django

    django.setup()
    import datetime
    from collections import defaultdict

    from django.core.management import call_command
    from django.db import connection

    from villagedesk.areas.models import Area
    from villagedesk.demo.services import COUNTY
    from villagedesk.registry.models import Household
    from villagedesk.welfare.codes import BenefitUnit, GapKind, PolicyCategory
    from villagedesk.welfare.demo import welfare_demo_create
    from villagedesk.welfare.models import IncomeLine, MonitoredHousehold, Parameter, Policy
    from villagedesk.welfare.selectors import gap_querysets, policy_compiled
    from villagedesk.welfare.services import catalogue_load

    day = datetime.date(2025, 12, 31)
    call_command("migrate", verbosity=0)
    if Household.objects.count() < HOUSEHOLDS:
        print(f"seeding {HOUSEHOLDS:,} households into {connection.vendor} (once)…", flush=True)
        call_command(
            "seed_demo",
            "--households",
            str(HOUSEHOLDS),
            "--villages",
            str(VILLAGES),
            "--seed",
            "1",
            "--registry-only",
            verbosity=0,
        )
    county = Area.objects.get(code=COUNTY[0])
    if not IncomeLine.objects.filter(year=day.year).exists():
        print("adding welfare data (once)…", flush=True)
        welfare_demo_create(county=county, day=day, seed=1)
    elif not MonitoredHousehold.objects.filter(year=day.year).exists():
        # A cache seeded before the demo drew monitoring cases gets them now.
        import random

        from villagedesk.welfare.demo import monitoring_cases_create

        monitoring_cases_create(county=county, day=day, rng=random.Random(1))  # noqa: S311
    catalogue_load()  # a cache seeded before a policy was shipped gets it now
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    parameters = defaultdict(list)
    for p in Parameter.objects.filter(year=day.year):
        parameters[p.name].append((p.area_prefix, p.value))
    sql = hand_written(day=day, prefix=county.prefix, parameters=parameters)

    print(
        f"{connection.vendor}: {Household.objects.count():,} households, "
        f"{IncomeLine.objects.count():,} income lines"
    )
    # Both queries run through the same cursor and fetch; the compiled rule's SQL is what the ORM
    # builds from it (the build, in Python, is timed on its own: "ORM ms").
    print(
        f"{'policy':22} {'rows':>7} {'compiled ms':>12} {'hand SQL ms':>12} {'ratio':>6} "
        f"{'ORM ms':>7}"
    )

    def fetch(query, params=None):
        with connection.cursor() as cursor:
            cursor.execute(query, params)
            return {row[0] for row in cursor.fetchall()}

    total_compiled = total_hand = 0.0
    worst = 0.0
    for policy in Policy.objects.order_by("category", "code"):
        compiled = policy_compiled(policy=policy, area=county, day=day)

        def build(compiled=compiled):
            query = compiled.queryset().order_by().values_list("pk", flat=True).query
            return query.sql_with_params()

        [(orm_ms, (compiled_sql, compiled_params))] = timed(build)
        (compiled_ms, compiled_rows), (hand_ms, hand_rows) = timed(
            lambda q=compiled_sql, p=compiled_params: fetch(q, p),
            lambda q=sql[policy.code]: fetch(q),
        )
        if compiled_rows != hand_rows:
            raise SystemExit(
                f"{policy.code}: compiled and hand-written SQL disagree "
                f"({len(compiled_rows)} vs {len(hand_rows)} rows)"
            )
        ratio = compiled_ms / hand_ms
        worst = max(worst, ratio)
        total_compiled += compiled_ms
        total_hand += hand_ms
        print(
            f"{policy.code:22} {len(compiled_rows):7,} {compiled_ms:12.1f} {hand_ms:12.1f} "
            f"{ratio:6.2f} {orm_ms:7.1f}"
        )
    total = total_compiled / total_hand
    print(f"{'all policies':22} {'':7} {total_compiled:12.1f} {total_hand:12.1f} {total:6.2f}")
    verdict = "within" if worst <= LIMIT else "OVER"
    print(
        f"compiled rules are {total:.2f}× hand-written SQL overall; worst single policy "
        f"{worst:.2f}× ({verdict} {LIMIT}×)",
        flush=True,
    )

    # Enrolled, not eligible, as the gap report reads it (care lists have no enrolments).
    print(
        f"{'enrolled, not eligible':22} {'rows':>7} {'compiled ms':>12} {'hand SQL ms':>12} "
        f"{'ratio':>6}"
    )
    outside_worst = 0.0
    for policy in Policy.objects.exclude(category=PolicyCategory.CARE).order_by("category", "code"):
        compiled = policy_compiled(policy=policy, area=county, day=day)
        listed = gap_querysets(compiled=compiled, policy=policy, day=day)[
            GapKind.ENROLLED_NOT_ELIGIBLE
        ]
        query, params = listed.order_by().values_list("pk", flat=True).query.sql_with_params()
        hand = hand_outside(
            day=day,
            prefix=county.prefix,
            code=policy.code,
            person=policy.benefit_unit == BenefitUnit.PERSON,
            selection=sql[policy.code],
        )
        (compiled_ms, compiled_rows), (hand_ms, hand_rows) = timed(
            lambda q=query, p=params: fetch(q, p), lambda q=hand: fetch(q)
        )
        if compiled_rows != hand_rows:
            raise SystemExit(
                f"{policy.code}, enrolled not eligible: compiled and hand-written SQL disagree "
                f"({len(compiled_rows)} vs {len(hand_rows)} rows)"
            )
        ratio = compiled_ms / hand_ms
        outside_worst = max(outside_worst, ratio)
        print(
            f"{policy.code:22} {len(compiled_rows):7,} {compiled_ms:12.1f} {hand_ms:12.1f} "
            f"{ratio:6.2f}",
            flush=True,
        )
    verdict = "within" if outside_worst <= LIMIT else "OVER"
    print(
        f"enrolled, not eligible (outside): worst {outside_worst:.2f}× hand-written "
        f"SQL ({verdict} {LIMIT}×)",
        flush=True,
    )
    gap_pages(county=county, day=day)
    if worst > LIMIT or outside_worst > LIMIT:
        raise SystemExit(1)


def gap_pages(*, county, day) -> None:
    """Each gap report page as its users open it: the county's roll-up (the demo county
    supervisor) and one village's lists (the demo cadre of the first village). The queries of
    one request are captured, then timed again one by one (their sum, and the slowest), beside
    the whole request (rendering included)."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from villagedesk.accounts.models import User
    from villagedesk.welfare.codes import PolicyCategory
    from villagedesk.welfare.models import Policy

    supervisor = User.objects.get(username="county")
    cadre = User.objects.get(username="cadre1")
    village = cadre.current_assignments()[0].area
    policies = Policy.objects.exclude(category=PolicyCategory.CARE).order_by("category", "code")
    if GAP_POLICIES:
        policies = policies.filter(code__in=GAP_POLICIES)
    print(
        f"{'gap report page':30} {'queries':>7} {'request ms':>11} {'SQL ms':>9} "
        f"{'slowest ms':>11}",
        flush=True,
    )

    def statements(captured) -> list[str]:
        reads = ("SELECT", "WITH", "(SELECT")
        return [q["sql"] for q in captured if q["sql"].lstrip().upper().startswith(reads)]

    def run_all(sqls) -> list[float]:
        each = []
        for sql in sqls:
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(sql)
                cursor.fetchall()
            each.append((time.perf_counter() - started) * 1000)
        return each

    # Pages name their static files; without DEBUG the default storage reads a manifest that
    # only `collectstatic` writes.
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    pages = override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain})
    pages.enable()
    for policy in policies:
        for label, user, area in (("county", supervisor, county), ("village", cadre, village)):
            client = Client(HTTP_HOST="localhost")
            client.force_login(user)
            url = f"/welfare/gaps/?policy={policy.code}&area={area.code}&year={day.year}"
            with CaptureQueriesContext(connection) as captured:
                response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"{url}: {response.status_code}")
            count, sqls = len(captured.captured_queries), statements(captured.captured_queries)
            (request_ms, _), (sql_ms, each) = timed(
                lambda url=url, client=client: client.get(url),
                lambda sqls=sqls: run_all(sqls),
            )
            # `timed` keeps the median of the sums; the slowest query is read from the last run.
            print(
                f"{policy.code + ' ' + label:30} {count:7} "
                f"{request_ms:11.1f} {sql_ms:9.1f} {max(each):11.1f}",
                flush=True,
            )


def run_child(env: dict) -> int:
    return subprocess.call([sys.executable, __file__, "--measure"], env=env, cwd=ROOT)


def main() -> None:
    base = {**os.environ, "VAR_DIR": str(CACHE), "DJANGO_SETTINGS_MODULE": "villagedesk.settings"}
    base.pop("DATABASE_URL", None)
    CACHE.mkdir(parents=True, exist_ok=True)
    failed = 0
    if SQLITE:
        print("== SQLite", flush=True)
        failed = run_child(base)
    if PG_DATABASE_URL:
        print(f"== PostgreSQL (database {PG_DATABASE_URL.rsplit('/', 1)[1]}, kept)", flush=True)
        failed |= run_child({**base, "DATABASE_URL": PG_DATABASE_URL})
    elif PG_SERVER:
        import psycopg

        name = f"vd_bench_{os.getpid()}"
        print(f"== PostgreSQL (database {name}, for this run)", flush=True)
        try:
            with psycopg.connect(PG_SERVER, autocommit=True) as admin:
                admin.execute(f"CREATE DATABASE {name}")
        except psycopg.OperationalError as error:
            print(f"PostgreSQL not reachable at BENCH_PG_URL, skipped: {error}", flush=True)
            sys.exit(failed)
        try:
            failed |= run_child({**base, "DATABASE_URL": PG_SERVER.rsplit("/", 1)[0] + "/" + name})
        finally:
            with psycopg.connect(PG_SERVER, autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {name}")
    sys.exit(failed)


if __name__ == "__main__":
    if "--measure" in sys.argv:
        measure()
    else:
        main()
