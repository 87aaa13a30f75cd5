"""Each measure of each step equals a count written here directly over a seeded demo county
(issue 18: "each step's measure equals a direct count over a seeded village"); the bulk call
equals the single calls; the number of queries does not grow with the villages."""

import datetime

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from villagedesk.accounts.models import User
from villagedesk.areas.models import Area, Level, PointOfInterest, VillageNote
from villagedesk.development.models import Consultation, SupportRequest
from villagedesk.directory.models import Contact, Organisation
from villagedesk.economy.models import Cooperative
from villagedesk.fieldwork.codes import KeyGroup
from villagedesk.fieldwork.models import KeyGroupTag, PersonNote, Problem, VillageSetting, Visit
from villagedesk.governance.models import AgendaItem, Briefing, Matter, Task
from villagedesk.organisation.models import GroupHousehold, Talent, Training
from villagedesk.playbook.measures import MEASURES, STEPS, Measure, measures_of
from villagedesk.projects.models import IndustryPlan, Project
from villagedesk.registry.models import Household, Person
from villagedesk.welfare.models import GapCheck, GapReferral, HouseholdHelper, Policy

TODAY = timezone.localdate()
SINCE_90 = TODAY - datetime.timedelta(days=89)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Three demo villages, with what the demo leaves empty added by hand so that no measure is
    zero everywhere: a people note, a briefing, a checked gap, a recent visit to a household in
    need, a person missing a field of the national form, a village with its own visit interval."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command(
            "seed_demo", "--villages", "3", "--households", "90", "--seed", "5", verbosity=0
        )
        codes = list(
            Area.objects.filter(level=Level.VILLAGE).order_by("code").values_list("code", flat=True)
        )
        first = codes[0]
        author = User.objects.filter(assignments__area__code=first).first()
        person = Person.objects.filter(area_code=first).order_by("pk").first()
        PersonNote.objects.create(
            person=person, attitude="eager", influence="high", recorded_by=author
        )
        Person.objects.filter(pk=person.pk).update(labour="")
        matter = Matter.objects.filter(area_code=first).first()
        Briefing.objects.create(
            village=matter.village, matter=matter, direction="up", channel="meeting", summary="汇报"
        )
        policy = Policy.objects.order_by("pk").first()
        household = Household.objects.filter(area_code=first).order_by("pk").first()
        GapCheck.objects.create(
            policy=policy,
            household=household,
            kind="eligible_not_enrolled",
            reason="已核实",
            fingerprint="x",
            checked_by=author,
        )
        for code in codes:
            needy = Household.objects.filter(area_code=code, status__in=["poor", "monitored"])
            if needy.exists():
                Visit.objects.create(
                    village=Area.objects.get(code=code),
                    household=needy.order_by("pk").first(),
                    visitor=author,
                    visited_on=TODAY - datetime.timedelta(days=12),
                    kind="home",
                )
                VillageSetting.objects.update_or_create(
                    village=Area.objects.get(code=code), defaults={"visit_interval_days": 14}
                )
                break
        yield codes
        transaction.set_rollback(True)


pytestmark = pytest.mark.django_db


def figure(code: str, key: str) -> Measure:
    return next(m for m in measures_of([code], today=TODAY)[code] if m.key == key)


def figures(code: str, key: str) -> tuple[int, int | None]:
    m = figure(code, key)
    return m.numerator, m.denominator


def households_met(code: str, since: datetime.date) -> set[int]:
    visits = Visit.objects.filter(area_code=code, visited_on__gte=since, visited_on__lte=TODAY)
    direct = set(visits.exclude(household=None).values_list("household_id", flat=True))
    through = set(
        Visit.persons.through.objects.filter(visit__in=visits).values_list(
            "person__household_id", flat=True
        )
    )
    return direct | through


def test_every_step_has_a_measure_and_a_title(demo):
    assert [s.number for s in STEPS] == list(range(1, 11))
    steps = {step for step, _label, _share in MEASURES.values()}
    assert steps == set(range(1, 11))
    for code, measures in measures_of(demo, today=TODAY).items():
        assert [m.key for m in measures] == list(MEASURES)
        assert code in demo


def test_step_1_offices_of_the_county_and_township(demo):
    for code in demo:
        county = Organisation.objects.filter(area_code=code[:6] + "000000")
        kinds = set(county.values_list("kind", flat=True)) & {
            "party_committee",
            "government",
            "department",
        }
        assert figures(code, "county_offices") == (len(kinds), 3)
        township = Organisation.objects.filter(area_code=code[:9] + "000")
        kinds = set(township.values_list("kind", flat=True)) & {"party_committee", "government"}
        assert figures(code, "township_offices") == (len(kinds), 2)


def test_step_1_a_township_without_its_offices_counts_none(demo):
    code = demo[0]
    Organisation.objects.filter(area_code=code[:9] + "000", kind="government").delete()
    assert figures(code, "township_offices") == (1, 2)


