"""On a phone, in Chinese and in English, a line of the gap report opens the household's
explanation at the policy the line is about: that policy first and open, in view on arrival."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import pages_wider_than_the_phone
from villagedesk.registry.tests.factories import HouseholdFactory, PersonFactory
from villagedesk.welfare.models import IncomeLine
from villagedesk.welfare.services import catalogue_load
from villagedesk.welfare.tests.factories import ParameterFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def six_person_household_missing_the_allowance(county, village_a):
    """A household of six, poor enough for the subsistence allowance and not enrolled in it."""
    catalogue_load()
    year = timezone.localdate().year
    for each in (year - 1, year):
        ParameterFactory(name="dibao_standard", area=county, year=each, value=6000)
        ParameterFactory(name="poverty_line", area=county, year=each, value=4500)
    household = HouseholdFactory(village=village_a, number="0012", status="poor")
    for n, (relation, sex, born) in enumerate(
        [
            ("head", "male", 1958),
            ("spouse", "female", 1961),
            ("son", "male", 1985),
            ("daughter_in_law", "female", 1988),
            ("grandson", "male", 2012),
            ("granddaughter", "female", 2019),
        ]
    ):
        PersonFactory(
            household=household,
            name=f"杨{'国秀建丽明小'[n]}{'富英华芳亮雨'[n]}",
            relation=relation,
            sex=sex,
            birth_date=datetime.date(born, 5, 1),
            id_number=None,
        )
    for each in (year - 1, year):
        IncomeLine.objects.create(
            household=household, year=each, kind="wage", amount=Decimal(9_000)
        )
    return household


# Room for the test database to be made when this is the run's first test, on a busy machine.
@pytest.mark.timeout(120)
def test_gap_line_opens_the_explanation_at_its_policy(
    live_server,
    phone_in_each_language,
    cadre_a,
    six_person_household_missing_the_allowance,
    keep_screenshot,
):
    household = six_person_household_missing_the_allowance
    page, language = phone_in_each_language
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "cadre_a")
    page.fill("#id_password", "pw-for-tests-1")
    page.click("button.primary")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/welfare/gaps/?policy=dibao")
    page.get_by_role("link", name=household.number, exact=True).click()
    page.wait_for_url(f"**/welfare/households/{household.pk}/**")

    focused = page.locator("details.explain").first
    expect(focused).to_have_attribute("id", "policy-dibao")
    expect(focused).to_have_attribute("open", "")
    expect(focused.locator("table.explain-lines")).to_be_visible()
    expect(focused.locator("summary")).to_be_in_viewport()
    keep_screenshot(page, f"welfare-explanation-at-policy-{language[:2]}-phone")
    assert pages_wider_than_the_phone(page) == []
