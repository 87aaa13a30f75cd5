"""How fast does a county's ledger go in, against the physical limit and against the usual peer?

In one run: seeds the 100,000-household demo county once (cached under var/bench-import/),
exports its person roster to .xlsx and .csv with the exporter, then imports each file end to end
into an empty registry on SQLite and on PostgreSQL (a throwaway database `vd_bench_import`,
created and dropped here); runs the physical reference over the same files (the fastest reader,
calamine for .xlsx and polars for .csv, straight into a bare table with the bare driver,
executemany on SQLite and COPY on PostgreSQL, no validation); and imports a 20,000-row sample
with django-import-export. Each run is a process of its own so that its peak memory is its own.

BENCH_HOUSEHOLDS (default 100000) and BENCH_POSTGRES (default postgres://postgres@127.0.0.1:5432/
postgres, the server on which the throwaway database is made; "" to skip PostgreSQL) and BENCH_DB
(default vd_bench_import, the throwaway database's name) adjust it.
"""

import datetime
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = Path(os.environ.get("BENCH_DIR", ROOT / "var" / "bench-import"))
HOUSEHOLDS = int(os.environ.get("BENCH_HOUSEHOLDS", "100000"))
VILLAGES = max(2, HOUSEHOLDS // 500)
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5432/postgres")
BENCH_DB = os.environ.get("BENCH_DB", "vd_bench_import")
SAMPLE = 20_000
PYTHON = sys.executable
SOURCE = WORK / f"source-{HOUSEHOLDS}"
REGISTRY_TABLES = [
    "registry_historicalsupporter",
    "registry_supporter",
    "registry_historicalperson",
    "registry_historicalhousehold",
    "registry_reveallog",
    "registry_person",
    "registry_household",
]


def bench_url() -> str:
    return SERVER.rsplit("/", 1)[0] + "/" + BENCH_DB


def manage(*args, env: dict) -> None:
    subprocess.run(  # noqa: S603
        [PYTHON, str(ROOT / "manage.py"), *args], env={**os.environ, **env}, check=True
    )


def prepare() -> tuple[Path, Path, Path]:
    """The demo county's roster as .xlsx and .csv, and an empty registry with its areas."""
    env = {"VAR_DIR": str(SOURCE), "DEBUG": "true", "DATABASE_URL": ""}
    xlsx, csv = SOURCE / "county.xlsx", SOURCE / "county.csv"
    template = SOURCE / "empty.sqlite3"
    if not template.exists():
        SOURCE.mkdir(parents=True, exist_ok=True)
        print(f"seeding {HOUSEHOLDS:,} households in {VILLAGES} villages (once)…", flush=True)
        manage("migrate", "-v0", env=env)
        manage(
            "seed_demo",
            "--households",
            str(HOUSEHOLDS),
            "--villages",
            str(VILLAGES),
            "--seed",
            "1",
            "-v0",
            env=env,
        )
        county = (
            sqlite3.connect(SOURCE / "villagedesk.sqlite3")
            .execute("SELECT code FROM areas_area WHERE level = 3")
            .fetchone()[0]
        )
        for path in (xlsx, csv):
            manage(
                "export_ledger",
                "person_roster",
                "--area",
                county,
                "--format",
                path.suffix[1:],
                "--output",
                str(path),
                "--purpose",
                "benchmark round trip",
                env=env,
            )
        shutil.copy(SOURCE / "villagedesk.sqlite3", template)
        with sqlite3.connect(template) as db:
            for table in REGISTRY_TABLES:
                db.execute(f'DELETE FROM "{table}"')  # noqa: S608
        with sqlite3.connect(template) as db:
            db.execute("VACUUM")
    return xlsx, csv, template


def postgres_create(template: Path) -> None:
    import psycopg

    with psycopg.connect(SERVER, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB}")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")
    env = {"VAR_DIR": str(WORK / "pg"), "DEBUG": "true", "DATABASE_URL": bench_url()}
    manage("migrate", "-v0", env=env)
    fixture = WORK / "areas.json"
    source = {"VAR_DIR": str(SOURCE), "DEBUG": "true", "DATABASE_URL": ""}
    with fixture.open("w") as handle:
        subprocess.run(  # noqa: S603
            [PYTHON, str(ROOT / "manage.py"), "dumpdata", "areas"],
            env={**os.environ, **source},
            stdout=handle,
            check=True,
        )
    manage("loaddata", str(fixture), "-v0", env=env)


