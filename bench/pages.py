"""How fast is every page of the menu over a 100,000-household county, served as in production?

Starts gunicorn (2 sync workers, DEBUG=false, the static files collected) on a seeded PostgreSQL
database, logs in as the county supervisor and as a resident cadre, and measures each page they
reach from the menu: its size, the median time at one connection, and the requests per second and
99th percentile at 50 concurrent connections. Beside them, in the same run, a baseline: a bare
Django view (no middleware, no session, no template inheritance) returning a 20-row table from the
same database. The machine may be loaded; the share of the baseline's requests per second is the
figure to compare between runs.

    .venv/bin/python bench/pages.py

BENCH_DATABASE_URL names the database (default postgres://postgres@127.0.0.1:5432/
vd_bench_pages_<households>); one that does not exist is created and seeded with
`manage.py seed_demo --households BENCH_HOUSEHOLDS` (100,000 by default). The bench logs in, so
the database gets sessions and login records: give it a copy, not a database others read.
Identity numbers are read with IDENTITY_KEYS and IDENTITY_HASH_KEY from the environment, or the
keys this checkout derives for development (those `manage.py seed_demo` seals with here).

Run as gunicorn's application (`pages:served()`), this module serves the baseline at
/bench/baseline/ and hands every other address to the project.
"""

import http.client
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
HOUSEHOLDS = int(os.environ.get("BENCH_HOUSEHOLDS", "100000"))
DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/vd_bench_pages_{HOUSEHOLDS}"
)
CACHE = Path(os.environ.get("BENCH_CACHE", Path(tempfile.gettempdir()) / "villagedesk-bench-pages"))
WORKERS = 2
BASELINE_PATH = "/bench/baseline/"

# One connection: this many requests (after one that warms the page up), or as many as fit; a
# page slower than SERIAL_SECONDS is timed once, by that first request.
SERIAL_REQUESTS = 20
SERIAL_SECONDS = 6
# Fifty connections: this many requests in all, none started after the time is up (each
# connection makes at least one, so a page answers at least 50).
CONCURRENCY = 50
CONCURRENT_REQUESTS = 200
CONCURRENT_SECONDS = 12
# A page whose 50 first answers would take longer than this (50 times its median at one
# connection, over the workers) is measured at one connection only.
CONCURRENT_LONGEST = 60
REQUEST_TIMEOUT = 60


# The baseline, served beside the project when gunicorn loads this module.


