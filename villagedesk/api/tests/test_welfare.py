"""Welfare through the API: a household's eligibility with each condition explained, and the gap
list of an area, from welfare's own selectors; other villages are 404."""

import datetime
from decimal import Decimal

import pytest

from villagedesk.registry.tests.factories import HouseholdFactory, PersonFactory
from villagedesk.welfare.models import IncomeLine
from villagedesk.welfare.services import catalogue_load
from villagedesk.welfare.tests.factories import ParameterFactory

YEAR = 2025


@pytest.fixture
def poor_household(county, village_a):
    catalogue_load()
    ParameterFactory(name="dibao_standard", area=county, year=YEAR, value=6000)
    household = HouseholdFactory(village=village_a, number="0007")
    PersonFactory(household=household, name="王五", id_number=None)
    IncomeLine.objects.create(household=household, year=YEAR, kind="wage", amount=Decimal(3000))
    return household


def test_eligibility_explains_each_condition(api_for, cadre_a, poor_household):
    body = (
        api_for(cadre_a)
        .get(f"/api/v1/households/{poor_household.pk}/eligibility", {"year": YEAR})
        .json()
    )
    assert body["day"] == datetime.date(YEAR, 12, 31).isoformat()
    dibao = next(p for p in body["policies"] if p["code"] == "dibao")
    assert dibao["eligible"] is True
    assert dibao["conditions"]
    assert {c["outcome"] for c in dibao["conditions"]} <= {"pass", "fail", "unknown"}


def test_eligibility_of_another_village_is_404(api_for, cadre_b, poor_household):
    response = api_for(cadre_b).get(f"/api/v1/households/{poor_household.pk}/eligibility")
    assert response.status_code == 404


def test_the_gap_list_of_a_village_names_the_missing_household(
    api_for, cadre_a, village_a, poor_household
):
    body = (
        api_for(cadre_a)
        .get(f"/api/v1/areas/{village_a.code}/gaps", {"policy": "dibao", "year": YEAR})
        .json()
    )
    missing = [line for line in body["lines"] if line["kind"] == "eligible_not_enrolled"]
    assert [line["household"] for line in missing] == [poor_household.pk]
    assert missing[0]["name"] == "王五"


def test_the_gap_list_above_a_village_is_per_village(
    api_for, county_supervisor, township, village_a, poor_household
):
    body = (
        api_for(county_supervisor)
        .get(f"/api/v1/areas/{township.code}/gaps", {"policy": "dibao", "year": YEAR})
        .json()
    )
    by_village = {row["village"]: row for row in body["rollup"]}
    assert by_village[village_a.code]["not_enrolled"] == 1
    assert body["lines"] == []


def test_the_gap_list_of_another_village_is_404(api_for, cadre_b, village_a, poor_household):
    response = api_for(cadre_b).get(f"/api/v1/areas/{village_a.code}/gaps", {"year": YEAR})
    assert response.status_code == 404


def test_an_unknown_policy_is_404(api_for, cadre_a, village_a, poor_household):
    response = api_for(cadre_a).get(f"/api/v1/areas/{village_a.code}/gaps", {"policy": "none"})
    assert response.status_code == 404
