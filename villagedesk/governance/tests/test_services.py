"""Meetings keep their quorum and results by the rule in force; matters go through 四议两公开
step by step, each from its meeting; tasks come from resolutions; notices carry no personal data."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from villagedesk.governance import selectors, services
from villagedesk.governance.models import ItemResult, LocalRule, MatterKind, Step, Task
from villagedesk.governance.tests.factories import (
    make_item,
    make_matter,
    make_meeting,
    make_notice,
)

pytestmark = pytest.mark.django_db
DAY = datetime.date(2026, 3, 1)


def test_a_meeting_with_two_thirds_present_has_its_quorum(cadre_a, village_a):
    meeting = make_meeting(
        by=cadre_a, village=village_a, kind="representatives", due=45, present=30
    )
    assert meeting.quorate
    assert meeting.clause == "《村民委员会组织法》第二十六条"


def test_a_meeting_one_short_of_two_thirds_is_marked_without_quorum(cadre_a, village_a):
    meeting = make_meeting(
        by=cadre_a, village=village_a, kind="representatives", due=45, present=29
    )
    assert not meeting.quorate


def test_an_item_of_a_meeting_without_quorum_fails(cadre_a, village_a):
    meeting = make_meeting(
        by=cadre_a, village=village_a, kind="representatives", due=45, present=29
    )
    item = make_item(by=cadre_a, meeting=meeting, votes_for=29)
    assert item.result == ItemResult.FAILED


def test_an_item_with_exactly_half_of_those_present_fails(cadre_a, village_a):
    meeting = make_meeting(
        by=cadre_a, village=village_a, kind="representatives", due=45, present=30
    )
    assert make_item(by=cadre_a, meeting=meeting, votes_for=15).result == ItemResult.FAILED
    assert make_item(by=cadre_a, meeting=meeting, votes_for=16).result == ItemResult.PASSED


def test_an_item_without_a_vote_is_discussed(cadre_a, village_a):
    meeting = make_meeting(by=cadre_a, village=village_a, kind="two_committee", due=7, present=7)
    assert make_item(by=cadre_a, meeting=meeting).result == ItemResult.DISCUSSED


def test_votes_cannot_exceed_those_present(cadre_a, village_a):
    meeting = make_meeting(
        by=cadre_a, village=village_a, kind="representatives", due=45, present=30
    )
    with pytest.raises(ValidationError):
        make_item(by=cadre_a, meeting=meeting, votes_for=25, votes_against=6)


def test_present_cannot_exceed_due(cadre_a, village_a):
    with pytest.raises(ValidationError):
        make_meeting(by=cadre_a, village=village_a, kind="villagers", due=30, present=31)


def test_fewer_present_than_votes_already_cast_is_refused(cadre_a, village_a):
    meeting = make_meeting(
        by=cadre_a, village=village_a, kind="representatives", due=45, present=30
    )
    make_item(by=cadre_a, meeting=meeting, votes_for=20)
    meeting.present = 19
    with pytest.raises(ValidationError):
        services.meeting_save(by=cadre_a, meeting=meeting)


def test_a_correction_of_the_count_recomputes_the_results(cadre_a, village_a):
    meeting = make_meeting(
        by=cadre_a, village=village_a, kind="representatives", due=45, present=30
    )
    item = make_item(by=cadre_a, meeting=meeting, votes_for=16)
    meeting.present = 29
    services.meeting_save(by=cadre_a, meeting=meeting)
    item.refresh_from_db()
    assert item.result == ItemResult.FAILED


def test_no_one_records_a_meeting_of_another_village(cadre_a, village_b):
    with pytest.raises(PermissionDenied):
        make_meeting(by=cadre_a, village=village_b, kind="villagers")


def test_a_village_group_meeting_names_its_group(cadre_a, village_a):
    with pytest.raises(ValidationError):
        make_meeting(by=cadre_a, village=village_a, kind="village_group")
    meeting = make_meeting(
        by=cadre_a, village=village_a, kind="village_group", group=village_a.groups.first()
    )
    assert meeting.clause == "《村民委员会组织法》第二十八条"


def test_a_stricter_county_rule_applies_in_its_villages(cadre_a, village_a, county):
    LocalRule.objects.create(
        area=county,
        body="representatives",
        quorum_numerator=2,
        quorum_denominator=3,
        majority_numerator=1,
        majority_denominator=2,
        majority_more_than=True,
        majority_of_all=True,
    )
    meeting = make_meeting(
        by=cadre_a, village=village_a, kind="representatives", due=45, present=30
    )
    assert make_item(by=cadre_a, meeting=meeting, votes_for=16).result == ItemResult.FAILED
    assert make_item(by=cadre_a, meeting=meeting, votes_for=23).result == ItemResult.PASSED


def test_a_local_rule_looser_than_the_law_is_refused(county):
    rule = LocalRule(
        area=county,
        body="party_members",
        quorum_numerator=1,
        quorum_denominator=2,
        majority_numerator=1,
        majority_denominator=2,
    )
    with pytest.raises(ValidationError):
        rule.full_clean()


def passed_item(by, village, kind, held_on, **meeting):
    held = make_meeting(by=by, village=village, kind=kind, held_on=held_on, **meeting)
    return make_item(by=by, meeting=held, votes_for=held.present)


def carried_to_resolution(by, village, matter):
    services.matter_step_record(by=by, matter=matter, step=Step.PROPOSAL, done_on=DAY)
    for step, kind, days in (
        (Step.TWO_COMMITTEE, "two_committee", 2),
        (Step.PARTY_REVIEW, "party_members", 5),
        (Step.RESOLUTION, "representatives", 9),
    ):
        item = passed_item(by, village, kind, DAY + datetime.timedelta(days=days))
        services.matter_step_record(by=by, matter=matter, step=step, item=item)
    return item


def test_a_matter_goes_from_proposal_to_implementation_result(cadre_a, village_a):
    matter = make_matter(by=cadre_a, village=village_a)
    resolution = carried_to_resolution(cadre_a, village_a, matter)
    notice = make_notice(by=cadre_a, village=village_a, posted_on=DAY + datetime.timedelta(days=10))
    services.matter_step_record(
        by=cadre_a, matter=matter, step=Step.RESOLUTION_PUBLIC, notice=notice
    )
    result = make_notice(
        by=cadre_a, village=village_a, posted_on=DAY + datetime.timedelta(days=60), title="结果"
    )
    services.matter_step_record(by=cadre_a, matter=matter, step=Step.RESULT_PUBLIC, notice=result)
    matter.refresh_from_db()
    assert matter.step == Step.RESULT_PUBLIC
    assert matter.next_step is None
    path = selectors.matter_path(matter=matter)
    assert [p.step for p in path] == list(Step)
    assert all(p.done for p in path)
    assert path[3].done.item == resolution
    assert path[3].done.done_on == resolution.meeting.held_on


def test_a_step_cannot_be_skipped(cadre_a, village_a):
    matter = make_matter(by=cadre_a, village=village_a)
    services.matter_step_record(by=cadre_a, matter=matter, step=Step.PROPOSAL, done_on=DAY)
    item = passed_item(cadre_a, village_a, "party_members", DAY)
    with pytest.raises(ValidationError, match="no step is skipped"):
        services.matter_step_record(by=cadre_a, matter=matter, step=Step.PARTY_REVIEW, item=item)


def test_a_step_cannot_be_recorded_twice(cadre_a, village_a):
    matter = make_matter(by=cadre_a, village=village_a)
    services.matter_step_record(by=cadre_a, matter=matter, step=Step.PROPOSAL, done_on=DAY)
    with pytest.raises(ValidationError):
        services.matter_step_record(by=cadre_a, matter=matter, step=Step.PROPOSAL, done_on=DAY)


def test_a_step_cannot_be_dated_before_the_one_before(cadre_a, village_a):
    matter = make_matter(by=cadre_a, village=village_a)
    services.matter_step_record(by=cadre_a, matter=matter, step=Step.PROPOSAL, done_on=DAY)
    item = passed_item(cadre_a, village_a, "two_committee", DAY - datetime.timedelta(days=1))
    with pytest.raises(ValidationError, match="cannot come before"):
        services.matter_step_record(by=cadre_a, matter=matter, step=Step.TWO_COMMITTEE, item=item)
    same_day = passed_item(cadre_a, village_a, "two_committee", DAY)
    services.matter_step_record(by=cadre_a, matter=matter, step=Step.TWO_COMMITTEE, item=same_day)


def test_a_step_rests_on_a_meeting_of_its_kind(cadre_a, village_a):
    matter = make_matter(by=cadre_a, village=village_a)
    services.matter_step_record(by=cadre_a, matter=matter, step=Step.PROPOSAL, done_on=DAY)
    item = passed_item(cadre_a, village_a, "party_members", DAY)
    with pytest.raises(ValidationError):
        services.matter_step_record(by=cadre_a, matter=matter, step=Step.TWO_COMMITTEE, item=item)


def test_a_step_rests_on_an_item_that_passed(cadre_a, village_a):
    matter = make_matter(by=cadre_a, village=village_a)
    services.matter_step_record(by=cadre_a, matter=matter, step=Step.PROPOSAL, done_on=DAY)
    meeting = make_meeting(by=cadre_a, village=village_a, kind="two_committee", due=7, present=6)
    failed = make_item(by=cadre_a, meeting=meeting, votes_for=3, votes_against=3)
    assert failed.result == ItemResult.FAILED
    with pytest.raises(ValidationError, match="did not pass"):
        services.matter_step_record(by=cadre_a, matter=matter, step=Step.TWO_COMMITTEE, item=failed)


def test_a_step_rests_on_a_meeting_of_the_matters_village(cadre_a, cadre_b, village_a, village_b):
    matter = make_matter(by=cadre_a, village=village_a)
    services.matter_step_record(by=cadre_a, matter=matter, step=Step.PROPOSAL, done_on=DAY)
    item = passed_item(cadre_b, village_b, "two_committee", DAY)
    with pytest.raises(ValidationError, match="village"):
        services.matter_step_record(by=cadre_a, matter=matter, step=Step.TWO_COMMITTEE, item=item)


def test_a_vote_a_step_rests_on_can_no_longer_fail(cadre_a, village_a):
    matter = make_matter(by=cadre_a, village=village_a)
    services.matter_step_record(by=cadre_a, matter=matter, step=Step.PROPOSAL, done_on=DAY)
    item = passed_item(cadre_a, village_a, "two_committee", DAY)
    services.matter_step_record(by=cadre_a, matter=matter, step=Step.TWO_COMMITTEE, item=item)
    item.votes_for = 0
    with pytest.raises(ValidationError):
        services.item_save(by=cadre_a, item=item)


def test_one_matter_one_discussion_is_resolved_under_its_own_rule(cadre_a, village_a):
    matter = make_matter(by=cadre_a, village=village_a, kind=MatterKind.ONE_MATTER)
    services.matter_step_record(by=cadre_a, matter=matter, step=Step.PROPOSAL, done_on=DAY)
    for step, kind in ((Step.TWO_COMMITTEE, "two_committee"), (Step.PARTY_REVIEW, "party_members")):
        item = passed_item(cadre_a, village_a, kind, DAY)
        services.matter_step_record(by=cadre_a, matter=matter, step=step, item=item)
    meeting = make_meeting(
        by=cadre_a, village=village_a, kind="representatives", due=45, present=36
    )
    # 30 of 45 is two thirds of all representatives: it carries under 一事一议, 29 does not.
    short = make_item(by=cadre_a, meeting=meeting, votes_for=29, one_matter=True)
    assert short.result == ItemResult.FAILED
    ordinary = make_item(by=cadre_a, meeting=meeting, votes_for=30)
    assert ordinary.passed
    with pytest.raises(ValidationError, match="own rule"):
        services.matter_step_record(by=cadre_a, matter=matter, step=Step.RESOLUTION, item=ordinary)
    carried = make_item(by=cadre_a, meeting=meeting, votes_for=30, one_matter=True)
    assert carried.passed
    services.matter_step_record(by=cadre_a, matter=matter, step=Step.RESOLUTION, item=carried)


def test_one_matter_below_four_fifths_present_fails(cadre_a, village_a):
    meeting = make_meeting(
        by=cadre_a, village=village_a, kind="representatives", due=45, present=35
    )
    item = make_item(by=cadre_a, meeting=meeting, votes_for=35, one_matter=True)
    assert item.result == ItemResult.FAILED


def test_the_kind_of_a_matter_under_way_stays(cadre_a, village_a):
    matter = make_matter(by=cadre_a, village=village_a)
    services.matter_step_record(by=cadre_a, matter=matter, step=Step.PROPOSAL, done_on=DAY)
    matter.refresh_from_db()
    matter.kind = MatterKind.OTHER
    with pytest.raises(ValidationError):
        services.matter_save(by=cadre_a, matter=matter)


def test_a_task_from_a_resolution_is_on_its_owners_due_list(cadre_a, committee_a, village_a):
    item = passed_item(cadre_a, village_a, "representatives", DAY)
    due = timezone.localdate() + datetime.timedelta(days=3)
    task = Task(item=item, village=village_a, title="组织施工队进场", owner=committee_a, due_on=due)
    services.task_save(by=cadre_a, task=task)
    items, total = selectors.task_due_list(user=committee_a)
    assert [i.title for i in items] == ["组织施工队进场"] and total == 1
    assert selectors.task_due_list(user=cadre_a) == ([], 0)


def test_a_task_comes_only_from_a_resolution_that_passed(cadre_a, village_a):
    meeting = make_meeting(
        by=cadre_a, village=village_a, kind="representatives", due=45, present=30
    )
    failed = make_item(by=cadre_a, meeting=meeting, votes_for=10)
    task = Task(item=failed, village=village_a, title="x", owner_name="李组长", due_on=DAY)
    with pytest.raises(ValidationError):
        services.task_save(by=cadre_a, task=task)


def test_a_task_owner_works_in_the_village(cadre_a, cadre_b, village_a):
    item = passed_item(cadre_a, village_a, "representatives", DAY)
    task = Task(item=item, village=village_a, title="x", owner=cadre_b, due_on=DAY)
    with pytest.raises(ValidationError):
        services.task_save(by=cadre_a, task=task)


def test_a_task_has_an_owner(cadre_a, village_a):
    item = passed_item(cadre_a, village_a, "representatives", DAY)
    with pytest.raises(ValidationError):
        services.task_save(
            by=cadre_a, task=Task(item=item, village=village_a, title="x", due_on=DAY)
        )


def test_a_task_answers_only_a_problem_of_its_village(cadre_a, cadre_b, village_a, village_b):
    from villagedesk.fieldwork.tests.factories import make_problem

    item = passed_item(cadre_a, village_a, "representatives", DAY)
    other = make_problem(village=village_b, by=cadre_b, title="别村的问题")
    task = Task(
        item=item, village=village_a, title="x", owner_name="李组长", due_on=DAY, problem=other
    )
    with pytest.raises(ValidationError):
        services.task_save(by=cadre_a, task=task)
    own = make_problem(village=village_a, by=cadre_a, title="本村的问题")
    task.problem = own
    services.task_save(by=cadre_a, task=task)
    assert list(selectors.tasks_answering(user=cadre_a, problem=own)) == [task]


@pytest.mark.parametrize(
    "text",
    [
        "张三 身份证号码 530128199001011234",
        "联系电话 13912345678",
        "联系电话 139-1234-5678",
        "补助发放至账户 6222 0212 3456 7890 123",
        "李某患有尿毒症，需长期透析",
    ],
)
def test_a_notice_with_personal_data_is_refused(cadre_a, village_a, text):
    with pytest.raises(ValidationError):
        make_notice(by=cadre_a, village=village_a, posted_on=DAY, text=text)


def test_a_notice_of_money_and_dates_is_kept(cadre_a, village_a):
    notice = make_notice(
        by=cadre_a,
        village=village_a,
        posted_on=DAY,
        text="2026年3月1日村民代表会议通过：硬化3组道路1.2公里，投资300000元。",
    )
    assert notice.until == DAY + datetime.timedelta(days=6)
