"""The enrolment list is paged: a county's hundreds of enrolments never arrive as one page."""

import datetime
import html
import re

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


def link(page, name: str) -> str | None:
    """The pager's link of that name ("after" or "before"), unescaped, or None."""
    found = re.search(rf'href="(\?{name}=[^"]*)"', page.content.decode())
    return html.unescape(found.group(1)) if found else None


def test_the_list_shows_one_page_a_count_and_the_rest_on_the_next(many_enrolments, cadre_a, client):
    client.force_login(cadre_a)
    first = client.get("/welfare/enrolments/")
    assert rows(first) == PAGE_SIZE
    assert f"{PAGE_SIZE + 3} enrolments" in first.content.decode()
    assert link(first, "before") is None
    second = client.get("/welfare/enrolments/" + link(first, "after"))
    assert rows(second) == 3
    assert link(second, "after") is None
    back = client.get("/welfare/enrolments/" + link(second, "before"))
    assert rows(back) == PAGE_SIZE
    assert back.context["page"].object_list == first.context["page"].object_list


def test_each_enrolment_appears_on_exactly_one_page(many_enrolments, cadre_a, client):
    ours, theirs = many_enrolments
    client.force_login(cadre_a)
    first = client.get("/welfare/enrolments/")
    shown = first.content + client.get("/welfare/enrolments/" + link(first, "after")).content
    for household in ours:
        assert shown.count(f"/welfare/households/{household.pk}/".encode()) == 1
    assert f"/welfare/households/{theirs.pk}/".encode() not in shown


@pytest.mark.parametrize("key", ["x", '["a"]', '["530128100001", "not a number"]', "[" * 400])
def test_a_key_that_is_not_one_shows_the_first_page(many_enrolments, cadre_a, client, key):
    client.force_login(cadre_a)
    page = client.get("/welfare/enrolments/", {"after": key})
    assert page.status_code == 200
    assert rows(page) == PAGE_SIZE
