"""A cadre on a phone logs a visit with a follow-up, finds it on the household and on the due
list, and turns a remark from it into a problem that is carried through to solved with a note of
what was done, which closes the visit's follow-up: in Chinese and in English."""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from conftest import pages_wider_than_the_phone
from villagedesk.accounts.models import User
from villagedesk.fieldwork.codes import ProblemStatus
from villagedesk.fieldwork.models import Problem, Visit
from villagedesk.fieldwork.tests.factories import make_problem
from villagedesk.registry.selectors import household_list

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.timeout(90)
def test_visit_follow_up_and_problem_to_solved_on_a_phone(
    live_server, phone_in_each_language, settings, tmp_path, keep_screenshot
):
    settings.MEDIA_ROOT = tmp_path
    call_command(
        "seed_demo",
        "--villages",
        "2",
        "--households",
        "40",
        "--seed",
        "11",
        "--registry-only",
        verbosity=0,
    )
    cadre = User.objects.get(username="cadre1")
    household = household_list(user=cadre).first()
    due = timezone.localdate() + datetime.timedelta(days=2)
    # Other problems of the village, for the board; written before the server is busy with the page.
    village = household.village
    make_problem(
        village=village,
        by=cadre,
        title="3组饮水管漏水",
        status=ProblemStatus.IN_PROGRESS,
        due_on=timezone.localdate() - datetime.timedelta(days=3),
    )
    make_problem(
        village=village,
        by=cadre,
        title="两户宅基地边界纠纷",
        category="dispute",
        status=ProblemStatus.ANALYSING,
        due_on=due,
    )
    make_problem(
        village=village,
        by=cadre,
        title="缺少冷库，菌子卖不上价",
        category="industry",
        status=ProblemStatus.REFERRED,
        referred_to="县农业农村局",
    )
    make_problem(village=village, by=cadre, title="垃圾清运不及时", category="environment")
    page, language = phone_in_each_language
    lang = language[:2]
    with translation.override(language):
        words = {
            "visit saved": gettext("Visit saved."),
            "make a problem": gettext("Make a problem of this"),
            "problem registered": gettext("Problem registered."),
            "cause first": gettext(
                "Write down the subjective or objective causes before moving on from analysis."
            ),
            "edit": gettext("Edit"),
            **{status: str(status.label) for status in ProblemStatus},
        }

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "cadre1")
    page.fill("#id_password", "demo12345")
    page.click("button.primary")
    expect(page.locator("h1")).to_contain_text(
        "cadre1" if not cadre.display_name else cadre.display_name
    )

    page.goto(f"{live_server.url}{household.get_absolute_url()}")
    page.locator("#fieldwork-panel a.button").click()
    expect(page.locator("h1")).to_contain_text(household.number)
    expect(page.locator("#chosen input[name=persons]").first).to_be_checked()
    page.check("input[name=topics][value=health]")
    page.check("input[name=topics][value=income]")
    page.fill("#id_said", "老人腿脚不便，想办慢病卡。")
    page.fill("#id_opinions", "村口路灯坏了，晚上出行不安全")
    page.fill("#id_follow_up", "帮助申请慢病卡")
    page.fill("#id_follow_up_due", due.isoformat())
    page.evaluate("window.scrollTo(0, 0)")
    keep_screenshot(page, f"visit-form-{lang}-phone", full_page=True)
    page.click("button.primary")

    expect(page.locator(".messages")).to_contain_text(words["visit saved"])
    expect(page.locator("#fieldwork-panel .timeline")).to_contain_text("帮助申请慢病卡")

    page.goto(f"{live_server.url}/")
    expect(page.locator(".due-list")).to_contain_text("帮助申请慢病卡")

    page.goto(f"{live_server.url}{household.get_absolute_url()}")
    page.locator("#fieldwork-panel .timeline a").first.click()
    page.get_by_role("link", name=words["make a problem"]).click()
    expect(page.locator("#id_title")).to_have_value("村口路灯坏了，晚上出行不安全")
    page.select_option("#id_category", "infrastructure")
    page.click("button.primary")
    expect(page.locator(".messages")).to_contain_text(words["problem registered"])

    page.click("button[value=analysing]")
    expect(page.locator("#problem-status")).to_have_text(words[ProblemStatus.ANALYSING])
    # Work cannot start before a cause is written down: the step is refused with a message.
    page.click("button[value=in_progress]")
    expect(page.locator(".messages")).to_contain_text(words["cause first"])
    expect(page.locator("#problem-status")).to_have_text(words[ProblemStatus.ANALYSING])
    page.get_by_role("link", name=words["edit"], exact=True).click()
    page.fill("#id_objective_causes", "路灯线路老化")
    page.click("button.primary")
    page.click("button[value=in_progress]")
    expect(page.locator("#problem-status")).to_have_text(words[ProblemStatus.IN_PROGRESS])
    page.fill("textarea[name=resolution]", "请供电所更换了线路和灯具")
    page.click("button[value=solved]")
    expect(page.locator("#problem-status")).to_have_text(words[ProblemStatus.SOLVED])
    expect(page.locator(".facts")).to_contain_text("请供电所更换了线路和灯具")

    page.goto(f"{live_server.url}/fieldwork/problems/")
    expect(page.locator(".board")).to_contain_text("村口路灯坏了")
    page.evaluate("window.scrollTo(0, 0)")
    keep_screenshot(page, f"problem-board-{lang}-phone", full_page=True)
    assert pages_wider_than_the_phone(page) == []

    visit = Visit.objects.get()
    problem = Problem.objects.get(visit=visit)
    assert visit.follow_up_due == due and visit.household == household
    assert problem.visit == visit and problem.status == ProblemStatus.SOLVED
    assert visit.follow_up_done_on == timezone.localdate()  # the visit's follow-up closes with it
    assert list(problem.history.values_list("status", flat=True).order_by("history_date")) == [
        "new",
        "analysing",
        "analysing",
        "in_progress",
        "solved",
    ]