def served():
    """The WSGI application: the baseline at BASELINE_PATH, the project everywhere else."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.test.utils import override_settings
    from django.urls import path

    from villagedesk.wsgi import application as project

    class Urls:
        urlpatterns = [path(BASELINE_PATH.lstrip("/"), baseline_view)]

    class BareHandler(WSGIHandler):
        """Django's request handling with no middleware and only the baseline's address."""

        def load_middleware(self, is_async=False):
            with override_settings(MIDDLEWARE=[]):
                super().load_middleware(is_async)

        def get_response(self, request):
            request.urlconf = Urls
            return super().get_response(request)

    bare = BareHandler()

    def application(environ, start_response):
        if environ.get("PATH_INFO") == BASELINE_PATH:
            return bare(environ, start_response)
        return project(environ, start_response)

    return application


def baseline_view(request):
    """Twenty households of the registry in a table: a page with one query and no frame."""
    from django.http import HttpResponse
    from django.template import engines

    from villagedesk.registry.models import Household

    template = engines["django"].from_string(
        "<!doctype html><title>baseline</title><table>"
        "{% for h in rows %}<tr><td>{{ h.pk }}</td><td>{{ h.number }}</td>"
        "<td>{{ h.address }}</td><td>{{ h.status }}</td></tr>{% endfor %}</table>"
    )
    rows = Household.objects.order_by("pk")[:20]
    return HttpResponse(template.render({"rows": rows}))


# Preparing the database, the static files and the server.


def django_ready(*, database_url: str = DATABASE_URL, var_dir: Path | None = None) -> None:
    """This process's Django, on the bench database with the development settings' keys (those
    of `var_dir` when given; of VAR_DIR, or the checkout's var folder, otherwise)."""
    os.environ["DATABASE_URL"] = database_url
    default = os.environ.get("VAR_DIR", str(ROOT / "var"))
    os.environ["VAR_DIR"] = str(var_dir) if var_dir else default
    os.environ["DJANGO_SETTINGS_MODULE"] = "villagedesk.settings"
    for name in ("DEBUG", "SECRET_KEY", "SECRET_KEY_FILE"):
        os.environ.pop(name, None)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def database_seeded() -> None:
    """Create and seed the database when it does not exist yet."""
    import psycopg
    from django.db import connection
    from django.db.utils import OperationalError
    from psycopg import sql

    try:
        connection.ensure_connection()
    except OperationalError as error:
        if "does not exist" not in str(error):
            raise
        name = urlsplit(DATABASE_URL).path.lstrip("/")
        print(f"creating {name} and seeding {HOUSEHOLDS:,} households (once)…", flush=True)
        server = urlsplit(DATABASE_URL)._replace(path="/postgres").geturl()
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        manage("migrate", "--noinput")
        manage("seed_demo", "--households", str(HOUSEHOLDS), "--verbosity", "0")


def manage(*arguments: str, env: dict | None = None) -> None:
    subprocess.run(  # noqa: S603  (our own interpreter and manage.py)
        [sys.executable, "manage.py", *arguments], cwd=ROOT, env=env or os.environ, check=True
    )


def production_environment(
    *, database_url: str = DATABASE_URL, var_dir: Path = CACHE, static_root: str = ""
) -> dict[str, str]:
    """What production sets (settings.py, README): a given key, DEBUG off, the hosts, the
    database, and the identity keys the data was sealed with; the static files collected into
    `static_root` (the cache's `static` folder unless given)."""
    from django.conf import settings

    env = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DEBUG", "DJANGO_SETTINGS_MODULE", "SECRET_KEY_FILE"}
    }
    env.update(
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url,
        IDENTITY_KEYS=settings.IDENTITY_KEYS,
        IDENTITY_HASH_KEY=settings.IDENTITY_HASH_KEY,
        SECURE_COOKIES="false",  # plain HTTP on the loopback
        VAR_DIR=str(var_dir),
        STATIC_ROOT=static_root or str(var_dir / "static"),
        DJANGO_SETTINGS_MODULE="villagedesk.settings",
    )
    return env


