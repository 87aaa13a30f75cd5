"""A cadre on a phone creates a project, carries it through its seven stages, lists a household
it benefits, records the handed-over asset's income and the household's share, and finds that
share in the household's income on its policy page."""

import pytest
from playwright.sync_api import expect

from conftest import pages_wider_than_the_phone
from villagedesk.projects.models import Stage
from villagedesk.registry.tests.factories import HouseholdFactory, PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STAGE_DAYS = ["2025-03-01", "2025-03-10", "2025-04-01", "2025-05-01", "2025-09-01"]
STAGE_DAYS += ["2025-09-20", "2025-10-08"]


@pytest.mark.timeout(120)
def test_a_project_from_approval_to_a_households_income_on_a_phone(
    live_server, phone_page, cadre_a, village_a, keep_screenshot
):
    household = HouseholdFactory(village=village_a, number="00417", status="exited")
    PersonFactory(household=household, name="李小梅", id_number=None)
    page = phone_page
    url = live_server.url

    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", "cadre_a")
    page.fill("#id_password", "pw-for-tests-1")
    page.click("button.primary")

    page.goto(f"{url}/projects/new/")
    page.fill("#id_name", "茶叶初制所建设项目")
    page.select_option("#id_kind", "industry")
    page.fill("#id_year", "2025")
    page.fill("#id_decided_on", "2025-02-20")
    page.fill("#id_decision_number", "禄乡振〔2025〕7号")
    page.click("button.primary")
    expect(page.locator("h1")).to_have_text("茶叶初制所建设项目")
    project_url = page.url

    for stage, day in zip(Stage, STAGE_DAYS, strict=True):
        page.locator(f"#stage-{stage.value} a").click()
        page.fill("#id_done_on", day)
        page.click("button.primary")
        expect(page.locator(f"#stage-{stage.value} .badge")).to_have_text(day)
    expect(page.locator("#stage-reached")).to_have_text("资产移交")

    page.locator("a[href$='/beneficiaries/new/']").click()
    page.select_option("#id_household", label="00417 · 李小梅")
    page.select_option("#id_way", "dividends")
    page.click("button.primary")
    expect(page.locator("#count-households")).to_have_text("1")
    expect(page.locator("#count-exited")).to_have_text("1")

    page.locator("a[href$='/assets/new/']").click()
    page.fill("#id_name", "茶叶初制所厂房")
    page.select_option("#id_asset_class", "operating")
    page.fill("#id_owner", "大河村股份经济合作社")
    page.fill("#id_custodian", "大河村委会")
    page.fill("#id_value", "380000")
    page.fill("#id_handed_over_on", "2025-10-08")
    page.click("button.primary")
    expect(page.locator("h1")).to_have_text("茶叶初制所厂房")

    page.locator("a[href$='/income/new/']").click()
    page.fill("#id_year", "2025")
    page.fill("#id_income", "30000")
    page.fill("#id_to_households", "6000")
    page.fill("#id_to_collective", "20000")
    page.fill("#id_to_jobs", "4000")
    page.click("button.primary")

    page.locator("a[href$='/shares/new/']").click()
    page.select_option("#id_household", label="00417 · 李小梅")
    page.fill("#id_amount", "650")
    page.click("button.primary")
    keep_screenshot(page, "project-asset-zh-phone", full_page=True)

    page.locator("#incomes ul.shares a", has_text="00417").click()
    flows = page.locator("table.income-flows")
    expect(flows).to_contain_text("茶叶初制所厂房")
    expect(flows).to_contain_text("650")
    flows.locator("a").click()
    expect(page.locator("h1")).to_have_text("茶叶初制所厂房")

    page.goto(project_url)
    keep_screenshot(page, "project-zh-phone", full_page=True)
    assert pages_wider_than_the_phone(page) == []
