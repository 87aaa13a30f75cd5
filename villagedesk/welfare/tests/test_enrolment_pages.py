"""The enrolment list is paged: a county's hundreds of enrolments never arrive as one page."""

import datetime

import pytest

from villagedesk.registry.tests.factories import HouseholdFactory
from villagedesk.welfare.models import Enrolment, Policy
from villagedesk.welfare.services import catalogue_load
from villagedesk.welfare.views.enrolments import PAGE_SIZE

pytestmark = pytest.mark.django_db


@pytest.fixture
def many_enrolments(village_a, village_b):
    catalogue_load()
    dibao = Policy.objects.get(code="dibao")
    ours = [HouseholdFactory(village=village_a) for _ in range(PAGE_SIZE + 3)]
    Enrolment.objects.bulk_create(
        Enrolment(
            policy=dibao,
            household=household,
            area_code=household.area_code,
            starts_on=datetime.date(2025, 1, 1),
        )
        for household in ours
    )
    theirs = HouseholdFactory(village=village_b)
    Enrolment.objects.create(policy=dibao, household=theirs, starts_on=datetime.date(2025, 1, 1))
    return ours, theirs


def rows(page) -> int:
    return page.content.decode().count('<td data-label="Policy">')


def test_the_list_shows_one_page_a_count_and_the_rest_on_the_next(many_enrolments, cadre_a, client):
    client.force_login(cadre_a)
    first = client.get("/welfare/enrolments/")
    assert rows(first) == PAGE_SIZE
    assert f"{PAGE_SIZE + 3} enrolments" in first.content.decode()
    assert "Page 1 of 2" in first.content.decode()
    second = client.get("/welfare/enrolments/?page=2")
    assert rows(second) == 3


def test_each_enrolment_appears_on_exactly_one_page(many_enrolments, cadre_a, client):
    ours, theirs = many_enrolments
    client.force_login(cadre_a)
    shown = b"".join(client.get(f"/welfare/enrolments/?page={n}").content for n in (1, 2))
    for household in ours:
        assert shown.count(f"/welfare/households/{household.pk}/".encode()) == 1
    assert f"/welfare/households/{theirs.pk}/".encode() not in shown


def test_a_page_number_out_of_range_shows_the_last_page(many_enrolments, cadre_a, client):
    client.force_login(cadre_a)
    assert rows(client.get("/welfare/enrolments/?page=99")) == 3
    assert rows(client.get("/welfare/enrolments/?page=x")) == PAGE_SIZE
