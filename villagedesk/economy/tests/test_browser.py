"""On a phone: a cadre records a cooperative's dividend and finds each member's part in the
household's income, and opens a household's land from its page."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from conftest import pages_wider_than_the_phone
from villagedesk.economy.tests.factories import (
    make_cooperative,
    make_household,
    make_plot,
    make_transfer,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-for-tests-1")
    page.click("button.primary")


@pytest.mark.timeout(60)
def test_a_dividend_recorded_on_a_phone_reaches_the_household_income(
    live_server, phone_page, cadre_a, village_a
):
    first, second = make_household(village_a), make_household(village_a)
    cooperative = make_cooperative(
        by=cadre_a, village=village_a, members=[(first, "2"), (second, "1")]
    )
    make_transfer(by=cadre_a, plot=make_plot(by=cadre_a, household=first, name="河边田"))
    page = phone_page
    log_in(page, live_server, "cadre_a")

    page.goto(f"{live_server.url}{cooperative.get_absolute_url()}")
    section = page.locator("#dividends")
    section.locator("#id_year").fill("2025")
    section.locator("#id_total").fill("1000.00")
    section.locator("button.primary").click()
    expect(page.locator("#dividends")).to_contain_text("666.67")
    expect(page.locator("#dividends")).to_contain_text("333.33")

    income = reverse("welfare:income-edit", args=[first.pk]) + "?year=2025"
    page.goto(f"{live_server.url}{income}")
    flows = page.locator(".income-flows")
    expect(flows).to_contain_text("666.67")
    expect(flows.locator(f"a[href='{cooperative.get_absolute_url()}']")).to_be_visible()
    expect(page.locator("#id_property")).to_have_value("")  # nothing typed

    page.goto(f"{live_server.url}{first.get_absolute_url()}")
    page.locator(f"a[href='{reverse('economy:household-land', args=[first.pk])}']").click()
    expect(page.locator("#plot-" + str(first.plots.get().pk))).to_contain_text("河边田")
    assert pages_wider_than_the_phone(page) == []
