"""The cross-links load on real pages: a problem shows the requests answering it, a contact shows
the team's latest note, and a village-committee account sees no notes at all."""

import datetime

import pytest
from playwright.sync_api import expect

from villagedesk.development.models import SupportRequest
from villagedesk.directory.tests.factories import ContactFactory, OrganisationFactory
from villagedesk.fieldwork.models import PersonNote
from villagedesk.fieldwork.tests.factories import make_problem

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-for-tests-1")
    page.click("button.primary")


@pytest.mark.timeout(60)
def test_problem_and_contact_pages_load_the_linked_records(
    live_server, phone_page, cadre_a, committee_a, county, township, village_a
):
    problem = make_problem(village=village_a, by=cadre_a, title="3组饮水管老化漏水")
    support = SupportRequest.objects.create(
        village=village_a,
        title="饮水管网改造资金",
        kind="funds",
        body=OrganisationFactory(area=county, name="县水务局"),
    )
    support.problems.add(problem)
    official = ContactFactory(area=township, name="赵镇长")
    own_entry = ContactFactory(
        area=village_a,
        name="刘书记",
        phone="13900000001",
        term_start=datetime.date(2021, 5, 1),
        user=cadre_a,
    )
    PersonNote.objects.create(
        contact=official,
        attitude="eager",
        influence="high",
        interests="关心产业项目",
        recorded_by=cadre_a,
        area_code=village_a.code,
    )
    page = phone_page

    log_in(page, live_server, "cadre_a")
    page.goto(f"{live_server.url}{problem.get_absolute_url()}")
    expect(page.locator("#problem-requests")).to_contain_text("饮水管网改造资金")
    page.locator("#problem-requests a").first.click()
    expect(page.locator("#answered-problems")).to_contain_text("3组饮水管老化漏水")
    # The date field keeps the date asked in the page's Chinese locale.
    expect(page.locator("#id_asked_on")).to_have_value(support.asked_on.isoformat())
    page.goto(f"{live_server.url}{official.get_absolute_url()}")
    expect(page.locator("section#contact-notes")).to_contain_text(str(cadre_a))
    page.goto(f"{live_server.url}{own_entry.get_absolute_url()}edit/")
    expect(page.locator("#id_term_start")).to_have_value("2021-05-01")
    expect(page.locator("#id_is_me")).to_be_checked()

    log_in(page, live_server, "committee_a")
    page.goto(f"{live_server.url}{official.get_absolute_url()}")
    expect(page.locator("#links")).to_be_visible()
    page.wait_for_load_state("networkidle")
    expect(page.locator("section#contact-notes")).to_have_count(0)
