"""Area codes: a household and a person carry them however they are written, or are not written."""

import polars as pl
import pytest

from villagedesk.registry.imports import writing
from villagedesk.registry.imports.engine import run_import
from villagedesk.registry.models import Household, Person
from villagedesk.registry.tests.factories import HouseholdFactory, PersonFactory
from villagedesk.registry.tests.importing import family, write_xlsx

pytestmark = pytest.mark.django_db


def test_bulk_created_households_and_persons_get_their_area_codes(
    village_a, village_b, django_assert_num_queries
):
    households = [
        Household(village=village_a, number="1"),
        Household(village=village_b, number="2"),
    ]
    persons = [PersonFactory.build(household=household, name="张三") for household in households]
    # One insert each: the codes come from the objects in hand, not from a query per row.
    with django_assert_num_queries(2):
        Household.objects.bulk_create(households)
        Person.objects.bulk_create(persons)
    stored = Household.objects.order_by("number").values_list("area_code", "county_code")
    assert list(stored) == [(village_a.code, "530128"), (village_b.code, "530128")]
    stored = Person.objects.order_by("household__number").values_list("area_code", flat=True)
    assert list(stored) == [village_a.code, village_b.code]


def test_a_saved_household_and_person_get_their_area_codes(village_a):
    household = HouseholdFactory(village=village_a)
    person = PersonFactory(household=household)
    assert (household.area_code, household.county_code) == (village_a.code, "530128")
    assert person.area_code == village_a.code


def test_imported_households_and_persons_get_their_area_codes(tmp_path, village_a):
    result = run_import(write_xlsx(tmp_path / "a.xlsx", family()), area=village_a)
    assert result.loaded, result.issues
    household = Household.objects.get()
    assert (household.area_code, household.county_code) == (village_a.code, "530128")
    assert set(Person.objects.values_list("area_code", flat=True)) == {village_a.code}


def test_the_import_writes_no_row_without_its_area_code(household_a):
    rows = pl.DataFrame(
        {"id": [10_000], "household_id": [household_a.pk], "name": ["张三"]},
        schema={"id": pl.Int64, "household_id": pl.Int64, "name": pl.String},
    )
    with pytest.raises(ValueError, match="area_code"):
        writing.write_batch(Person, rows, by=None)
    filled = writing.scope_codes_set(
        Person, rows, key="household_id", codes={household_a.pk: household_a.area_code}
    )
    assert filled["area_code"].to_list() == [household_a.area_code]
    with pytest.raises(pl.exceptions.InvalidOperationError):
        writing.scope_codes_set(Person, rows, key="household_id", codes={})