def test_step_2_village_committees_units_and_former_cadres(demo):
    for code in demo:
        kinds = set(Organisation.objects.filter(area_code=code).values_list("kind", flat=True))
        expected = {"party_branch", "villagers_committee", "supervision_committee"}
        assert figures(code, "village_offices") == (len(kinds & expected), 3)
        units = {
            c.organisation_id
            for c in Contact.objects.filter(area_code=code, kind="current").select_related(
                "organisation"
            )
            if c.organisation and c.organisation.kind in ("home_unit", "assisting_unit")
        }
        assert figures(code, "helping_units") == (len(units), None)
        former = [
            c
            for c in Contact.objects.filter(area_code=code)
            if c.kind in ("former_cadre", "former_secretary")
        ]
        assert figures(code, "former_cadres") == (len(former), None)
        assert figure(code, "former_cadres").numerator > 0


def test_step_3_points_notes_and_a_complete_registry(demo):
    for code in demo:
        categories = set(
            PointOfInterest.objects.filter(area_code=code).values_list("category", flat=True)
        )
        expected = {"office", "school", "clinic", "water", "fire", "venue"}
        assert figures(code, "expected_points") == (len(categories & expected), 6)
        topics = set(VillageNote.objects.filter(area_code=code).values_list("topic", flat=True))
        assert figures(code, "history_notes") == (
            len(topics & {"history", "customs", "notable_people"}),
            3,
        )
        persons = list(Person.objects.filter(area_code=code))
        complete = [
            p
            for p in persons
            if p.id_number
            and p.ethnicity
            and p.political_status
            and (p.education or p.schooling)
            and p.labour
        ]
        assert figures(code, "registry_complete") == (len(complete), len(persons))
    assert figure(demo[0], "registry_complete").share < 1


def test_step_3_a_village_with_no_points_still_expects_six(demo):
    code = demo[1]
    PointOfInterest.objects.filter(area_code=code).delete()
    assert figures(code, "expected_points") == (0, 6)


def test_step_4_households_visited_in_the_last_90_days(demo):
    for code in demo:
        households = Household.objects.filter(area_code=code).count()
        met = households_met(code, SINCE_90)
        assert figures(code, "households_visited") == (len(met), households)
        assert 0 < len(met) < households


def test_step_4_each_key_group_reached_in_the_last_90_days(demo):
    for code in demo:
        met = set(
            Visit.persons.through.objects.filter(
                visit__visited_on__gte=SINCE_90, visit__visited_on__lte=TODAY
            ).values_list("person_id", flat=True)
        )
        for group in KeyGroup.values:
            tags = list(KeyGroupTag.objects.filter(area_code=code, group=group))
            reached = [t for t in tags if t.person_id in met]
            assert figures(code, f"key_group_{group}") == (len(reached), len(tags))


def test_step_4_the_coverage_page_shows_the_same_figures(demo, cadre_of):
    from villagedesk.fieldwork.selectors import Period, coverage

    for code in demo:
        result = coverage(
            user=cadre_of(code), village_code=code, period=Period(since=SINCE_90, until=TODAY)
        )
        assert figures(code, "households_visited") == (result.visited, result.households)
        for row in result.key_groups:
            assert figures(code, f"key_group_{row['group'].value}") == (
                row["reached"],
                row["tagged"],
            )


def test_step_5_notes_and_problems_with_causes(demo):
    for code in demo:
        notes = PersonNote.objects.filter(area_code=code).count()
        assert figures(code, "people_notes") == (notes, None)
        problems = list(Problem.objects.filter(area_code=code))
        assert figures(code, "problems") == (len(problems), None)
        with_causes = [p for p in problems if p.subjective_causes or p.objective_causes]
        assert figures(code, "problems_with_causes") == (len(with_causes), len(problems))
        solved = [p for p in problems if p.status == "solved"]
        assert figures(code, "problems_solved") == (len(solved), len(problems))
    assert figure(demo[0], "people_notes").numerator == 1


def test_step_6_consultations_requests_and_natives(demo):
    for code in demo:
        assert figures(code, "consultations") == (
            Consultation.objects.filter(area_code=code).count(),
            None,
        )
        requests = [r for r in SupportRequest.objects.filter(area_code=code) if r.status != "draft"]
        assert figures(code, "requests") == (len(requests), None)
        answered = [r for r in requests if r.status in ("granted", "partly")]
        assert figures(code, "requests_answered") == (len(answered), len(requests))
        natives = Contact.objects.filter(area_code=code, kind="native").count()
        assert figures(code, "natives") == (natives, None)


def test_step_7_decisions_tasks_and_briefings(demo):
    for code in demo:
        passed = AgendaItem.objects.filter(meeting__village__code=code, result="passed").count()
        assert figures(code, "decisions") == (passed, None)
        due = [
            t
            for t in Task.objects.filter(village__code=code)
            if t.due_on < TODAY and t.status != "dropped"
        ]
        done = [t for t in due if t.status == "done"]
        assert figures(code, "tasks_done") == (len(done), len(due))
        briefings = Briefing.objects.filter(village__code=code).count()
        assert figures(code, "briefings") == (briefings, None)
    assert figure(demo[0], "briefings").numerator == 1


