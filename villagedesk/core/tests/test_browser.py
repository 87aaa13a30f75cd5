"""On a phone, in Chinese and in English, an address that leads nowhere answers with the product's
own page: its top bar and menu, the user's language, a way back home, and it fits the phone."""

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from conftest import pages_wider_than_the_phone
from villagedesk.registry.tests.factories import HouseholdFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


# Room for the test database to be made when this is the run's first test, on a busy machine.
@pytest.mark.timeout(120)
def test_a_household_outside_ones_areas_answers_the_products_404_page(
    live_server, phone_in_each_language, cadre_a, village_b, keep_screenshot
):
    elsewhere = HouseholdFactory(village=village_b)
    page, language = phone_in_each_language
    with translation.override(language):
        heading = gettext("Page not found")
        home = gettext("Back to the home page")
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "cadre_a")
    page.fill("#id_password", "pw-for-tests-1")
    page.click("button.primary")
    page.wait_for_url(f"{live_server.url}/")

    response = page.goto(f"{live_server.url}{elsewhere.get_absolute_url()}")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text(heading)
    expect(page.locator("html")).to_have_attribute(
        "lang", "zh-CN" if language == "zh-hans" else "en"
    )
    expect(page.locator("header.topbar .menu-button")).to_be_visible()
    keep_screenshot(page, f"error-404-{language[:2]}-phone")

    page.get_by_role("link", name=home).click()
    page.wait_for_url(f"{live_server.url}/")
    assert pages_wider_than_the_phone(page) == []


@pytest.mark.timeout(120)
def test_on_a_phone_the_open_menu_shows_log_out_and_reaches_its_last_link(
    live_server, phone_in_each_language, county_supervisor
):
    """The supervisor's menu is the longest: taller than the phone, under a bar that stays on top.
    Log out is in sight as it opens, and the last link can be scrolled to within the menu."""
    page, language = phone_in_each_language
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "supervisor")
    page.fill("#id_password", "pw-for-tests-1")
    page.click("button.primary")
    page.wait_for_url(f"{live_server.url}/")
    page.locator("header.topbar .menu-button").click()
    height = page.viewport_size["height"]

    def on_screen(locator) -> bool:
        box = locator.bounding_box()
        return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height

    menu = page.locator("nav.menu")
    assert menu.evaluate("menu => menu.scrollHeight") > height
    assert on_screen(menu.locator("form[data-logout] button"))
    last = menu.locator("a").last
    last.scroll_into_view_if_needed()
    assert on_screen(last)