def gunicorn_started(
    env: dict[str, str], application: str = "pages:served()"
) -> tuple[subprocess.Popen, str]:
    """gunicorn serving the application (a module of bench/ and its factory), on a free port."""
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        application,
        f"--pythonpath={ROOT / 'bench'},{ROOT}",
        "--bind=127.0.0.1:0",
        f"--workers={WORKERS}",
        "--worker-class=sync",
        f"--timeout={REQUEST_TIMEOUT}",
        "--graceful-timeout=5",
        "--no-control-socket",
    ]
    server = subprocess.Popen(  # noqa: S603  (our own interpreter and arguments)
        command, cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = server.stderr.readline()
        found = re.search(r"Listening at: http://(127\.0\.0\.1:\d+)", line)
        if found:
            threading.Thread(target=server.stderr.read, daemon=True).start()  # keep it drained
            return server, found.group(1)
        if not line and server.poll() is not None:
            break
    server.kill()
    raise SystemExit(f"gunicorn did not start: {server.stderr.read()}")


# The client: plain HTTP/1.1, one connection per request (sync workers close each one).


@dataclass
class Answer:
    status: int
    body: bytes
    seconds: float
    cookies: SimpleCookie


def fetch(host: str, target: str, cookie: str = "", body: str | None = None) -> Answer:
    """One request; a request that times out or loses its connection answers status 0."""
    headers = {"Cookie": cookie} if cookie else {}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers["Referer"] = f"http://{host}{target}"
    started = time.perf_counter()
    connection = http.client.HTTPConnection(host, timeout=REQUEST_TIMEOUT)
    try:
        connection.request("POST" if body is not None else "GET", target, body, headers)
        response = connection.getresponse()
        content = response.read()
    except OSError:
        return Answer(0, b"", time.perf_counter() - started, SimpleCookie())
    finally:
        connection.close()
    cookies = SimpleCookie()
    for value in response.headers.get_all("Set-Cookie") or []:
        cookies.load(value)
    return Answer(response.status, content, time.perf_counter() - started, cookies)


def logged_in(host: str, username: str) -> str:
    """The Cookie header of a session logged in through the login form."""
    from villagedesk.demo.services import DEMO_PASSWORD

    form = fetch(host, "/accounts/login/")
    csrf = form.cookies["csrftoken"].value
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', form.body).group(1).decode()
    answer = fetch(
        host,
        "/accounts/login/",
        f"csrftoken={csrf}",
        urlencode({"csrfmiddlewaretoken": token, "username": username, "password": DEMO_PASSWORD}),
    )
    if answer.status != 302 or "sessionid" not in answer.cookies:
        raise SystemExit(f"{username} could not log in (status {answer.status})")
    return f"csrftoken={csrf}; sessionid={answer.cookies['sessionid'].value}"


@dataclass
class Page:
    name: str
    target: str
    cookie: str = ""
    size: int = 0
    serial: list[float] = field(default_factory=list)
    concurrent: list[float] = field(default_factory=list)
    concurrent_seconds: float = 0.0
    failures: dict[int, int] = field(default_factory=dict)

    def count(self, answer: Answer) -> None:
        if answer.status != 200:
            self.failures[answer.status] = self.failures.get(answer.status, 0) + 1

    @property
    def per_second(self) -> float | None:
        return len(self.concurrent) / self.concurrent_seconds if self.concurrent else None

    @property
    def p50(self) -> float:
        return statistics.median(self.serial)

    @property
    def p99(self) -> float | None:
        ranked = sorted(self.concurrent)
        return ranked[round(0.99 * (len(ranked) - 1))] if ranked else None


def measured(host: str, page: Page) -> Page:
    first = fetch(host, page.target, page.cookie)
    page.count(first)
    page.size = len(first.body)
    if first.seconds > SERIAL_SECONDS:  # nothing to warm up that would matter: one sample
        page.serial.append(first.seconds)
    deadline = time.monotonic() + SERIAL_SECONDS
    while not page.serial or (len(page.serial) < SERIAL_REQUESTS and time.monotonic() < deadline):
        answer = fetch(host, page.target, page.cookie)
        page.count(answer)
        page.serial.append(answer.seconds)
    if CONCURRENCY * page.p50 / WORKERS > CONCURRENT_LONGEST:
        return page

    lock = threading.Lock()
    started = time.monotonic()
    deadline = started + CONCURRENT_SECONDS
    issued = 0

    def connection() -> None:
        nonlocal issued
        first = True
        while True:
            with lock:
                if issued >= CONCURRENT_REQUESTS or (not first and time.monotonic() > deadline):
                    return
                issued += 1
            first = False
            answer = fetch(host, page.target, page.cookie)
            with lock:
                page.count(answer)
                page.concurrent.append(answer.seconds)

    threads = [threading.Thread(target=connection) for _ in range(CONCURRENCY)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    page.concurrent_seconds = time.monotonic() - started
    return page


# What to measure.


def pages_of(county: str, cadre: str) -> list[Page]:
    from villagedesk.accounts.models import User
    from villagedesk.registry.models import Household, Person

    supervisor_area = User.objects.get(username="county").current_assignments()[0].area
    village = User.objects.get(username="cadre1").current_assignments()[0].area
    household = Household.objects.within([village.prefix]).order_by("pk").first()
    head = Person.objects.filter(household=household, relation="head").first()
    tail = head.id_number[-6:]
    menu = {
        "home": "/",
        "household list": "/registry/households/",
        "household page": f"/registry/households/{household.pk}/",
        "search by identity tail": "/registry/households/?" + urlencode({"q": tail}),
        "welfare gap report": "/welfare/gaps/",
        "welfare gap report, one village": f"/welfare/gaps/?area={village.code}",
        "poverty status": "/welfare/poverty/",
        "monitoring": "/welfare/monitoring/",
        "enrolments": "/welfare/enrolments/",
        "care list": "/welfare/care/left_behind_children/",
        "policies": "/welfare/",
        "visits": "/fieldwork/visits/",
        "problems": "/fieldwork/problems/",
        "coverage": "/fieldwork/coverage/",
        "attendance": "/fieldwork/attendance/",
        "directory": "/directory/",
        "organisations": "/directory/organisations/",
        "contact network": "/directory/network/",
        "village profile list": "/directory/profile/",
        "village profile, county": f"/directory/profile/{supervisor_area.code}/",
        "village profile, one village": f"/directory/profile/{village.code}/",
        "outside help": "/help/",
        "village decisions": "/decisions/",
        "village organisation": "/organisation/party/",
        "import": "/registry/imports/",
        "password": "/accounts/password/",
    }
    cadre_menu = {
        "home": "/",
        "household list": "/registry/households/",
        "household page": f"/registry/households/{household.pk}/",
        "welfare gap report": "/welfare/gaps/",
        "visits": "/fieldwork/visits/",
        "visit form": f"/fieldwork/visits/new/?household={household.pk}",
        "work diary": "/fieldwork/diary/",
        "problems": "/fieldwork/problems/",
        "coverage": "/fieldwork/coverage/",
        "village profile": f"/directory/profile/{village.code}/",
        "village decisions": "/decisions/",
        "village organisation": "/organisation/party/",
        "outside help": "/help/",
        "directory": "/directory/",
    }
    return [Page(f"county: {name}", target, county) for name, target in menu.items()] + [
        Page(f"cadre1: {name}", target, cadre) for name, target in cadre_menu.items()
    ]


def kilobytes(size: int) -> str:
    return f"{size / 1024:,.0f} KB" if size >= 10240 else f"{size / 1024:,.1f} KB"


def milliseconds(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def table(baseline: Page, pages: list[Page]) -> list[str]:
    lines = [
        "| page | size | 1 conn p50 | 50 conns req/s | 50 conns p99 | share of baseline |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for page in [baseline, *pages]:
        failed = ", ".join(
            f"{n}× {status or 'no answer'}" for status, n in sorted(page.failures.items())
        )
        name = f"{page.name} — answered {failed}" if failed else page.name
        if page.per_second is None:
            concurrent = "— | — | —"
        else:
            capped = len(page.concurrent) < CONCURRENT_REQUESTS
            concurrent = (
                f"{page.per_second:,.1f}{f' ({len(page.concurrent)})' if capped else ''} "
                f"| {milliseconds(page.p99)} | {page.per_second / baseline.per_second:.0%}"
            )
        lines.append(
            f"| {name} | {kilobytes(page.size)} | {milliseconds(page.p50)} | {concurrent} |"
        )
    return lines


def main() -> None:
    load_at_start = os.getloadavg()
    began = time.monotonic()
    django_ready()
    database_seeded()
    from villagedesk.registry.models import Household, Person

    households, persons = Household.objects.count(), Person.objects.count()
    env = production_environment()
    manage("collectstatic", "--noinput", "--verbosity", "0", env=env)
    server, host = gunicorn_started(env)
    try:
        county, cadre = logged_in(host, "county"), logged_in(host, "cadre1")
        pages = pages_of(county, cadre)
        baseline = measured(host, Page("baseline: bare Django view, 20-row table", BASELINE_PATH))
        for page in pages:
            measured(host, page)
            print(f"  {page.name}: {milliseconds(page.p50)}", file=sys.stderr, flush=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    load_at_end = os.getloadavg()
    name = urlsplit(DATABASE_URL).path.lstrip("/")
    print(
        f"PostgreSQL {name}: {households:,} households, {persons:,} persons; gunicorn, "
        f"{WORKERS} sync workers, DEBUG=false; {os.cpu_count()} CPUs"
    )
    print("load average at start: " + " ".join(f"{x:.2f}" for x in load_at_start))
    print()
    print("\n".join(table(baseline, pages)))
    print()
    print("load average at end: " + " ".join(f"{x:.2f}" for x in load_at_end))
    print(
        f"({SERIAL_REQUESTS} requests at 1 connection and {CONCURRENT_REQUESTS} at {CONCURRENCY}, "
        f"or what fits in {SERIAL_SECONDS} s and {CONCURRENT_SECONDS} s: a count in brackets "
        f"says how many; — when 50 answers would take over {CONCURRENT_LONGEST} s. Share of "
        f"baseline: the page's requests per second at 50 connections over the baseline's. "
        f"{time.monotonic() - began:.0f} s in all.)"
    )
    if any(page.failures for page in [baseline, *pages]):
        raise SystemExit("Some pages did not answer 200.")


if __name__ == "__main__":
    main()
