"""A cadre on a phone carries a matter through 四议两公开: the proposal, each meeting's step from
that meeting's passed item, the notices that make the resolution and its result public, and a
task from the resolution that joins the cadre's own due list: in Chinese and in English."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from conftest import pages_wider_than_the_phone
from villagedesk.governance.models import Matter, Step, Task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.timeout(120)
def test_a_matter_from_proposal_to_result_on_a_phone(
    live_server, phone_in_each_language, keep_screenshot
):
    call_command(
        "seed_demo",
        "--villages",
        "2",
        "--households",
        "20",
        "--seed",
        "11",
        "--registry-only",
        verbosity=0,
    )
    page, language = phone_in_each_language
    lang = language[:2]
    today = timezone.localdate()
    url = live_server.url

    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", "cadre1")
    page.fill("#id_password", "demo12345")
    page.click("button.primary")

    page.goto(f"{url}/decisions/matters/new/")
    page.fill("#id_title", "3组至5组道路硬化")
    page.select_option("#id_kind", "public_works")
    page.click("button.primary")
    matter_url = page.url
    page.fill("#next-step textarea[name=note]", "支部征求意见后提议")
    page.click("#next-step button.primary")

    for kind, due, present in (
        ("two_committee", 7, 7),
        ("party_members", 30, 22),
        ("representatives", 45, 31),
    ):
        page.goto(f"{url}/decisions/meetings/new/")
        page.select_option("#id_kind", kind)
        page.fill("#id_chair", "王建华")
        page.fill("#id_due", str(due))
        page.fill("#id_present", str(present))
        page.click("button.primary")
        page.locator("a[href$='/items/new/']").click()
        page.fill("#id_title", "3组至5组道路硬化")
        page.fill("#id_votes_for", str(present - 1))
        page.fill("#id_votes_against", "1")
        page.click("button.primary")
        if kind == "representatives":
            keep_screenshot(page, f"meeting-quorum-{lang}-phone", full_page=True)
            page.locator("a[href*='/tasks/new/']").first.click()
            page.fill("#id_title", "落实施工队伍并签订合同")
            page.select_option("#id_owner", label="李文斌")
            page.fill("#id_due_on", (today + datetime.timedelta(days=2)).isoformat())
            page.click("button.primary")
        page.goto(matter_url)
        page.select_option("#id_item", index=1)
        page.click("#next-step button.primary")

    for title in ("关于道路硬化的决议公开", "关于道路硬化的实施结果公开"):
        page.goto(f"{url}/decisions/notices/new/")
        page.select_option("#id_category", "village")
        page.fill("#id_title", title)
        page.fill("#id_text", "经村民代表会议表决通过，现予公开，请村民监督。")
        page.fill("#id_place", "村务公开栏")
        page.click("button.primary")
        page.goto(matter_url)
        page.select_option("#id_notice", index=1)
        page.click("#next-step button.primary")

    path = page.locator("#path")
    for title in ("关于道路硬化的决议公开", "关于道路硬化的实施结果公开", "3组至5组道路硬化"):
        assert title in path.inner_text()
    assert page.locator("#next-step").count() == 0
    page.evaluate("window.scrollTo(0, 0)")
    keep_screenshot(page, f"matter-path-{lang}-phone", full_page=True)

    page.goto(f"{url}/")
    assert "落实施工队伍并签订合同" in page.locator(".due-list").inner_text()
    assert pages_wider_than_the_phone(page) == []

    matter = Matter.objects.get()
    assert matter.step == Step.RESULT_PUBLIC
    assert [s.step for s in matter.steps.order_by("id")] == list(Step)
    assert Task.objects.get().owner.username == "cadre1"
