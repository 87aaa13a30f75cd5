import datetime

import pytest
from django.core.management import call_command
from django.http import Http404
from django.utils import timezone

from villagedesk.accounts.models import User
from villagedesk.areas.models import Area
from villagedesk.fieldwork import selectors
from villagedesk.fieldwork.codes import KeyGroup, ProblemStatus
from villagedesk.fieldwork.models import KeyGroupTag, VillageSetting, Visit
from villagedesk.fieldwork.tests.factories import make_problem, make_visit
from villagedesk.registry.codes import HouseholdStatus
from villagedesk.registry.models import Household

pytestmark = pytest.mark.django_db


def this_month() -> selectors.Period:
    today = timezone.localdate()
    return selectors.Period(since=today - datetime.timedelta(days=29), until=today)


def test_coverage_matches_a_direct_count_over_the_demo_county():
    call_command(
        "seed_demo",
        "--villages",
        "2",
        "--households",
        "60",
        "--seed",
        "5",
        "--registry-only",
        verbosity=0,
    )
    cadre = User.objects.get(username="cadre1")
    village_code = cadre.area_prefixes()[0].ljust(12, "0")
    households = list(Household.objects.filter(area_code=village_code).order_by("pk"))
    other = Household.objects.exclude(area_code=village_code).first()
    for household in households[:10]:
        make_visit(household=household, visitor=cadre, days_ago=2)
    # A household visited twice counts once; one met only through a member counts too.
    make_visit(household=households[0], visitor=cadre, days_ago=1)
    by_member = Visit.objects.create(
        village=households[10].village, visitor=cadre, visited_on=timezone.localdate()
    )
    by_member.persons.set([households[10].members.first()])
    # Visits outside the period and in another village never count.
    make_visit(household=households[11], visitor=cadre, days_ago=90)
    make_visit(household=other, visitor=cadre, days_ago=1)

    result = selectors.coverage(user=cadre, village_code=village_code, period=this_month())

    visited_ids = set()
    for visit in Visit.objects.filter(visited_on__gte=this_month().since):
        met = {visit.household_id} | {p.household_id for p in visit.persons.all()}
        visited_ids |= {h.pk for h in households if h.pk in met}
    assert result.households == len(households)
    assert result.visited == len(visited_ids) == 11
    assert result.never_visited == len(households) - 11
    assert sum(row["visited"] for row in result.groups) == 11
    assert sum(row["households"] for row in result.groups) == len(households)
    assert households[11] in result.unvisited and households[0] not in result.unvisited


def test_coverage_of_another_village_is_404(cadre_a, village_b):
    with pytest.raises(Http404):
        selectors.coverage(user=cadre_a, village_code=village_b.code, period=this_month())


def test_key_groups_reached_count_persons_met(cadre_a, household_a):
    head, spouse = household_a.members.order_by("id")
    KeyGroupTag.objects.create(person=head, group=KeyGroup.PARTY)
    KeyGroupTag.objects.create(person=spouse, group=KeyGroup.PARTY)
    make_visit(household=household_a, visitor=cadre_a, persons=[head])
    result = selectors.coverage(
        user=cadre_a, village_code=household_a.area_code, period=this_month()
    )
    party = next(row for row in result.key_groups if row["group"] == KeyGroup.PARTY)
    assert (party["tagged"], party["reached"]) == (2, 1)


def test_poor_household_not_visited_within_the_village_interval_is_listed(cadre_a, household_a):
    VillageSetting.objects.create(village=household_a.village, visit_interval_days=10)
    make_visit(household=household_a, visitor=cadre_a, days_ago=15)
    result = selectors.coverage(
        user=cadre_a, village_code=household_a.area_code, period=this_month()
    )
    assert list(result.stale) == [household_a]
    make_visit(household=household_a, visitor=cadre_a, days_ago=3)
    result = selectors.coverage(
        user=cadre_a, village_code=household_a.area_code, period=this_month()
    )
    assert not result.stale.exists()
    assert household_a.status == HouseholdStatus.POOR


def test_due_list_holds_follow_ups_and_problems_of_the_users_villages(
    cadre_a, cadre_b, household_a, household_b, village_a
):
    today = timezone.localdate()
    make_visit(
        household=household_a,
        visitor=cadre_a,
        follow_up="送医保材料",
        follow_up_due=today - datetime.timedelta(days=1),
    )
    make_visit(household=household_b, visitor=cadre_b, follow_up="B", follow_up_due=today)
    make_visit(
        household=household_a,
        visitor=cadre_a,
        follow_up="很久以后",
        follow_up_due=today + datetime.timedelta(days=60),
    )
    make_problem(village=village_a, by=cadre_a, title="路灯", due_on=today)
    make_problem(village=village_a, by=cadre_a, title="已解决", due_on=today, status="solved")
    items, total = selectors.due_list(user=cadre_a)
    assert [i.title for i in items] == ["送医保材料", "路灯"]
    assert total == 2
    assert items[0].overdue and not items[1].overdue


def test_cadre_sees_no_problems_of_another_village(cadre_a, cadre_b, village_b):
    problem = make_problem(village=village_b, by=cadre_b)
    assert not selectors.problem_list(user=cadre_a).exists()
    with pytest.raises(Http404):
        selectors.problem_get(user=cadre_a, pk=problem.pk)


def test_overdue_filter_leaves_out_solved_problems(cadre_a, village_a):
    late = timezone.localdate() - datetime.timedelta(days=3)
    open_one = make_problem(village=village_a, by=cadre_a, due_on=late)
    make_problem(village=village_a, by=cadre_a, due_on=late, status=ProblemStatus.SOLVED)
    problems = selectors.problem_list(user=cadre_a, filters=selectors.ProblemFilters(overdue=True))
    assert list(problems) == [open_one]


def test_village_committee_gets_404_on_people_notes(committee_a, household_a):
    with pytest.raises(Http404):
        selectors.person_notes_get(user=committee_a, pk=household_a.members.first().pk)


def test_supervisor_reads_people_notes(county_supervisor, household_a):
    person, notes = selectors.person_notes_get(
        user=county_supervisor, pk=household_a.members.first().pk
    )
    assert notes == []
    assert Area.objects.filter(code=person.area_code).exists()
