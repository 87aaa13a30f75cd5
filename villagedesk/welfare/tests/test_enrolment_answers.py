"""The enrolment import answers alike for a person or household that does not exist and for one
outside the user's areas, so that a list cannot be used to learn who is registered where."""

import pytest

from villagedesk.registry.tests.factories import HouseholdFactory, PersonFactory
from villagedesk.welfare import services
from villagedesk.welfare.models import Enrolment, Policy

NEUTRAL = "This identity number cannot be registered here; ask the county office."


@pytest.fixture
def policy(db):
    services.catalogue_load()
    return Policy.objects.get(code="dibao")


def answer(by, policy, row):
    created, errors = services.enrolment_import(
        by=by, policy=policy, rows=[{"开始日期": "2025-03-01", **row}]
    )
    assert created == 0
    return [error.removeprefix("Row 2: ") for error in errors]


def test_a_number_elsewhere_and_an_unknown_number_get_one_answer(policy, cadre_a, village_b):
    elsewhere = PersonFactory(household=HouseholdFactory(village=village_b), relation="head")
    unknown = elsewhere.id_number[:-4] + "0000"
    assert answer(cadre_a, policy, {"身份证号": elsewhere.id_number}) == [NEUTRAL]
    assert answer(cadre_a, policy, {"身份证号": unknown}) == [NEUTRAL]
    assert not Enrolment.objects.exists()


def test_a_household_elsewhere_and_an_unknown_household_get_one_answer(policy, cadre_a, village_b):
    household = HouseholdFactory(village=village_b, number="B-007")
    elsewhere = answer(cadre_a, policy, {"村代码": village_b.code, "户编号": household.number})
    unknown = answer(cadre_a, policy, {"村代码": village_b.code, "户编号": "B-999"})
    assert elsewhere == unknown
    assert "B-007" not in elsewhere[0]


def test_a_number_in_the_users_own_areas_is_enrolled(policy, cadre_a, village_a):
    person = PersonFactory(household=HouseholdFactory(village=village_a), relation="head")
    created, errors = services.enrolment_import(
        by=cadre_a,
        policy=policy,
        rows=[{"身份证号": person.id_number, "开始日期": "2025-03-01"}],
    )
    assert (created, errors) == (1, [])
