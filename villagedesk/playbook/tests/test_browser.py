"""A cadre opens the ten steps of their village and the first 100 days, on a phone and on a
desktop, in Chinese and in English: nothing wider than the phone, the figures and the links to
the pages that do the next thing there."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from conftest import PHONE_LOCALES
from villagedesk.accounts.models import Assignment
from villagedesk.areas.models import Area, Level

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = (("phone", {"width": 375, "height": 812}), ("desktop", {"width": 1280, "height": 900}))


@pytest.mark.timeout(300)
def test_the_ten_steps_and_the_first_100_days(live_server, browser, keep_screenshot):
    call_command("seed_demo", "--villages", "2", "--households", "60", "--seed", "5", verbosity=0)
    code = Area.objects.filter(level=Level.VILLAGE).order_by("code").first().code
    # A team that arrived 40 days ago: steps behind it, steps under way, steps ahead.
    arrival = timezone.localdate() - datetime.timedelta(days=39)
    Assignment.objects.filter(user__username="cadre1").update(starts_on=arrival)
    for language, locale in PHONE_LOCALES.items():
        lang = language[:2]
        for name, viewport in VIEWPORTS:
            context = browser.new_context(viewport=viewport, locale=locale, device_scale_factor=1)
            context.set_default_timeout(10_000)
            page = context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
            page.goto(f"{live_server.url}/accounts/login/")
            page.fill("#id_username", "cadre1")
            page.fill("#id_password", "demo12345")
            page.click("button.primary")
            page.goto(f"{live_server.url}/playbook/")
            expect(page).to_have_url(f"{live_server.url}/playbook/{code}/")
            shown = "zh-CN" if lang == "zh" else "en"
            if page.locator("html").get_attribute("lang") != shown:
                page.locator("form.language button").click()
                page.wait_for_load_state()
            expect(page.locator("html")).to_have_attribute("lang", shown)
            expect(page.locator("ol.steps > li")).to_have_count(10)
            expect(page.locator("#step-4 progress").first).to_be_visible()
            expect(page.locator("#step-4 ul.next-steps a").first).to_be_visible()
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
            keep_screenshot(page, f"playbook-village-{lang}-{name}", full_page=True)

            page.click(".playbook-nav a[href$='first-100-days/']")
            expect(page.locator("ol.days > li")).to_have_count(10)
            expect(page.locator("main")).to_contain_text(f"{arrival:%Y-%m-%d}")
            expect(page.locator("li.day-step.current")).not_to_have_count(0)
            expect(page.locator("ol.days > li").first).to_contain_text("–")
            assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
            keep_screenshot(page, f"playbook-first-100-days-{lang}-{name}", full_page=True)
            assert errors == []
            context.close()
