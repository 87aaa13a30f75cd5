"""Planner statistics for work that reads what it has just bulk-written.

PostgreSQL plans a query from statistics gathered by ANALYZE (or, later, by autovacuum). Rows
bulk-written a moment ago in the same transaction are not in them: the planner may believe a
table of 350,000 persons holds a few hundred, or one emptied by the previous test holds
thousands, and choose a nested-loop anti-join that runs for minutes. ANALYZE inside the
transaction counts the transaction's own rows, so what follows is planned on the real data.
"""

import json
from contextlib import contextmanager

from django.db import connection, transaction


def statistics_refresh(*tables: str) -> None:
    """Gather fresh statistics for the tables named (every table of the project when none is).

    Never a bare ANALYZE on PostgreSQL: that one also analyses the catalogs every database of the
    server shares, and holds their locks to the end of the transaction, so that another
    database's ANALYZE waits for it.
    """
    if not tables:
        tables = tuple(sorted(connection.introspection.django_table_names(only_existing=True)))
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")  # noqa: S608 - our names


@contextmanager
def without_nested_loops():
    """Plan the queries inside, in one transaction, with no nested loop where another join can
    do (PostgreSQL; elsewhere nothing changes)."""
    with transaction.atomic():
        if connection.vendor != "postgresql":
            yield
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('enable_nestloop')")
            (before,) = cursor.fetchone()
            cursor.execute("SET LOCAL enable_nestloop = off")
        yield
        # Left as it was for the rest of the transaction; an error inside rolls the setting
        # back with everything else.
        with connection.cursor() as cursor:
            cursor.execute("SELECT set_config('enable_nestloop', %s, true)", [before])


def row_estimate(queryset) -> int | None:
    """The planner's estimate of the rows the query returns (PostgreSQL; None elsewhere).

    One EXPLAIN, which plans the query without running it: it costs the same for ten rows as
    for ten million.
    """
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        (plan,) = cursor.fetchone()
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])
