"""The API's household list beside the web's, over a 100,000-household county.

Seeds the demo county once into a cache directory (the one bench/household_list.py uses, reused
on later runs), then asks the same lists of the web page (as the county supervisor's session)
and of `GET /api/v1/households` (with the supervisor's access token) many times each, and
prints the p50 and p99 of both and their ratio. The API's p99 should stay within 1.5× of the
page's: both read through `registry.selectors.household_list` and the same key paging.
SQLite by default; PostgreSQL when BENCH_DATABASE_URL is set. For a quick run:
BENCH_HOUSEHOLDS=300 BENCH_RUNS=20 BENCH_CACHE=/tmp/vd-bench-small python bench/api.py
"""

import os
import statistics
import sys
import time

from django.conf import settings
from django.db import connection
from django.test import Client

# The household list bench sets Django up over the same cached county, and seeds it.
from household_list import HOUSEHOLDS, seeded

from villagedesk.accounts.models import User
from villagedesk.api.services import token_create
from villagedesk.registry.models import Household, Person

RUNS = int(os.environ.get("BENCH_RUNS", "200"))
RATIO_MAX = 1.5


def percentiles(client: Client, path: str, params: dict) -> tuple[float, float]:
    client.get(path, params)  # warm
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        response = client.get(path, params)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    cuts = statistics.quantiles(times, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[98] * 1000


def main() -> int:
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.API_RATE = "1000000/min"
    seeded()
    supervisor = User.objects.get(username="county")
    web = Client()
    web.force_login(supervisor)
    _token, secret = token_create(by=supervisor, name="bench", scope="read", expires_at=None)
    api = Client(headers={"Authorization": f"Bearer {secret}"})
    head = Person.objects.filter(relation="head").order_by("id")[min(500, HOUSEHOLDS // 2)]
    village = head.area_code
    cases = {
        "first page, 25": ({}, {}),
        "first page, 200": ({"size": 200}, {"limit": 200}),
        "one village": ({"village": village}, {"village": village}),
        f"initials {head.name_initials!r}": ({"q": head.name_initials}, {"q": head.name_initials}),
        "id-number tail (6)": ({"q": head.id_number[-6:]}, {"q": head.id_number[-6:]}),
        "status filter": ({"status": "exited"}, {"status": "exited"}),
    }
    print(
        f"{connection.vendor}: {Household.objects.count():,} households, "
        f"{Person.objects.count():,} persons; {RUNS} requests a case"
    )
    print(f"{'case':28} {'web p50':>8} {'web p99':>8} {'api p50':>8} {'api p99':>8} {'ratio':>6}")
    worst = 0.0
    for name, (web_params, api_params) in cases.items():
        web_p50, web_p99 = percentiles(web, "/registry/households/", web_params)
        api_p50, api_p99 = percentiles(api, "/api/v1/households", api_params)
        ratio = api_p99 / web_p99
        worst = max(worst, ratio)
        print(f"{name:28} {web_p50:8.1f} {web_p99:8.1f} {api_p50:8.1f} {api_p99:8.1f} {ratio:6.2f}")
    verdict = "within" if worst <= RATIO_MAX else "NOT within"
    print(f"worst p99 ratio {worst:.2f}: {verdict} {RATIO_MAX}×")
    return 0 if worst <= RATIO_MAX else 1


if __name__ == "__main__":
    sys.exit(main())
