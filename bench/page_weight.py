"""How many bytes does each page cost over the network, on a first visit and on the next one?

Serves the application as production does (gunicorn, DEBUG=false, the static files collected
into a temporary STATIC_ROOT and answered by WhiteNoise) on the demo county of `make run`
(six villages, seeded once into a cache directory), logs in as a resident cadre (`cadre1`) and as
the county supervisor (`county`), and opens each page in Chromium:

- **cold**: a new browser profile (nothing cached), the page loaded until the network is idle,
  its charts' and map's data included;
- **warm**: the same page opened again in that profile, after another address.

Bytes are those Chromium counts as received for each request (`encodedDataLength` of the
DevTools protocol's `Network.loadingFinished`: headers and body as sent, compressed when the
server compressed them; nothing for what the cache answered). The budgets (issue 19): the pages
a cadre uses in the field ≤ 150 KB cold and ≤ 30 KB warm, chart pages ≤ 400 KB cold. The bench
prints the table and fails when a page is over its budget.

Those loads run with the service worker blocked: its fetches are not the tab's. What it costs is
measured apart, as **kept in the background**: the cadre's first visit to the household list with
the worker allowed, counting each request the worker makes (Playwright's experimental service
worker network events: body as received, compressed, and headers) until the page says how many
pages were kept — the site's assets and the pages kept for reading offline.

    .venv/bin/python bench/page_weight.py

BENCH_DATABASE_URL names the database (by default an SQLite file in BENCH_CACHE, a temporary
folder); one without areas is migrated and seeded with `manage.py seed_demo`.
"""

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from pages import django_ready, gunicorn_started, logged_in, manage, production_environment

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(
    os.environ.get("BENCH_CACHE", Path(tempfile.gettempdir()) / "villagedesk-bench-weight")
)
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{CACHE / 'villagedesk.sqlite3'}")
CHROMIUM = "/usr/bin/chromium"
KB = 1024
FIELD_COLD, FIELD_WARM, CHART_COLD = 150 * KB, 30 * KB, 400 * KB


@dataclass
class Page:
    name: str
    target: str
    user: str
    chart: bool = False
    cold: int = 0
    warm: int = 0
    requests: list[tuple[str, int]] = field(default_factory=list)

    @property
    def over_budget(self) -> list[str]:
        if self.chart:
            return ["cold"] if self.cold > CHART_COLD else []
        return [
            name
            for name, size, budget in (
                ("cold", self.cold, FIELD_COLD),
                ("warm", self.warm, FIELD_WARM),
            )
            if size > budget
        ]


def pages() -> list[Page]:
    from villagedesk.accounts.models import User
    from villagedesk.registry.models import Household

    county = User.objects.get(username="county").current_assignments()[0].area
    village = User.objects.get(username="cadre1").current_assignments()[0].area
    household = Household.objects.within([village.prefix]).order_by("pk").first()
    field_pages = {
        "home": "/",
        "household list": "/registry/households/",
        "household page": f"/registry/households/{household.pk}/",
        "visit form": f"/fieldwork/visits/new/?household={household.pk}",
        "work diary": "/fieldwork/diary/",
        "problem form": "/fieldwork/problems/new/",
    }
    village_charts = {
        "village profile": f"/directory/profile/{village.code}/",
        "village at a glance": f"/reports/villages/{village.code}/",
        "coverage": "/fieldwork/coverage/",
        "contact network": "/directory/network/",
        "collective economy": f"/economy/villages/{village.code}/collective/",
    }
    county_charts = {
        "county profile": f"/directory/profile/{county.code}/",
        "contact network": "/directory/network/",
        "roll-up": f"/rollups/{county.code}/",
        "economy roll-up": "/economy/",
        "projects roll-up": "/projects/overview/",
    }
    return (
        [Page(f"cadre1: {name}", target, "cadre1") for name, target in field_pages.items()]
        + [Page(f"cadre1: {n}", t, "cadre1", chart=True) for n, t in village_charts.items()]
        + [Page(f"county: {n}", t, "county", chart=True) for n, t in county_charts.items()]
    )


def received(context, page, url: str) -> tuple[int, list[tuple[str, int]]]:
    """Open the address in the tab and count the bytes received until the network is idle."""
    urls, sizes = {}, []
    session = context.new_cdp_session(page)
    session.on(
        "Network.responseReceived", lambda e: urls.__setitem__(e["requestId"], e["response"]["url"])
    )
    session.on(
        "Network.loadingFinished",
        lambda e: sizes.append((urls.get(e["requestId"], "?"), int(e["encodedDataLength"]))),
    )
    session.send("Network.enable")
    response = page.goto(url, wait_until="networkidle")
    if response is None or response.status != 200:
        raise SystemExit(f"{url} answered {response.status if response else 'nothing'}")
    session.detach()
    return sum(size for _, size in sizes), sizes


