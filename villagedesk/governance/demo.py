"""Demo village decisions for a seeded county: in every village with a team, the meetings of a
year (the Party branch's with who of its roster came), matters standing at each step of 四议两公开,
tasks from the resolutions (one due soon for the team, one overdue, one done) and the notices that
made them public. Run after the organisation demo, whose roster the Party meetings are due to."""

import datetime

from django.db import transaction

from villagedesk.accounts import permissions
from villagedesk.accounts.permissions import Capability
from villagedesk.areas.models import Area
from villagedesk.fieldwork.models import Problem
from villagedesk.governance import services
from villagedesk.governance.models import (
    PARTY_KINDS,
    STEP_MEETINGS,
    AgendaItem,
    Matter,
    MatterKind,
    Meeting,
    MeetingKind,
    NoticeCategory,
    PublicNotice,
    Step,
    Task,
    TaskStatus,
)
from villagedesk.organisation.services import party_members_due

# (title, kind): one matter per step it has reached, the first not yet started.
MATTERS = [
    ("修订村规民约", MatterKind.CHARTER),
    ("村集体林地流转", MatterKind.LAND),
    ("村集体茶叶初制所建设", MatterKind.PROJECT),
    ("3组至5组道路硬化", MatterKind.PUBLIC_WORKS),
    ("闲置村小学校舍出租", MatterKind.ASSETS),
    ("一事一议：2组饮水池修建", MatterKind.ONE_MATTER),
    ("村庄建设规划（2026—2030年）", MatterKind.PLAN),
]
MEETING_SIZES = {
    MeetingKind.TWO_COMMITTEE: (7, 7),
    MeetingKind.PARTY_MEMBERS: (30, 24),
    MeetingKind.REPRESENTATIVES: (45, 40),
    MeetingKind.VILLAGERS: (400, 230),
}


@transaction.atomic
def governance_demo_create(*, county: Area, today: datetime.date) -> int:
    """Add meetings, matters, tasks and notices to every village of the county that has a team;
    run after the fieldwork demo, whose problems a task answers. Returns the matters added."""
    assignments = (
        permissions.assignments_granting(Capability.KEEP_DIARY)
        .filter(area__code__startswith=county.prefix)
        .select_related("user", "area")
        .order_by("area__code", "user_id")
    )
    seen = set()
    added = 0
    for assignment in assignments:
        if assignment.area_id in seen:
            continue
        seen.add(assignment.area_id)
        added += village_demo_create(by=assignment.user, village=assignment.area, today=today)
    return added


def party_present(village: Area, day: datetime.date, turn: int) -> list:
    """The members on the village's roster that day who came to a Party meeting: of six or more
    full (or probationary) members, all but about one in six, a different one each time; of
    fewer, all, so that the meeting keeps its quorum."""
    roll = party_members_due(village=village, on_date=day)
    return [
        member
        for members in (roll.full, roll.probationary)
        for index, member in enumerate(members)
        if len(members) < 6 or (index + turn) % 6 != 5
    ]


