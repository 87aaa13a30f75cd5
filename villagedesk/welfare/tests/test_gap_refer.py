"""Gap-report lines turned into fieldwork problems and follow-ups: in scope only, once per open
line, with the policy and the failing conditions named."""

import datetime

from django.utils import timezone

from villagedesk.fieldwork.codes import ProblemCategory, ProblemStatus
from villagedesk.fieldwork.models import Problem
from villagedesk.fieldwork.selectors import due_list
from villagedesk.welfare.codes import GapKind
from villagedesk.welfare.models import GapReferral
from villagedesk.welfare.selectors import gap_lines
from villagedesk.welfare.tests.test_gap_report import DAY, planted  # noqa: F401 -- fixture

URL = "/welfare/gaps/refer/?year=2025"


def refer(client, household, kind, **extra):
    return client.post(URL, {"policy": "dibao", "household": household.pk, "kind": kind, **extra})


def test_a_line_becomes_one_problem_naming_policy_and_failing_conditions(
    planted,  # noqa: F811
    cadre_a,
    client,
    village_a,
):
    dibao, h = planted
    target = h["ineligible_enrolled"]
    client.force_login(cadre_a)
    first = refer(client, target, GapKind.ENROLLED_NOT_ELIGIBLE)
    again = refer(client, target, GapKind.ENROLLED_NOT_ELIGIBLE)
    assert first.status_code == again.status_code == 302
    problem = Problem.objects.get()
    assert problem.category == ProblemCategory.POLICY
    assert problem.village == village_a
    assert list(problem.households.all()) == [target]
    assert problem.created_by == cadre_a and problem.due_on is None
    assert dibao.name in problem.title and target.number in problem.title
    assert "Conditions not met" in problem.description
    # The household's own per-capita figure against the standard.
    assert ": 10,000 (standard 6,000)" in problem.description
    line = next(
        x
        for x in gap_lines(user=cadre_a, policy=dibao, area=village_a, day=DAY)
        if x.household == target
    )
    assert line.referral.problem == problem
    page = client.get("/welfare/gaps/?policy=dibao&year=2025")
    assert problem.get_absolute_url().encode() in page.content


def test_a_solved_problem_lets_the_line_be_referred_again(planted, cadre_a, client):  # noqa: F811
    _, h = planted
    client.force_login(cadre_a)
    refer(client, h["eligible_missing_1"], GapKind.ELIGIBLE_NOT_ENROLLED)
    Problem.objects.update(status=ProblemStatus.SOLVED)
    refer(client, h["eligible_missing_1"], GapKind.ELIGIBLE_NOT_ENROLLED)
    assert Problem.objects.count() == 2
    assert GapReferral.objects.count() == 2


def test_a_follow_up_is_a_problem_owned_and_due_and_is_listed_as_due(
    planted,  # noqa: F811
    cadre_a,
    client,
):
    _, h = planted
    client.force_login(cadre_a)
    due = timezone.localdate() + datetime.timedelta(days=3)
    refer(
        client,
        h["eligible_missing_1"],
        GapKind.ELIGIBLE_NOT_ENROLLED,
        follow_up="1",
        due_on=due.isoformat(),
    )
    problem = Problem.objects.get()
    assert problem.owner == cadre_a and problem.due_on == due
    assert "no enrolment" in problem.description
    items, _total = due_list(user=cadre_a)
    assert [i.url for i in items] == [problem.get_absolute_url()]


def test_a_follow_up_needs_a_date_not_in_the_past(planted, cadre_a, client):  # noqa: F811
    _, h = planted
    client.force_login(cadre_a)
    line = h["eligible_missing_1"]
    refer(client, line, GapKind.ELIGIBLE_NOT_ENROLLED, follow_up="1")
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = refer(
        client, line, GapKind.ELIGIBLE_NOT_ENROLLED, follow_up="1", due_on=yesterday.isoformat()
    )
    assert not Problem.objects.exists()
    assert "past" in str(list(response.wsgi_request._messages))


def test_a_line_of_another_village_is_404(planted, cadre_a, cadre_b, client):  # noqa: F811
    _, h = planted
    client.force_login(cadre_a)
    assert (
        refer(client, h["other_village_missing"], GapKind.ELIGIBLE_NOT_ENROLLED).status_code == 404
    )
    client.force_login(cadre_b)
    assert refer(client, h["eligible_missing_1"], GapKind.ELIGIBLE_NOT_ENROLLED).status_code == 404
    assert not Problem.objects.exists()


def test_a_household_not_on_the_report_is_refused(planted, cadre_a, client):  # noqa: F811
    _, h = planted
    client.force_login(cadre_a)
    refer(client, h["ineligible"], GapKind.ELIGIBLE_NOT_ENROLLED)
    refer(client, h["eligible_missing_1"], GapKind.ENROLLED_NOT_ELIGIBLE)
    assert not Problem.objects.exists()