def postgres_drop() -> None:
    import psycopg

    with psycopg.connect(SERVER, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


def run_child(kind: str, database: str, path: Path, template: Path) -> dict:
    """Run one measurement in a fresh process; it prints its figures as JSON."""
    run_dir = WORK / "run"
    shutil.rmtree(run_dir, ignore_errors=True)
    run_dir.mkdir(parents=True)
    env = {"VAR_DIR": str(run_dir), "DEBUG": "false", "ALLOWED_HOSTS": "localhost"}
    if database == "sqlite":
        shutil.copy(template, run_dir / "villagedesk.sqlite3")
        shutil.copy(SOURCE / "secret_key", run_dir / "secret_key")
        env["DATABASE_URL"] = ""
    else:
        env["DATABASE_URL"] = bench_url()
    out = subprocess.run(  # noqa: S603, PLW1510
        [PYTHON, __file__, "--child", kind, database, str(path)],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )
    if out.returncode:
        raise SystemExit(f"{kind} {database} {path.name} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# Children ------------------------------------------------------------------------------------


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(kind: str, database: str, path: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "villagedesk.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    if database == "postgresql":
        with connection.cursor() as cursor:
            tables = ", ".join(REGISTRY_TABLES)
            cursor.execute(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    started = time.perf_counter()
    if kind == "engine":
        rows = child_engine(path)
    elif kind == "reference":
        rows = child_reference(path, database)
    elif kind == "floor":
        # The rows are made by an import, untimed; moving them is timed.
        rows, started = child_floor(path)
    else:
        # The peer's own import only: its households and dataset are made untimed.
        rows, started = child_import_export(path)
    seconds = time.perf_counter() - started
    print(json.dumps({"rows": rows, "seconds": seconds, "peak_mb": peak_mb()}))


def child_engine(path: Path) -> int:
    from villagedesk.areas.models import Area, Level
    from villagedesk.registry.imports.engine import run_import

    county = Area.objects.get(level=Level.COUNTY)
    result = run_import(path, area=county)
    assert result.loaded and result.errors.height == 0, result.issues.head(10)
    assert result.counts["persons_created"] > 0, result.counts
    return result.counts["persons_created"]


def child_floor(path: Path) -> tuple[int, float]:
    """The registry's own floor: the households and persons an import of this file wrote, moved
    inside the database (INSERT … SELECT from a copy, nothing from Python) into the emptied
    registry tables, with their indexes, checks and foreign keys, and their "+" history rows,
    committed. Whatever an import does in Python, it cannot write its rows faster than this."""
    from django.db import connection, transaction

    from villagedesk.registry.models import Household, Person

    rows = child_engine(path)
    models = (Household, Person)
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            # Table names from the models, not from input.
            cursor.execute(f'CREATE TEMPORARY TABLE "floor_{table}" AS SELECT * FROM "{table}"')  # noqa: S608
        for table in REGISTRY_TABLES:
            cursor.execute(f'DELETE FROM "{table}"')  # noqa: S608
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        for model in models:
            table, history = model._meta.db_table, model.history.model
            columns = ", ".join(f'"{f.column}"' for f in model._meta.concrete_fields)
            cursor.execute(
                f'INSERT INTO "{table}" ({columns}) SELECT {columns} FROM "floor_{table}"'  # noqa: S608
            )
            own = {"history_id", "history_date", "history_change_reason", "history_type"}
            tracked = ", ".join(
                f'"{f.column}"'
                for f in history._meta.concrete_fields
                if f.attname not in own | {"history_user_id"}
            )
            cursor.execute(
                f'INSERT INTO "{history._meta.db_table}" ({tracked}, history_date, '  # noqa: S608
                f"history_change_reason, history_type) SELECT {tracked}, %s, 'import', '+' "
                f'FROM "{table}"',
                [connection.ops.adapt_datetimefield_value(datetime.datetime.now(datetime.UTC))],
            )
    return rows, started


def csv_frame(path: Path, **options):
    """An exported .csv as text columns, past the watermark line it opens with ("# Exported by")."""
    import polars as pl

    with open(path, encoding="utf-8-sig") as handle:
        watermark = handle.readline().startswith("#")
    return pl.read_csv(path, infer_schema=False, skip_rows=int(watermark), **options)


def child_reference(path: Path, database: str) -> int:
    """The physical limit: fastest reader, bare table, bare driver, no checks."""
    import python_calamine
    from django.db import connection

    if path.suffix == ".csv":
        frame = csv_frame(path)
        header, rows = frame.columns, None
    else:
        sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
        everything = sheet.to_python()
        header, rows = everything[1], everything[2:]  # a title row, then the header
    columns = ", ".join(f"c{i} text" for i in range(len(header)))
    names = ", ".join(f"c{i}" for i in range(len(header)))
    if database == "postgresql":
        connection.ensure_connection()
        raw = connection.connection
        with raw.cursor() as cursor:
            cursor.execute(f"CREATE TABLE bare ({columns})")
            if rows is None:
                # Polars writes the CSV text; COPY parses it.
                with cursor.copy(f"COPY bare ({names}) FROM STDIN WITH (FORMAT csv)") as copy:
                    copy.write(frame.write_csv(include_header=False))
            else:
                with cursor.copy(f"COPY bare ({names}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            cursor.execute("DROP TABLE bare")
        raw.commit()
        return len(rows) if rows is not None else frame.height
    db = sqlite3.connect(Path(os.environ["VAR_DIR"]) / "bare.sqlite3")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    db.execute(f"CREATE TABLE bare ({columns})")
    placeholders = ", ".join("?" * len(header))
    data = frame.rows() if rows is None else rows
    with db:
        db.executemany(f"INSERT INTO bare VALUES ({placeholders})", data)  # noqa: S608
    return len(data)


def child_import_export(path: Path) -> int:
    """django-import-export over the first SAMPLE members, households made beforehand."""
    import tablib
    from import_export import fields, resources, widgets

    from villagedesk.areas.models import Area
    from villagedesk.core.codelists import code_lookup, fold
    from villagedesk.core.sealing import identity_lookup
    from villagedesk.registry import codes
    from villagedesk.registry.imports.columns import header_field
    from villagedesk.registry.models import Household, Person

    frame = csv_frame(path, n_rows=SAMPLE).fill_null("")
    frame = frame.rename({h: header_field(h) for h in frame.columns if header_field(h)})
    # The roster names its villages (行政村); a code is read as well.
    villages = {}
    for area in Area.objects.filter(level=5):
        villages[area.code] = villages[area.name] = area
    keys = frame.select("village", "number").unique().rows()
    households = Household.objects.bulk_create(
        [
            Household(
                village=villages[v],
                number=n,
                area_code=villages[v].code,
                county_code=villages[v].code[:6],
            )
            for v, n in keys
        ]
    )
    household_pk = {key: h.pk for key, h in zip(keys, households, strict=True)}
    hashes = identity_lookup(frame["id_number"].drop_nulls().to_list())
    lookups = {
        "sex": code_lookup(codes.Sex),
        "relation": code_lookup(codes.Relation),
        "education": code_lookup(codes.Education),
        "schooling": code_lookup(codes.Schooling),
        "ethnicity": code_lookup(codes.Ethnicity),
    }
    dataset = tablib.Dataset(
        headers=[
            "household",
            "name",
            "id_number",
            "id_number_hash",
            "sex",
            "birth_date",
            "relation",
            "education",
            "schooling",
            "ethnicity",
        ]
    )
    for row in frame.iter_rows(named=True):
        dataset.append(
            [
                household_pk[(row["village"], row["number"])],
                row["name"],
                row["id_number"],
                hashes.get(row["id_number"]),
                lookups["sex"].get(fold(row["sex"]), ""),
                row["birth_date"],
                *[
                    lookups[c].get(fold(row[c]), "")
                    for c in ("relation", "education", "schooling", "ethnicity")
                ],
            ]
        )

    class PersonResource(resources.ModelResource):
        household = fields.Field(
            attribute="household",
            column_name="household",
            widget=widgets.ForeignKeyWidget(Household, "pk"),
        )

        class Meta:
            model = Person
            # Numbers are sealed: the peer finds a registered person by the number's hash.
            import_id_fields = ["id_number_hash"]
            fields = [
                "household",
                "name",
                "id_number",
                "id_number_hash",
                "sex",
                "birth_date",
                "relation",
                "education",
                "schooling",
                "ethnicity",
            ]
            use_bulk = False

    started = time.perf_counter()
    result = PersonResource().import_data(dataset, dry_run=False, use_transactions=True)
    assert not result.has_errors() and not result.has_validation_errors()
    return len(dataset), started


# Report --------------------------------------------------------------------------------------


def main() -> None:
    xlsx, csv, template = prepare()
    runs = []
    floors = {}
    databases = ["sqlite"] + (["postgresql"] if SERVER else [])
    try:
        if SERVER:
            postgres_create(template)
        for database in databases:
            for path in (xlsx, csv):
                for kind in ("reference", "engine"):
                    figures = run_child(kind, database, path, template)
                    runs.append((kind, database, path.suffix[1:], figures))
                    print(
                        f"  {kind:>9} {database:>10} {path.suffix[1:]:>4}: "
                        f"{figures['rows'] / figures['seconds']:>9,.0f} rows/s",
                        flush=True,
                    )
            floors[database] = run_child("floor", database, csv, template)
        peer = run_child("import_export", "sqlite", csv, template)
    finally:
        if SERVER:
            postgres_drop()
    print()
    print(f"{'run':28} {'rows':>8} {'seconds':>8} {'rows/s':>9} {'peak MB':>8} {'of ref':>7}")
    reference = {(d, f): r for k, d, f, r in runs if k == "reference"}
    engine_rates = []
    for kind, database, file_kind, figures in runs:
        rate = figures["rows"] / figures["seconds"]
        ref = reference[(database, file_kind)]
        share = rate / (ref["rows"] / ref["seconds"])
        if kind == "engine":
            engine_rates.append(rate)
        print(
            f"{kind + ' ' + database + ' ' + file_kind:28} {figures['rows']:>8,} "
            f"{figures['seconds']:>8.1f} {rate:>9,.0f} {figures['peak_mb']:>8.0f} "
            f"{share:>6.0%}"
        )
    peer_rate = peer["rows"] / peer["seconds"]
    print(
        f"{'django-import-export sqlite':28} {peer['rows']:>8,} {peer['seconds']:>8.1f} "
        f"{peer_rate:>9,.0f} {peer['peak_mb']:>8.0f}"
    )
    print(f"slowest engine run / django-import-export: {min(engine_rates) / peer_rate:.1f}x")
    print()
    print("the registry's floor (an import's rows and history moved inside the database):")
    for database, floor in floors.items():
        engines = ", ".join(
            f"{f} {figures['seconds'] / floor['seconds']:.1f}x"
            for k, d, f, figures in runs
            if k == "engine" and d == database
        )
        print(f"  {database:>10}: {floor['seconds']:5.1f} s; engine/floor: {engines}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], Path(sys.argv[4]))
    else:
        main()