def measured(browser, host: str, cookies: dict[str, str], page: Page) -> None:
    # Without the service worker, whose own fetches are not the tab's (see test_page_weight).
    context = browser.new_context(viewport={"width": 375, "height": 812}, service_workers="block")
    context.add_cookies(
        [{"name": k, "value": v, "url": f"http://{host}/"} for k, v in cookies.items()]
    )
    tab = context.new_page()
    page.cold, page.requests = received(context, tab, f"http://{host}{page.target}")
    tab.goto("about:blank")
    page.warm, _ = received(context, tab, f"http://{host}{page.target}")
    context.close()


@dataclass
class Keeping:
    """What the service worker fetched in the background on the cadre's first visit."""

    assets: int = 0
    pages: int = 0
    requests: int = 0
    kept: int = 0


def kept_in_background(browser, host: str, cookies: dict[str, str], target: str) -> Keeping:
    context = browser.new_context(viewport={"width": 375, "height": 812})
    context.add_cookies(
        [{"name": k, "value": v, "url": f"http://{host}/"} for k, v in cookies.items()]
    )
    keeping = Keeping()

    def finished(request) -> None:
        if request.service_worker is None:
            return
        sizes = request.sizes()
        size = sizes["responseBodySize"] + sizes["responseHeadersSize"]
        keeping.requests += 1
        if "/static/" in request.url:
            keeping.assets += size
        else:
            keeping.pages += size

    context.on("requestfinished", finished)
    tab = context.new_page()
    tab.goto(f"http://{host}{target}")
    tab.wait_for_selector("body[data-offline-kept]", state="attached", timeout=120_000)
    keeping.kept = int(tab.get_attribute("body", "data-offline-kept"))
    context.close()
    return keeping


def cookie_jar(header: str) -> dict[str, str]:
    return dict(part.split("=", 1) for part in header.split("; "))


def kilobytes(size: int) -> str:
    return f"{size / KB:,.1f} KB"


def table(measured_pages: list[Page]) -> list[str]:
    lines = [
        "| page | cold | warm | budget | largest on a cold load |",
        "| --- | ---: | ---: | --- | --- |",
    ]
    for page in measured_pages:
        budget = "≤ 400 KB cold" if page.chart else "≤ 150 KB cold, ≤ 30 KB warm"
        if page.over_budget:
            budget += " — over: " + ", ".join(page.over_budget)
        largest = sorted(page.requests, key=lambda r: -r[1])[:3]
        names = ", ".join(
            f"{Path(urlsplit(url).path).name or urlsplit(url).path} {kilobytes(size)}"
            for url, size in largest
        )
        lines.append(
            f"| {page.name} | {kilobytes(page.cold)} | {kilobytes(page.warm)} | {budget} "
            f"| {names} |"
        )
    return lines


def main() -> None:
    # Read by Playwright's driver when it starts: the service worker's requests as events.
    os.environ["PW_EXPERIMENTAL_SERVICE_WORKER_NETWORK_EVENTS"] = "1"
    from playwright.sync_api import sync_playwright

    CACHE.mkdir(parents=True, exist_ok=True)
    django_ready(database_url=DATABASE_URL, var_dir=CACHE)
    from villagedesk.areas.models import Area

    manage("migrate", "--noinput", "--verbosity", "0")
    if not Area.objects.exists():
        print("seeding the demo county (once)…", flush=True)
        manage("seed_demo", "--verbosity", "0")
    # What the demo left to the background worker: the contact network's figures, which its
    # page draws.
    manage("db_worker", "--batch", "--queue-name", "*", "--no-reload", "--verbosity", "0")
    env = production_environment(
        database_url=DATABASE_URL,
        var_dir=CACHE,
        static_root=tempfile.mkdtemp(prefix="static-", dir=CACHE),
    )
    manage("collectstatic", "--noinput", "--verbosity", "0", env=env)
    measured_pages = pages()
    server, host = gunicorn_started(env, "villagedesk.wsgi")
    try:
        jars = {user: cookie_jar(logged_in(host, user)) for user in ("cadre1", "county")}
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
            )
            for page in measured_pages:
                measured(browser, host, jars[page.user], page)
            household_list = next(p for p in measured_pages if p.name == "cadre1: household list")
            keeping = kept_in_background(browser, host, jars["cadre1"], household_list.target)
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"{urlsplit(DATABASE_URL).scheme} database, the demo county; gunicorn, DEBUG=false")
    print()
    print("\n".join(table(measured_pages)))
    print()
    print(
        f"Kept in the background on the cadre's first visit to the household list: "
        f"{keeping.kept} pages kept, {keeping.requests} requests, assets "
        f"{kilobytes(keeping.assets)}, pages {kilobytes(keeping.pages)}"
    )
    if any(page.over_budget for page in measured_pages):
        raise SystemExit("Some pages are over their budget.")


if __name__ == "__main__":
    main()
