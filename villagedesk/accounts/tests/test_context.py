"""What every page knows of the user: areas for the switcher, and which menu links to offer."""

import datetime

import pytest
from django.urls import reverse

from villagedesk.accounts.models import Assignment, Role

pytestmark = pytest.mark.django_db


def menu(client, user) -> tuple[bool, bool]:
    client.force_login(user)
    context = client.get(reverse("reports:home")).context
    return context["may_keep_diary"], context["may_supervise"]


def test_a_team_member_keeps_a_diary_and_supervises_no_one(client, cadre_a):
    assert menu(client, cadre_a) == (True, False)


def test_a_committee_member_neither_keeps_a_diary_nor_supervises(client, committee_a):
    assert menu(client, committee_a) == (False, False)


def test_a_supervisor_supervises_and_keeps_no_diary(client, county_supervisor):
    assert menu(client, county_supervisor) == (False, True)


def test_an_administrator_supervises_but_is_no_team_member(client, cadre_a, county):
    Assignment.objects.create(
        user=cadre_a, area=county, role=Role.ADMINISTRATOR, starts_on=datetime.date(2020, 1, 1)
    )
    cadre_a.assignments.filter(role=Role.CADRE).update(ends_on=datetime.date(2020, 1, 2))
    assert menu(client, cadre_a) == (False, True)


def test_a_page_costs_three_queries_of_its_frame_beside_its_own(
    client, cadre_a, village_b, django_assert_num_queries
):
    """Every logged-in page reads its session, its user and the user's current assignments,
    once each; the menu, the area switcher and every permission asked are answered from them."""
    Assignment.objects.create(
        user=cadre_a, area=village_b, role=Role.CADRE, starts_on=datetime.date(2020, 1, 1)
    )
    client.force_login(cadre_a)
    url = reverse("accounts:password-change")
    client.get(url)
    # The frame's three, and the page's own: whether the user has an authenticator app.
    with django_assert_num_queries(4):
        page = client.get(url).content.decode()
    assert 'name="prefix"' in page  # the switcher of the user's two villages
    assert reverse("fieldwork:diary") in page
