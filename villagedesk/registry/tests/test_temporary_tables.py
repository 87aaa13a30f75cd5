import polars as pl
import pytest
from django.db import connection

from villagedesk.core.scratch import scratch_table
from villagedesk.registry.families import links_store
from villagedesk.registry.imports.engine import existing_persons
from villagedesk.registry.imports.writing import current_values
from villagedesk.registry.models import Household, Person
from villagedesk.registry.tests.factories import HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending():
    """A statement of the same connection left half read, as another thread sharing the
    connection leaves one (the test server's do): SQLite refuses to drop a table meanwhile."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM areas_area UNION ALL SELECT id FROM areas_area")
        cursor.fetchone()
        yield


def test_holders_are_looked_up_while_another_statement_is_pending(village_a, pending):
    person = PersonFactory(household=HouseholdFactory(village=village_a))
    found = existing_persons({person.id_number: person.id_number_hash})
    assert found["_ppk"].to_list() == [person.pk]


def test_registered_values_are_read_while_another_statement_is_pending(village_a, pending):
    household = HouseholdFactory(village=village_a, address="一组")
    like = pl.DataFrame({"address": ["一组"]})
    frame = current_values(Household, [household.pk], ["address"], like=like)
    assert frame.rows() == [(household.pk, "一组")]


def test_family_links_are_stored_while_another_statement_is_pending(village_a, pending):
    household = HouseholdFactory(village=village_a)
    head = PersonFactory(household=household, relation="head", sex="male")
    wife = PersonFactory(household=household, relation="spouse", sex="female")
    links_store([(head.pk, wife.pk, None, None)], table=Person._meta.db_table)
    head.refresh_from_db()
    assert head.spouse_id == wife.pk


@pytest.mark.parametrize(
    ("name", "columns"),
    [("ids; DROP TABLE x", "id bigint"), ("ids", "id bigint); DROP TABLE x; --"), ("表", "id int")],
)
def test_a_scratch_table_is_refused_a_name_or_columns_that_are_not_plain(name, columns):
    with connection.cursor() as cursor, pytest.raises(ValueError):
        with scratch_table(cursor, name, columns):
            pass
