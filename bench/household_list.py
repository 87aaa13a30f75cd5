"""How fast is the household list over a 100,000-household county?

Seeds the demo county once into a cache directory (reused on later runs), then times the list
page as the county supervisor sees it: first page, a deep page, large pages, and searches, with
the number of queries each takes. SQLite by default; PostgreSQL when BENCH_DATABASE_URL is set
(a database that the bench may fill and empty).
"""

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CACHE = Path(os.environ.get("BENCH_CACHE", Path(tempfile.gettempdir()) / "villagedesk-bench-100k"))
HOUSEHOLDS = int(os.environ.get("BENCH_HOUSEHOLDS", "100000"))

os.environ["VAR_DIR"] = str(CACHE)
os.environ["DEBUG"] = "true"  # plain static storage: no collectstatic manifest needed
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "villagedesk.settings")
if os.environ.get("BENCH_DATABASE_URL"):
    os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
else:
    os.environ.pop("DATABASE_URL", None)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from villagedesk.accounts.models import User  # noqa: E402
from villagedesk.registry.models import Household, Person  # noqa: E402


def seeded() -> None:
    call_command("migrate", verbosity=0)
    if Household.objects.count() < HOUSEHOLDS:
        print(f"seeding {HOUSEHOLDS:,} households into {connection.vendor} (once)…", flush=True)
        call_command(
            "seed_demo",
            "--households",
            str(HOUSEHOLDS),
            "--seed",
            "1",
            "--registry-only",
            verbosity=0,
        )


def timed(client: Client, params: dict, runs: int = 5) -> tuple[float, int, int]:
    client.get("/registry/households/", params)  # warm
    times = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get("/registry/households/", params)
            times.append(time.perf_counter() - started)
        assert response.status_code == 200
    return statistics.median(times) * 1000, len(queries), response.content.count(b"<tr>") - 1


def main() -> None:
    settings.ALLOWED_HOSTS = ["testserver"]
    seeded()
    head = Person.objects.filter(relation="head").order_by("id")[500]
    client = Client()
    client.force_login(User.objects.get(username="county"))
    cases = {
        "first page, 25": {},
        "first page, 200": {"size": 200},
        "page 2,000 of 25": {"page": 2000},
        f"initials {head.name_initials!r}": {"q": head.name_initials},
        f"full pinyin {head.name_pinyin!r}": {"q": head.name_pinyin},
        "id-number tail (6)": {"q": head.id_number[-6:]},
        "status filter": {"status": "exited"},
    }
    print(
        f"{connection.vendor}: {Household.objects.count():,} households, "
        f"{Person.objects.count():,} persons"
    )
    print(f"{'case':32} {'median ms':>10} {'queries':>8} {'rows':>6}")
    for name, params in cases.items():
        ms, queries, rows = timed(client, params)
        print(f"{name:32} {ms:10.1f} {queries:8d} {rows:6d}")


if __name__ == "__main__":
    main()
