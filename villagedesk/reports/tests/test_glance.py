"""The village at a glance (issue 18): every figure equals the figure of the page that shows it
in full, the page is scoped to the user's villages, and it prints on A4."""

import datetime
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from villagedesk.accounts.models import User
from villagedesk.areas.models import Area, Level
from villagedesk.directory.profile import village_figures
from villagedesk.fieldwork import selectors as fieldwork
from villagedesk.fieldwork.models import Problem
from villagedesk.fieldwork.tests.factories import make_problem, make_visit
from villagedesk.registry.tests.factories import HouseholdFactory, PersonFactory
from villagedesk.reports import glance as glances
from villagedesk.welfare import selectors as welfare
from villagedesk.welfare.codes import GapKind


@pytest.fixture
def demo(db):
    call_command("seed_demo", "--villages", "2", "--households", "60", "--seed", "3", verbosity=0)
    village_a, village_b = Area.objects.filter(level=Level.VILLAGE).order_by("code")
    return village_a, village_b


def number(html: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}">([^<]*)<', html)
    assert found, element_id
    return found.group(1)


def test_glance_figures_equal_the_figures_of_each_page(demo, client):
    village, _other = demo
    cadre = User.objects.get(username="cadre1")
    today = timezone.localdate()
    glance = glances.village_glance(user=cadre, code=village.code)

    profile = village_figures(prefix=village.prefix, today=today)
    assert glance.figures == profile
    assert glance.figures.households > 0

    for month in glance.coverage:
        period = fieldwork.Period(*fieldwork.month_bounds(month.month))
        page = fieldwork.coverage(user=cadre, village_code=village.code, period=period)
        assert (month.households, month.visited) == (page.households, page.visited)
    assert sum(month.visited for month in glance.coverage) > 0

    problems = Problem.objects.filter(area_code=village.code)
    for code, _label, n in glance.problems_by_status:
        assert n == problems.filter(status=code).count()
    for code, _label, n in glance.problems_by_category:
        assert n == problems.filter(category=code).count()
    assert glance.problems == problems.count() > 0
    overdue = fieldwork.problem_list(
        user=cadre, filters=fieldwork.ProblemFilters(village=village.code, overdue=True)
    )
    assert glance.problems_overdue == overdue.count()

    for gap in glance.gaps:
        if gap.error:
            continue
        policy = welfare.policy_get(code=gap.code)
        lines = welfare.gap_lines(user=cadre, policy=policy, area=village, day=today)
        assert gap.not_enrolled == sum(1 for x in lines if x.kind == GapKind.ELIGIBLE_NOT_ENROLLED)
        assert gap.not_eligible == sum(1 for x in lines if x.kind == GapKind.ENROLLED_NOT_ELIGIBLE)

    cases = welfare.monitored_list(user=cadre, year=today.year, area=village)
    assert glance.monitored == cases.count()
    assert glance.monitored_open == cases.filter(risk_eliminated_on__isnull=True).count()

    client.force_login(cadre)
    html = client.get(reverse("reports:village-glance", args=[village.code])).content.decode()
    assert number(html, "fig-households") == str(profile.households)
    assert number(html, "fig-persons") == str(profile.persons)
    assert number(html, "fig-visited") == str(glance.coverage[-1].visited)
    assert number(html, "fig-problems-open") == str(glance.problems_open)
    assert number(html, "fig-monitored") == str(cases.count())


def test_a_visit_this_month_moves_the_glance_coverage_by_one_household(village_a, cadre_a):
    household = HouseholdFactory(village=village_a)
    HouseholdFactory(village=village_a)
    before = glances.village_glance(user=cadre_a, code=village_a.code).this_month
    assert (before.households, before.visited) == (2, 0)
    # Met through a member counts as the household met, as on the coverage page.
    member = PersonFactory(household=household)
    make_visit(household=HouseholdFactory(village=village_a), visitor=cadre_a, persons=[member])
    after = glances.village_glance(user=cadre_a, code=village_a.code).this_month
    assert (after.households, after.visited) == (3, 2)


def test_due_list_of_the_glance_holds_only_its_village(village_a, village_b, county_supervisor):
    soon = timezone.localdate() + datetime.timedelta(days=1)
    mine = make_problem(village=village_a, by=county_supervisor, due_on=soon, title="甲村路灯")
    make_problem(village=village_b, by=county_supervisor, due_on=soon, title="乙村路灯")
    glance = glances.village_glance(user=county_supervisor, code=village_a.code)
    assert [item.title for item in glance.due] == [mine.title]
    assert glance.due_total == 1


def test_cadre_cannot_open_the_glance_of_another_village(client, cadre_a, village_a, village_b):
    client.force_login(cadre_a)
    assert client.get(reverse("reports:village-glance", args=[village_a.code])).status_code == 200
    assert client.get(reverse("reports:village-glance", args=[village_b.code])).status_code == 404
    township = village_a.parent.code
    assert client.get(reverse("reports:village-glance", args=[township])).status_code == 404
    assert client.get(reverse("reports:village-glance", args=["nonsense"])).status_code == 404


def test_county_supervisor_opens_every_village_glance(
    client, county_supervisor, village_a, village_b
):
    client.force_login(county_supervisor)
    for village in (village_a, village_b):
        response = client.get(reverse("reports:village-glance", args=[village.code]))
        assert response.status_code == 200


def test_glance_prints_on_a4_without_the_menu(client, cadre_a, village_a):
    client.force_login(cadre_a)
    html = client.get(reverse("reports:village-glance", args=[village_a.code])).content.decode()
    assert "reports/glance.css" in html
    css = finders.find("reports/glance.css")
    text = open(css, encoding="utf-8").read().replace(" ", "")
    assert "@page{size:A4" in text
    assert ".topbar,.menu" in text and "display:none!important" in text


def test_a_problem_title_reaches_the_page_as_text_only(client, cadre_a, village_a):
    soon = timezone.localdate() + datetime.timedelta(days=1)
    make_problem(village=village_a, by=cadre_a, due_on=soon, title="<img src=x onerror=alert(1)>")
    client.force_login(cadre_a)
    html = client.get(reverse("reports:village-glance", args=[village_a.code])).content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert '<script id="glance-charts" type="application/json">' in html


def test_the_glance_offers_reports_only_to_those_who_may_have_them_written(
    client, cadre_a, committee_a, village_a
):
    page = reverse("reports:village-glance", args=[village_a.code])
    start = reverse("reports:document-start")
    client.force_login(committee_a)
    assert start not in client.get(page).content.decode()
    client.force_login(cadre_a)
    assert start in client.get(page).content.decode()