def village_demo_create(*, by, village: Area, today: datetime.date) -> int:
    start = today - datetime.timedelta(days=200)
    meeting_of = {}

    def meeting(kind, day_offset, one_matter=False, title="") -> AgendaItem:
        due, present = MEETING_SIZES[kind]
        key = (kind, day_offset)
        if key not in meeting_of:
            held_on = start + datetime.timedelta(days=day_offset)
            meeting_of[key] = services.meeting_save(
                by=by,
                meeting=Meeting(
                    village=village,
                    kind=kind,
                    held_on=held_on,
                    place="村委会会议室",
                    chair="王建华",
                    recorder="李秀兰",
                    due=due,
                    present=present,
                    households=160 if kind == MeetingKind.VILLAGERS else None,
                ),
                party_members=party_present(village, held_on, day_offset)
                if kind in PARTY_KINDS
                else None,
            )
        held = meeting_of[key]
        # At a Party members' meeting those present come from the roster: all of them vote for.
        against = 0 if kind in PARTY_KINDS else 1
        return services.item_save(
            by=by,
            item=AgendaItem(
                meeting=held,
                number=held.items.count() + 1,
                title=title,
                minutes=f"与会人员讨论了“{title}”，同意提交下一程序。",
                one_matter=one_matter,
                votes_for=held.present - 2 * against,
                votes_against=against,
                votes_abstain=against,
            ),
        )

    # The Party branch's regular life: a Party class and monthly themed Party days.
    for day_offset, kind, notes in (
        (3, MeetingKind.PARTY_CLASS, "学习党的基层组织建设有关文件。"),
        (33, MeetingKind.PARTY_DAY, "主题党日：清理村内河道垃圾。"),
        (63, MeetingKind.PARTY_DAY, "主题党日：走访慰问困难老党员。"),
        (93, MeetingKind.PARTY_DAY, "主题党日：重温入党誓词。"),
    ):
        held_on = start + datetime.timedelta(days=day_offset)
        services.meeting_save(
            by=by,
            meeting=Meeting(
                village=village,
                kind=kind,
                held_on=held_on,
                place="党员活动室",
                chair="王建华",
                due=30,
                present=26,
                notes=notes,
            ),
            party_members=party_present(village, held_on, day_offset),
        )
    # A meeting held without quorum.
    short = services.meeting_save(
        by=by,
        meeting=Meeting(
            village=village,
            kind=MeetingKind.REPRESENTATIVES,
            held_on=start + datetime.timedelta(days=8),
            place="村委会会议室",
            chair="张明",
            due=45,
            present=28,
        ),
    )
    services.item_save(
        by=by,
        item=AgendaItem(
            meeting=short, title="村集体经济收益分配方案", votes_for=26, votes_against=2
        ),
    )
    problem = Problem.objects.filter(village=village).order_by("pk").first()
    order = list(Step)
    for reached, (title, kind) in enumerate(MATTERS):
        matter = services.matter_save(
            by=by, matter=Matter(village=village, title=title, kind=kind, description=title)
        )
        base = 10 + reached * 3
        for index, step in enumerate(order[:reached]):
            offset = base + index * 7
            if step in STEP_MEETINGS:
                kind_of = (
                    MeetingKind.REPRESENTATIVES
                    if step == Step.RESOLUTION
                    else next(iter(STEP_MEETINGS[step]))
                )
                item = meeting(
                    kind_of,
                    offset,
                    one_matter=step == Step.RESOLUTION and kind == MatterKind.ONE_MATTER,
                    title=title,
                )
                services.matter_step_record(by=by, matter=matter, step=step, item=item)
                if step == Step.RESOLUTION:
                    tasks_demo_create(by=by, item=item, today=today, problem=problem)
            elif step == Step.PROPOSAL:
                services.matter_step_record(
                    by=by,
                    matter=matter,
                    step=step,
                    done_on=start + datetime.timedelta(days=offset),
                    note="村党支部征求党员和群众意见后提议。",
                )
            else:
                public = "决议" if step == Step.RESOLUTION_PUBLIC else "实施结果"
                notice = services.notice_save(
                    by=by,
                    notice=PublicNotice(
                        village=village,
                        category=NoticeCategory.VILLAGE,
                        title=f"关于“{title}”的{public}公开",
                        text=f"“{title}”经村民代表会议表决通过，现将{public}公开如下，请村民监督。",
                        posted_on=start + datetime.timedelta(days=offset),
                        place="村务公开栏",
                        matter=matter,
                    ),
                )
                services.matter_step_record(by=by, matter=matter, step=step, notice=notice)
    services.notice_save(
        by=by,
        notice=PublicNotice(
            village=village,
            category=NoticeCategory.FINANCE,
            title="第一季度村级财务收支公开",
            text="本季度收入：集体林地租金 42000 元；支出：道路维护 12800 元，办公费 3100 元。",
            posted_on=today - datetime.timedelta(days=20),
            place="村务公开栏",
            days=15,
        ),
    )
    return len(MATTERS)


def tasks_demo_create(*, by, item: AgendaItem, today: datetime.date, problem) -> None:
    village = item.meeting.village
    for title, owner, owner_name, due, status, answers in (
        (
            "落实施工队伍并签订合同",
            by,
            "",
            today + datetime.timedelta(days=3),
            TaskStatus.OPEN,
            None,
        ),
        (
            "组织群众投工投劳",
            None,
            "张明（3组组长）",
            today - datetime.timedelta(days=5),
            TaskStatus.IN_PROGRESS,
            problem,
        ),
        ("向镇政府报备", by, "", today - datetime.timedelta(days=30), TaskStatus.DONE, None),
    ):
        services.task_save(
            by=by,
            task=Task(
                village=village,
                item=item,
                title=title,
                owner=owner,
                owner_name=owner_name,
                due_on=due,
                status=status,
                outcome="已报镇政府备案。" if status == TaskStatus.DONE else "",
                problem=answers,
            ),
        )
