"""Joins for bulk work (PostgreSQL; the same call changes nothing elsewhere)."""

import pytest
from django.db import connection, transaction

from villagedesk.core.planner import without_nested_loops

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
