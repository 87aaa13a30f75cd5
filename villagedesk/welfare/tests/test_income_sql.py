"""The HouseholdIncome view: net income per household and year (costs subtracted); the
HouseholdSize view: members per household."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection

from villagedesk.registry.tests.factories import HouseholdFactory, PersonFactory
from villagedesk.welfare.income_sql import SIZE_VIEW, VIEW, create_view, drop_view
from villagedesk.welfare.models import HouseholdIncome, HouseholdSize, IncomeLine

pytestmark = pytest.mark.django_db


def lines(household, year, **amounts):
    for kind, amount in amounts.items():
        IncomeLine.objects.create(household=household, year=year, kind=kind, amount=Decimal(amount))


def test_net_income_subtracts_costs_per_year_and_counts_members(village_a):
    household = HouseholdFactory(village=village_a)
    PersonFactory(household=household, relation="head", id_number=None)
    PersonFactory(household=household, relation="son", id_number=None)
    lines(household, 2025, wage="9000", production="5000", production_cost="2000")
    lines(household, 2024, wage="100")
    rows = {row.year: row.net_income for row in HouseholdIncome.objects.filter(household=household)}
    assert rows == {2025: Decimal(12000), 2024: Decimal(100)}
    assert HouseholdSize.objects.get(household=household).size == 2


def test_a_household_without_lines_or_members_is_absent(village_a):
    without_lines = HouseholdFactory(village=village_a)
    PersonFactory(household=without_lines, relation="head", id_number=None)
    without_members = HouseholdFactory(village=village_a)
    lines(without_members, 2025, wage="500")
    assert not HouseholdIncome.objects.filter(household=without_lines).exists()
    assert HouseholdIncome.objects.get(household=without_members).net_income == Decimal(500)
    assert not HouseholdSize.objects.filter(household=without_members).exists()


def test_migrate_drops_the_view_before_and_creates_it_after(village_a):
    drop_view()
    assert not {VIEW, SIZE_VIEW} & set(connection.introspection.table_names(include_views=True))
    call_command("migrate", verbosity=0)
    assert {VIEW, SIZE_VIEW} <= set(connection.introspection.table_names(include_views=True))
    create_view()  # again: replaces it
    assert HouseholdIncome.objects.count() == 0
