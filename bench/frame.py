"""What does the frame of a page cost, in CPU, before the page's own work?

Every logged-in page pays for the same frame: the middleware, the session, the user and their
assignments, the context processors, base.html with its menu, gzip. This bench calls the WSGI
application in this process, as gunicorn's worker would (DEBUG=false, the static files collected
into a temporary STATIC_ROOT, a browser's Accept-Encoding and cookies), and measures the CPU time
(`time.process_time`, robust to a loaded machine) of each request (Django's test client only
logs in: it would skip the CSRF check and record every template rendered) to:

- the baseline of bench/pages.py: a bare Django view, no middleware, a 20-row table;
- two pages of the bench through all the middleware, logged in as a resident cadre and as the
  county supervisor: one that answers a few bytes (the middleware, the session, the user), and
  base.html rendered with its blocks empty (the frame: also its context processors and menu);
- the password page, the lightest page of the menu, and the household list, as the same two.

It prints the median CPU and wall time of REQUESTS requests to each (after WARM_UP), and with
`--profile` the functions the password page and the household list spend it in (cProfile, by
cumulative time and by own time).

    .venv/bin/python bench/frame.py [--profile] [--requests 300]

BENCH_DATABASE_URL names the database (by default an SQLite file in BENCH_CACHE, a temporary
folder); one without areas is migrated and seeded with `manage.py seed_demo` (the demo county of
`make run`). On PostgreSQL the database's own CPU is not counted, only this process's: give it a
copy others do not read, e.g. BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/vd_bench_frame
after `createdb`. The bench logs in, so the database gets sessions and login records.
"""

import argparse
import cProfile
import io
import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from http.cookies import SimpleCookie
from pathlib import Path

from pages import BASELINE_PATH, django_ready, manage, production_environment, served

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("BENCH_CACHE", Path(tempfile.gettempdir()) / "villagedesk-bench-frame"))
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{CACHE / 'villagedesk.sqlite3'}")
REQUESTS = 300
WARM_UP = 20
PROFILE_LINES = 25
# What a browser sends with every request.
BROWSER_HEADERS = {
    "HTTP_ACCEPT": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "HTTP_ACCEPT_ENCODING": "gzip, deflate, br",
    "HTTP_ACCEPT_LANGUAGE": "zh-CN,zh;q=0.9,en;q=0.8",
    "HTTP_USER_AGENT": "Mozilla/5.0 (Linux; Android 13) Chrome/120.0 Mobile Safari/537.36",
}


# The parent process: the database seeded and the static files collected, with the development
# settings; then this module again, as production runs.


def prepared(static_root: str) -> dict[str, str]:
    """The production environment of a seeded database, its static files collected into
    `static_root`."""
    django_ready(database_url=DATABASE_URL, var_dir=CACHE)
    from villagedesk.areas.models import Area

    manage("migrate", "--noinput", "--verbosity", "0")
    if not Area.objects.exists():
        print("seeding the demo county (once)…", flush=True)
        manage("seed_demo", "--verbosity", "0")
    env = production_environment(database_url=DATABASE_URL, var_dir=CACHE, static_root=static_root)
    manage("collectstatic", "--noinput", "--verbosity", "0", env=env)
    return env


# The child process: the application called as a WSGI server calls it.

# Two pages of the bench beside the project's, through all of its middleware: one that answers a
# few bytes (the middleware, the session and the user), and base.html with its blocks empty (that
# and the frame's template and context processors).
MIDDLEWARE_PATH = "/bench/middleware/"
FRAME_PATH = "/bench/frame/"


def middleware_view(request):
    from django.http import HttpResponse

    return HttpResponse(f"<!doctype html><title>{request.user.pk}</title>")


def frame_view(request):
    from django.shortcuts import render

    return render(request, "base.html")


