"""Joins for bulk work (PostgreSQL; the same call changes nothing elsewhere)."""

import pytest
from django.db import connection, transaction

from villagedesk.core.models import SpentFormToken
from villagedesk.core.planner import row_estimate, statistics_refresh, without_nested_loops

pytestmark = pytest.mark.django_db


def nested_loops() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('enable_nestloop')")
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL planner setting")
def test_bulk_work_is_planned_without_nested_loops_and_the_setting_comes_back():
    with transaction.atomic():
        assert nested_loops() == "on"
        with without_nested_loops():
            assert nested_loops() == "off"
        assert nested_loops() == "on"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL planner setting")
def test_an_error_inside_leaves_nested_loops_as_they_were():
    with transaction.atomic():
        with pytest.raises(ZeroDivisionError), without_nested_loops():
            assert nested_loops() == "off"
            _ = 1 / 0
        assert nested_loops() == "on"


def test_elsewhere_the_work_runs_as_it_is():
    with without_nested_loops():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            assert cursor.fetchone()[0] == 1


def shared_catalog_locks() -> int:
    """Locks this connection holds on the catalogs every database of the server shares."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid()"
            " AND locktype = 'relation' AND database = 0"
        )
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's shared catalogs")
def test_fresh_statistics_leave_the_catalogs_other_databases_share_unlocked():
    # A bare ANALYZE locks pg_database and its kind until the transaction ends: a test database
    # next door then waits on it for as long as a module's fixture keeps its transaction open.
    with transaction.atomic():
        statistics_refresh()
        assert shared_catalog_locks() == 0


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the planner's estimate")
def test_fresh_statistics_count_the_rows_written_in_the_same_transaction():
    with transaction.atomic():
        SpentFormToken.objects.bulk_create(SpentFormToken(token=f"t{n}") for n in range(80))
        statistics_refresh()
        assert row_estimate(SpentFormToken.objects.all()) == 80
