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
