"""On a phone, a cadre reads the Party roster and its structure, records an applicant as an
activist, and opens the village's ten-household groups, their map and a group head's care sheet:
in Chinese and in English."""

import pytest
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from conftest import pages_wider_than_the_phone
from villagedesk.accounts.models import User
from villagedesk.organisation.codes import Stage
from villagedesk.organisation.models import PartyMember

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.timeout(120)
def test_party_roster_and_groups_on_a_phone(live_server, phone_in_each_language, keep_screenshot):
    call_command("seed_demo", "--villages", "2", "--households", "40", "--seed", "11", verbosity=0)
    cadre = User.objects.get(username="cadre1")
    village = cadre.area_prefixes()[0].ljust(12, "0")
    applicant = PartyMember.objects.filter(area_code=village, stage=Stage.APPLICANT).first()
    page, language = phone_in_each_language
    lang = language[:2]
    with translation.override(language):
        words = {
            "roster": gettext("Party members"),
            "structure": gettext("Structure of the membership"),
            "now": gettext("Now: %(stage)s.") % {"stage": Stage.ACTIVIST.label},
            "groups": gettext("Ten-household groups"),
            "care": gettext("Care needs of the households"),
        }

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "cadre1")
    page.fill("#id_password", "demo12345")
    page.click("button.primary")
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/organisation/party/?village={village}")
    expect(page.locator("h1")).to_contain_text(words["roster"])
    expect(page.locator("#structure")).to_be_visible()
    expect(page.locator("h2", has_text=words["structure"])).to_be_visible()
    keep_screenshot(page, f"party-roster-phone-{lang}", full_page=True)

    page.goto(f"{live_server.url}{applicant.get_absolute_url()}")
    page.locator("#advance button[type=submit]").click()
    expect(page.locator("ul.messages")).to_contain_text(words["now"])
    applicant.refresh_from_db()
    assert applicant.stage == Stage.ACTIVIST

    page.goto(f"{live_server.url}/organisation/groups/?village={village}")
    expect(page.locator("h1")).to_contain_text(words["groups"])
    expect(page.locator("#coverage")).to_contain_text("100%")
    expect(page.locator("#groups-map .group-marker").first).to_be_attached()
    keep_screenshot(page, f"ten-household-groups-phone-{lang}", full_page=True)
    page.locator("#page tbody a").first.click()
    expect(page.locator("h2", has_text=words["care"])).to_be_visible()
    assert pages_wider_than_the_phone(page) == []