def application_with_bench_pages():
    """bench/pages.py's application, with the project also answering the two pages above."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.urls import path

    from villagedesk import urls as project_urls

    class Urls:
        urlpatterns = [
            path(MIDDLEWARE_PATH.lstrip("/"), middleware_view),
            path(FRAME_PATH.lstrip("/"), frame_view),
            *project_urls.urlpatterns,
        ]

    class Handler(WSGIHandler):
        def get_response(self, request):
            request.urlconf = Urls
            return super().get_response(request)

    project, served_application = Handler(), served()

    def application(environ, start_response):
        if environ.get("PATH_INFO") in {MIDDLEWARE_PATH, FRAME_PATH}:
            return project(environ, start_response)
        return served_application(environ, start_response)

    return application


class Visitor:
    """A browser of one user: its cookies kept from answer to answer."""

    def __init__(self, application, username: str = ""):
        self.application = application
        self.cookies: dict[str, str] = {}
        if username:
            self.log_in(username)

    def log_in(self, username: str) -> None:
        from django.test import Client

        from villagedesk.demo.services import DEMO_PASSWORD

        client = Client()
        if not client.login(username=username, password=DEMO_PASSWORD):
            raise SystemExit(f"{username} could not log in")
        self.cookies = {name: morsel.value for name, morsel in client.cookies.items()}

    def get(self, path: str) -> tuple[int, int]:
        """The status and the size of the body as sent."""
        path, _, query = path.partition("?")
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SCRIPT_NAME": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "HTTP_HOST": "127.0.0.1",
            "REMOTE_ADDR": "127.0.0.1",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
            **BROWSER_HEADERS,
        }
        if self.cookies:
            environ["HTTP_COOKIE"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        answer: dict = {}

        def start_response(status, headers, exc_info=None):
            answer["status"] = int(status.split()[0])
            answer["headers"] = headers

        body = b"".join(self.application(environ, start_response))
        for name, value in answer["headers"]:
            if name.lower() == "set-cookie":
                cookie = SimpleCookie(value)
                for key, morsel in cookie.items():
                    self.cookies[key] = morsel.value
        return answer["status"], len(body)


def timed(visitor: Visitor, path: str, requests: int) -> tuple[float, float, int]:
    """The median CPU and wall seconds of a request, and the size of the last answer."""
    for _ in range(WARM_UP):
        status, size = visitor.get(path)
        if status != 200:
            raise SystemExit(f"{path} answered {status}")
    cpu, wall = [], []
    for _ in range(requests):
        started_cpu, started_wall = time.process_time(), time.perf_counter()
        visitor.get(path)
        cpu.append(time.process_time() - started_cpu)
        wall.append(time.perf_counter() - started_wall)
    return statistics.median(cpu), statistics.median(wall), size


def profiled(visitor: Visitor, path: str, requests: int) -> str:
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(requests):
        visitor.get(path)
    profile.disable()
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out).strip_dirs()
    for order in ("cumulative", "tottime"):
        out.write(f"\n-- {path}, {requests} requests, by {order} --\n")
        stats.sort_stats(order).print_stats(PROFILE_LINES)
    return out.getvalue()


def measure(requests: int, profile: bool) -> None:
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection

    application = application_with_bench_pages()
    print(
        f"{connection.vendor} {settings.DATABASES['default']['NAME']}; DEBUG={settings.DEBUG}; "
        f"{requests} requests each after {WARM_UP}; load average "
        + " ".join(f"{x:.2f}" for x in os.getloadavg())
    )
    print()
    print("| page | body | CPU p50 | wall p50 | CPU over baseline's |")
    print("| --- | ---: | ---: | ---: | ---: |")
    baseline_cpu = None
    rows = [("baseline", "", BASELINE_PATH)]
    for username in ("cadre1", "county"):
        rows.append(("middleware, session and user", username, MIDDLEWARE_PATH))
        rows.append(("the frame: base.html alone", username, FRAME_PATH))
        rows.append(("password", username, "/accounts/password/"))
        rows.append(("household list", username, "/registry/households/"))
    visitors = {}
    for name, username, path in rows:
        visitor = visitors.setdefault(username, Visitor(application, username))
        cpu, wall, size = timed(visitor, path, requests)
        baseline_cpu = baseline_cpu or cpu
        label = f"{username}: {name}" if username else name
        print(
            f"| {label} | {size / 1024:.1f} KB | {cpu * 1000:.2f} ms | {wall * 1000:.2f} ms "
            f"| {cpu / baseline_cpu:.1f}× |",
            flush=True,
        )
    print("load average at end: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))
    if profile:
        for path in ("/accounts/password/", "/registry/households/"):
            print(profiled(visitors["cadre1"], path, requests))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", action="store_true", help="print cProfile's hot spots too")
    parser.add_argument("--requests", type=int, default=REQUESTS)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.measure:
        measure(arguments.requests, arguments.profile)
        return
    CACHE.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, __file__, "--measure", "--requests", str(arguments.requests)]
    with tempfile.TemporaryDirectory(prefix="static-", dir=CACHE) as static_root:
        env = prepared(static_root)
        subprocess.run(  # noqa: S603  (our own interpreter and this module)
            command + (["--profile"] if arguments.profile else []), cwd=ROOT, env=env, check=True
        )


if __name__ == "__main__":
    main()