def test_step_7_a_task_counts_once_its_due_date_has_passed_unless_dropped(demo):
    code = demo[0]
    done, due = figures(code, "tasks_done")
    task = Task.objects.filter(area_code=code, due_on__gte=TODAY).exclude(status="dropped").first()
    Task.objects.filter(pk=task.pk).update(due_on=TODAY - datetime.timedelta(days=1), status="open")
    assert figures(code, "tasks_done") == (done, due + 1)
    Task.objects.filter(pk=task.pk).update(status="done")
    assert figures(code, "tasks_done") == (done + 1, due + 1)
    Task.objects.filter(pk=task.pk).update(status="dropped")
    assert figures(code, "tasks_done") == (done, due)


def test_step_8_households_in_need_visited_helped_and_gaps_checked(demo):
    for code in demo:
        setting = VillageSetting.objects.filter(village__code=code).first()
        interval = setting.visit_interval_days if setting else 30
        needy = set(
            Household.objects.filter(area_code=code, status__in=["poor", "monitored"]).values_list(
                "pk", flat=True
            )
        )
        recent = households_met(code, TODAY - datetime.timedelta(days=interval - 1))
        assert figures(code, "in_need_visited") == (len(needy & recent), len(needy))
        helped = {
            h.household_id
            for h in HouseholdHelper.objects.filter(household_id__in=needy)
            if h.starts_on <= TODAY and (h.ends_on is None or h.ends_on >= TODAY)
        }
        assert figures(code, "in_need_helped") == (len(helped), len(needy))
        reviewed = (
            GapCheck.objects.filter(household__village__code=code).count()
            + GapReferral.objects.filter(household__village__code=code).count()
        )
        assert figures(code, "gaps_reviewed") == (reviewed, None)
    assert figure(demo[0], "gaps_reviewed").numerator == 1
    assert sum(figure(code, "in_need_visited").numerator for code in demo) == 1


def test_step_8_the_visit_interval_is_the_villages_own(demo):
    """A visit 12 days ago counts within a 14-day interval and not within a 10-day one."""
    code = next(c for c in demo if VillageSetting.objects.filter(village__code=c).exists())
    assert figure(code, "in_need_visited").numerator == 1
    VillageSetting.objects.filter(village__code=code).update(visit_interval_days=10)
    assert figure(code, "in_need_visited").numerator == 0


def test_step_9_plans_projects_and_cooperatives(demo):
    for code in demo:
        plans = IndustryPlan.objects.filter(village__code=code, year=TODAY.year).count()
        assert figures(code, "industry_plan") == (plans, None)
        projects = list(Project.objects.filter(village__code=code))
        assert figures(code, "projects") == (len(projects), None)
        built = [p for p in projects if p.stage in ("acceptance", "settlement", "handover")]
        assert figures(code, "projects_built") == (len(built), len(projects))
        cooperatives = Cooperative.objects.filter(village__code=code).count()
        assert figures(code, "cooperatives") == (cooperatives, None)


def test_step_10_groups_trainings_and_talents(demo):
    from villagedesk.organisation.selectors import group_coverage

    for code in demo:
        households = Household.objects.filter(area_code=code).count()
        places = GroupHousehold.objects.filter(group__village__code=code).count()
        assert figures(code, "households_grouped") == (places, households)
        shown = group_coverage(village=Area.objects.get(code=code))
        assert figures(code, "households_grouped") == (shown.grouped, shown.households)
        trainings = Training.objects.filter(village__code=code, held_on__year=TODAY.year).count()
        assert figures(code, "trainings") == (trainings, None)
        talents = Talent.objects.filter(person__household__village__code=code).count()
        assert figures(code, "talents") == (talents, None)


def test_the_bulk_call_equals_the_single_calls(demo):
    together = measures_of(demo, today=TODAY)
    for code in demo:
        assert together[code] == measures_of([code], today=TODAY)[code]


def test_the_queries_do_not_grow_with_the_villages(demo):
    with CaptureQueriesContext(connection) as one:
        measures_of(demo[:1], today=TODAY)
    with CaptureQueriesContext(connection) as three:
        measures_of(demo, today=TODAY)
    assert len(one) == len(three)
    assert len(three) <= 30


def test_no_codes_no_queries_and_unknown_codes_count_nothing(demo, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert measures_of([]) == {}
    measures = measures_of(["110101001001"], today=TODAY)["110101001001"]
    assert all(m.numerator == 0 for m in measures)
    assert {m.denominator for m in measures if m.share is not None} <= {2, 3, 6}


def test_a_share_and_a_plain_count():
    share = Measure(step=4, key="k", label="l", numerator=1, denominator=4)
    assert share.share == 0.25 and share.percent == 25
    count = Measure(step=5, key="k", label="l", numerator=7, denominator=None)
    assert count.share is None and count.percent is None
    empty = Measure(step=4, key="k", label="l", numerator=0, denominator=0)
    assert empty.share is None


@pytest.fixture
def cadre_of():
    def of(code: str) -> User:
        return User.objects.filter(assignments__area__code=code, assignments__role="cadre").first()

    return of
