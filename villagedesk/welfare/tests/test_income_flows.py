"""Income paid through other records (project wages, dividends, rent) joins the household's
income line of its year and kind once per source, next to what was typed, never over it."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from villagedesk.registry.tests.factories import HouseholdFactory
from villagedesk.welfare.models import IncomeFlow, IncomeLine
from villagedesk.welfare.selectors import income_amounts
from villagedesk.welfare.services import income_flow_set, income_set

YEAR = 2025


@pytest.fixture
def household(village_a):
    return HouseholdFactory(village=village_a)


def flow(by, household, amount, *, key="projects.wage:1", kind="wage", year=YEAR):
    return income_flow_set(
        by=by,
        household=household,
        year=year,
        kind=kind,
        source_key=key,
        label="村道硬化工程",
        amount=amount,
    )


def line(household, kind="wage", year=YEAR):
    return IncomeLine.objects.filter(household=household, year=year, kind=kind).first()


def test_a_flow_makes_the_line_and_saving_again_adds_nothing(cadre_a, household):
    flow(cadre_a, household, Decimal(3000))
    flow(cadre_a, household, Decimal(3000))
    assert IncomeFlow.objects.count() == 1
    assert line(household).amount == Decimal(3000)
    assert line(household).from_flows == Decimal(3000)


def test_a_changed_amount_changes_the_line(cadre_a, household):
    flow(cadre_a, household, Decimal(3000))
    flow(cadre_a, household, Decimal(1200))
    assert line(household).amount == Decimal(1200)


def test_flows_of_two_sources_add_up(cadre_a, household):
    flow(cadre_a, household, Decimal(3000))
    flow(cadre_a, household, Decimal(500), key="economy.dividend:4")
    assert line(household).amount == Decimal(3500)


def test_removing_the_last_flow_removes_a_line_it_made(cadre_a, household):
    flow(cadre_a, household, Decimal(3000))
    assert flow(cadre_a, household, None) is None
    assert line(household) is None
    flow(cadre_a, household, Decimal(3000))
    flow(cadre_a, household, Decimal(0))
    assert line(household) is None and not IncomeFlow.objects.exists()


def test_a_typed_amount_is_kept_beside_the_flows(cadre_a, household):
    income_set(by=cadre_a, household=household, year=YEAR, amounts={"wage": Decimal(8000)})
    flow(cadre_a, household, Decimal(3000))
    assert line(household).amount == Decimal(11000)
    assert income_amounts(household=household, year=YEAR) == {"wage": Decimal(8000)}
    flow(cadre_a, household, None)
    assert line(household).amount == Decimal(8000)
    assert line(household).from_flows == 0


def test_typing_again_keeps_the_flows(cadre_a, household):
    flow(cadre_a, household, Decimal(3000))
    income_set(by=cadre_a, household=household, year=YEAR, amounts={"wage": Decimal(500)})
    assert line(household).amount == Decimal(3500)
    income_set(by=cadre_a, household=household, year=YEAR, amounts={"wage": None})
    assert line(household).amount == Decimal(3000)
    assert income_amounts(household=household, year=YEAR) == {}


def test_a_flow_moved_to_another_year_leaves_the_old_line(cadre_a, household):
    flow(cadre_a, household, Decimal(3000))
    flow(cadre_a, household, Decimal(3000), year=YEAR + 1)
    assert line(household) is None
    assert line(household, year=YEAR + 1).amount == Decimal(3000)


def test_a_flow_moved_to_another_household_follows_it(cadre_a, household, village_a):
    other = HouseholdFactory(village=village_a)
    flow(cadre_a, household, Decimal(3000), kind="property")
    flow(cadre_a, other, Decimal(3000), kind="property")
    assert line(household, "property") is None
    assert line(other, "property").amount == Decimal(3000)


def test_another_villages_team_cannot_pay_the_household(cadre_b, household):
    with pytest.raises(PermissionDenied):
        flow(cadre_b, household, Decimal(3000))
    assert not IncomeFlow.objects.exists()


def test_the_explanation_page_names_the_source(client, cadre_a, household):
    income_flow_set(
        by=cadre_a,
        household=household,
        year=YEAR,
        kind="wage",
        source_key="projects.wage:1",
        label="村道硬化工程",
        amount=Decimal(3000),
        link="/projects/1/",
    )
    client.force_login(cadre_a)
    page = client.get(f"/welfare/households/{household.pk}/?year=2025")
    assert page.status_code == 200
    assert "村道硬化工程" in page.content.decode()
    assert 'href="/projects/1/"' in page.content.decode()
