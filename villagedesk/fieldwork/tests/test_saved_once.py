"""Every create form of fieldwork adds one row when sent twice, and every edit form refuses a
save from an out-of-date form, showing what was saved meanwhile."""

import pytest
from django.urls import reverse
from django.utils import timezone

from villagedesk.core.tests.guards import (
    STALE_REFUSAL,
    answered_as_repeat,
    saved_meanwhile,
    sent_stale,
    sent_twice,
)
from villagedesk.directory.tests.factories import ContactFactory
from villagedesk.fieldwork.models import DiaryDay, KeyGroupTag, PersonNote, Problem, Visit
from villagedesk.fieldwork.tests.factories import make_problem
from villagedesk.fieldwork.tests.test_views import visit_data

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate().isoformat()

PROBLEM = {"title": "村口路灯坏了", "category": "infrastructure", "urgency": "normal"}

CREATES = {
    "visit": (
        lambda h: reverse("fieldwork:visit-create"),
        lambda h: visit_data(h),
        lambda: Visit.objects.all(),
    ),
    "problem": (
        lambda h: reverse("fieldwork:problem-create"),
        lambda h: {**PROBLEM, "village": h.area_code, "solvable": "locally"},
        lambda: Problem.objects.all(),
    ),
    "person note": (
        lambda h: reverse("fieldwork:person-notes", args=[h.members.first().pk]),
        lambda h: {"attitude": "aside", "influence": "high", "interests": "修路"},
        lambda: PersonNote.objects.all(),
    ),
    "contact note": (
        lambda h: reverse(
            "fieldwork:contact-notes", args=[ContactFactory(area=h.village, name="赵镇长").pk]
        ),
        lambda h: {"attitude": "aside", "influence": "high"},
        lambda: PersonNote.objects.all(),
    ),
    "diary day": (
        lambda h: reverse("fieldwork:diary-edit", args=[TODAY]),
        lambda h: {"village": h.area_code, "presence": "in_village", "work_done": "走访"},
        lambda: DiaryDay.objects.all(),
    ),
    "key groups": (
        lambda h: reverse("fieldwork:person-groups", args=[h.members.first().pk]),
        lambda h: {"groups": ["party"]},
        lambda: KeyGroupTag.objects.all(),
    ),
}


@pytest.mark.parametrize("form", CREATES)
def test_a_create_form_sent_twice_adds_one_row(client, cadre_a, household_a, form):
    url, data, rows = CREATES[form]
    client.force_login(cadre_a)
    first, again = sent_twice(client, url(household_a), data(household_a))
    assert rows().count() == 1
    assert answered_as_repeat(client, first, again)


def test_a_problem_edit_from_an_older_version_is_refused(client, cadre_a, committee_a, village_a):
    problem = make_problem(village=village_a, by=cadre_a)
    url = reverse("fieldwork:problem-edit", args=[problem.pk])
    client.force_login(cadre_a)
    response = sent_stale(
        client,
        url,
        {**PROBLEM, "title": "我的标题", "solvable": "locally"},
        meanwhile=lambda: saved_meanwhile(problem, by=committee_a, title="他的标题"),
    )
    page = response.content.decode()
    assert STALE_REFUSAL in page
    assert "我的标题" in page and "他的标题" in page
    problem.refresh_from_db()
    assert problem.title == "他的标题"


def test_a_diary_day_saved_from_another_device_meanwhile_is_not_overwritten(
    client, cadre_a, village_a
):
    day = DiaryDay.objects.create(
        member=cadre_a, day=timezone.localdate(), village=village_a, presence="in_village"
    )
    url = reverse("fieldwork:diary-edit", args=[TODAY])
    client.force_login(cadre_a)
    response = sent_stale(
        client,
        url,
        {"village": village_a.code, "presence": "in_village", "work_done": "写在手机上"},
        meanwhile=lambda: saved_meanwhile(day, by=cadre_a, work_done="写在电脑上"),
    )
    page = response.content.decode()
    assert STALE_REFUSAL in page
    assert "写在手机上" in page and "写在电脑上" in page
    day.refresh_from_db()
    assert day.work_done == "写在电脑上"
