"""The county roll-up in a browser, on a phone and a desktop, in Chinese and in English: the
villages' table and the trend chart drawn, nothing wider than the phone."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from conftest import PHONE_LOCALES, pages_wider_than_the_phone, phone_context
from villagedesk.areas.models import Area, Level
from villagedesk.demo.services import DEMO_PASSWORD
from villagedesk.reports.models import VillageMonth
from villagedesk.welfare.tests.factories import worker_runs

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 860}


@pytest.fixture
def county():
    """The demo county, its roll-up counted by the worker now and on the 15th of each of the
    five months before (as a worker running every month would have kept them)."""
    call_command("seed_demo", "--villages", "4", "--households", "240", "--seed", "7", verbosity=0)
    county = Area.objects.get(level=Level.COUNTY)
    from villagedesk.accounts.models import User
    from villagedesk.reports import rollups

    supervisor = User.objects.get(username="county")
    today = timezone.localdate()
    for months_ago in range(5, -1, -1):
        day = (today.replace(day=1) - datetime.timedelta(days=30 * months_ago)).replace(day=15)
        moment = (
            timezone.now()
            if months_ago == 0
            else datetime.datetime(day.year, day.month, day.day, 10, tzinfo=datetime.UTC)
        )
        with time_machine.travel(moment, tick=False):
            rollups.rollup(user=supervisor, area=county)
            worker_runs()
    assert VillageMonth.objects.values("month").distinct().count() == 6
    return county


def logged_in(page, live_server) -> None:
    page.goto(f"{live_server.url}{reverse('accounts:login')}")
    page.fill("#id_username", "county")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button.primary")
    page.wait_for_url(f"{live_server.url}/")


@pytest.mark.timeout(900)
@pytest.mark.parametrize("language", list(PHONE_LOCALES))
def test_the_county_roll_up_on_a_phone_and_a_desktop(
    live_server, browser, county, language, keep_screenshot
):
    short = language[:2]
    path = f"{live_server.url}{reverse('reports:rollup', args=[county.code])}"
    phone = phone_context(browser, language)
    page = phone.new_page()
    logged_in(page, live_server)
    page.goto(path)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1200)
    assert page.locator("table.rollup tbody tr").count() == Area.objects.villages().count()
    assert page.locator("#rollup-trend canvas").count() == 1
    assert pages_wider_than_the_phone(page) == []
    keep_screenshot(page, f"rollup-{short}-phone")
    phone.close()

    desktop = browser.new_context(viewport=DESKTOP, locale=PHONE_LOCALES[language])
    page = desktop.new_page()
    logged_in(page, live_server)
    page.goto(f"{path}?step=4")
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(1200)
    assert page.locator("#rollup-trend canvas").count() == 1
    keep_screenshot(page, f"rollup-{short}-desktop", full_page=True)
    desktop.close()
