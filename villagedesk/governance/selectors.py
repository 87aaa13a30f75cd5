"""Scoped reads of village decisions: a village's meetings, matters, tasks and notices are seen
by those whose areas cover the village."""

import datetime
from dataclasses import dataclass

from django.db.models import (
    Count,
    DateField,
    Exists,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from villagedesk.accounts import permissions
from villagedesk.accounts.models import User
from villagedesk.areas.models import Area, Level
from villagedesk.core.scoping import get_visible_or_404, prefix_match
from villagedesk.fieldwork.models import Problem
from villagedesk.fieldwork.selectors import DueItem
from villagedesk.governance.models import (
    OPEN_TASK_STATUSES,
    PARTY_KINDS,
    STEP_ORDER,
    WHOLE_BRANCH_KINDS,
    AgendaItem,
    LocalRule,
    Matter,
    MatterStep,
    Meeting,
    MeetingPhoto,
    PublicNotice,
    Step,
    Task,
)
from villagedesk.organisation import selectors as organisation
from villagedesk.organisation.models import PartyMember
from villagedesk.organisation.services import party_members_due


def meeting_list(*, user: User, village: str = "", kind: str = "") -> QuerySet[Meeting]:
    """Meetings of the villages in the user's areas, newest first."""
    meetings = Meeting.objects.visible_to(user)
    if village:
        meetings = meetings.filter(area_code=village)
    if kind:
        meetings = meetings.filter(kind=kind)
    return (
        meetings.select_related("village", "group")
        .annotate(item_count=Count("items"))
        .order_by("-held_on", "-id")
    )


def meeting_get(*, user: User, pk: int) -> Meeting:
    """One meeting of a village in the user's areas, with its items; 404 outside them."""
    return get_visible_or_404(
        Meeting.objects.select_related("village", "group").prefetch_related(
            Prefetch(
                "items",
                queryset=AgendaItem.objects.prefetch_related(
                    Prefetch("tasks", queryset=Task.objects.select_related("owner"))
                ),
            ),
            "persons",
            "contacts",
            "photos",
            Prefetch("party_members", queryset=PartyMember.objects.select_related("person")),
        ),
        user=user,
        pk=pk,
    )


def item_get(*, user: User, pk: int) -> AgendaItem:
    """One agenda item of a meeting in the user's areas; 404 outside them."""
    meeting_ids = Meeting.objects.visible_to(user).values("pk")
    return get_or_404(
        AgendaItem.objects.select_related("meeting__village").filter(meeting__in=meeting_ids),
        pk=pk,
    )


def photo_get(*, user: User, pk: int) -> MeetingPhoto:
    """A meeting photo of a village in the user's areas; 404 outside them."""
    meeting_ids = Meeting.objects.visible_to(user).values("pk")
    return get_or_404(MeetingPhoto.objects.filter(meeting__in=meeting_ids), pk=pk)


def get_or_404(queryset, **lookup):
    try:
        row = queryset.filter(**lookup).first()
    except ValueError:
        raise Http404 from None
    if row is None:
        raise Http404
    return row


def passed_items(*, user: User, village: Area | None = None) -> QuerySet[AgendaItem]:
    """Items that passed at meetings of the user's areas (of one village when given), newest
    meeting first: what a step or a task rests on."""
    meetings = Meeting.objects.visible_to(user)
    if village is not None:
        meetings = meetings.filter(village=village)
    return (
        AgendaItem.objects.filter(meeting__in=meetings.values("pk"), result="passed")
        .select_related("meeting__village")
        .order_by("-meeting__held_on", "number")
    )


def matter_list(*, user: User, village: str = "", step: str = "") -> QuerySet[Matter]:
    """Matters of the villages in the user's areas, newest first."""
    matters = Matter.objects.visible_to(user)
    if village:
        matters = matters.filter(area_code=village)
    if step:
        matters = matters.filter(step="" if step == "none" else step)
    return matters.select_related("village")


def matter_get(*, user: User, pk: int) -> Matter:
    """One matter of a village in the user's areas; 404 outside them."""
    return get_visible_or_404(Matter.objects.select_related("village"), user=user, pk=pk)


@dataclass
class PathStep:
    step: Step
    done: MatterStep | None


def matter_path(*, matter: Matter) -> list[PathStep]:
    """Every step of 四议两公开 in order, with the record of those done."""
    done = {
        s.step: s for s in matter.steps.select_related("item__meeting", "notice", "recorded_by")
    }
    return [PathStep(step=step, done=done.get(step)) for step in STEP_ORDER]


def matter_tasks(*, matter: Matter) -> QuerySet[Task]:
    """Tasks from the resolutions of the matter's steps."""
    items = matter.steps.exclude(item=None).values("item")
    return Task.objects.filter(item__in=items).select_related("owner", "problem")


def task_list(*, user: User, village: str = "", overdue: bool = False) -> QuerySet[Task]:
    """Tasks of the villages in the user's areas, soonest due first."""
    tasks = Task.objects.visible_to(user)
    if village:
        tasks = tasks.filter(area_code=village)
    if overdue:
        tasks = tasks.filter(status__in=OPEN_TASK_STATUSES, due_on__lt=timezone.localdate())
    return tasks.select_related("village", "owner", "item__meeting", "problem")


def task_get(*, user: User, pk: int) -> Task:
    """One task of a village in the user's areas; 404 outside them."""
    return get_visible_or_404(
        Task.objects.select_related("village", "owner", "item__meeting", "problem"),
        user=user,
        pk=pk,
    )


def tasks_answering(*, user: User, problem: Problem) -> QuerySet[Task]:
    """Tasks of the user's areas that answer a problem already fetched through its selector."""
    return task_list(user=user).filter(problem=problem)


def task_due_list(
    *, user: User, days_ahead: int = 7, limit: int = 30, village: str = ""
) -> tuple[list[DueItem], int]:
    """The user's own open tasks due within the coming days or overdue, soonest first, in the
    villages the user still sees (or in one of them, when its code is given); the first `limit`
    and how many there are in all."""
    horizon = timezone.localdate() + datetime.timedelta(days=days_ahead)
    tasks = task_list(user=user).filter(
        owner=user, status__in=OPEN_TASK_STATUSES, due_on__lte=horizon
    )
    if village:
        tasks = tasks.filter(area_code=village)
    items = [
        DueItem(
            kind=_("Task"),
            title=task.title,
            due_on=task.due_on,
            url=task.get_absolute_url(),
            place=task.village.display_name,
        )
        for task in tasks.order_by("due_on")[:limit]
    ]
    return items, tasks.count()


def notice_list(*, user: User, village: str = "", category: str = "") -> QuerySet[PublicNotice]:
    """Public notices of the villages in the user's areas, newest first."""
    notices = PublicNotice.objects.visible_to(user)
    if village:
        notices = notices.filter(area_code=village)
    if category:
        notices = notices.filter(category=category)
    return notices.select_related("village", "matter")


def notice_get(*, user: User, pk: int) -> PublicNotice:
    """One public notice of a village in the user's areas; 404 outside them."""
    return get_visible_or_404(
        PublicNotice.objects.select_related("village", "matter"), user=user, pk=pk
    )


@dataclass
class VillageRollUp:
    village: Area
    meetings: int
    without_quorum: int
    matters_by_step: list[tuple[str, int]]  # (step label, matters whose last step it is)
    tasks_open: int
    tasks_overdue: int


def rollup(*, user: User, since: datetime.date) -> list[VillageRollUp]:
    """Per village of the user's areas: meetings held since the day (and how many without
    quorum), matters by their last step, open and overdue tasks. Villages only, never people."""
    villages = list(permissions.village_list(user))
    today = timezone.localdate()
    meetings = {
        row["village"]: row
        for row in Meeting.objects.visible_to(user)
        .filter(held_on__gte=since)
        .values("village")
        .annotate(n=Count("id"), without=Count("id", filter=Q(quorate=False)))
    }
    steps = {}
    for row in Matter.objects.visible_to(user).values("village", "step").annotate(n=Count("id")):
        steps[(row["village"], row["step"])] = row["n"]
    tasks = {
        row["village"]: row
        for row in Task.objects.visible_to(user)
        .filter(status__in=OPEN_TASK_STATUSES)
        .values("village")
        .annotate(n=Count("id"), late=Count("id", filter=Q(due_on__lt=today)))
    }
    order = [("", _("Not started")), *((step.value, step.label) for step in STEP_ORDER)]
    return [
        VillageRollUp(
            village=village,
            meetings=meetings.get(village.pk, {}).get("n", 0),
            without_quorum=meetings.get(village.pk, {}).get("without", 0),
            matters_by_step=[(label, steps.get((village.pk, step), 0)) for step, label in order],
            tasks_open=tasks.get(village.pk, {}).get("n", 0),
            tasks_overdue=tasks.get(village.pk, {}).get("late", 0),
        )
        for village in villages
    ]


# Party meetings and who attended them


def party_roster_of(*, meeting: Meeting) -> QuerySet[PartyMember]:
    """The members on the roster of the meeting's village on its day (probationary and full,
    not left), by name: those who may be recorded present at a Party meeting."""
    return (
        PartyMember.objects.filter(
            village=meeting.village_id,
            probationary_on__isnull=False,
            probationary_on__lte=meeting.held_on,
        )
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=meeting.held_on))
        .select_related("person")
        .order_by("name", "id")
    )


@dataclass
class MemberPresence:
    member: PartyMember
    present: bool
    votes: bool


def meeting_party_attendance(*, meeting: Meeting) -> list[MemberPresence]:
    """Who of the Party was due at a meeting of the branch (fetched by `meeting_get`) and whether
    each came: at a meeting of the whole branch, every member on the roster on the day; at a
    branch committee or a Party group, the members recorded present. Empty for other meetings."""
    if meeting.kind not in PARTY_KINDS:
        return []
    named = {member.pk: member for member in meeting.party_members.all()}
    if meeting.kind not in WHOLE_BRANCH_KINDS:
        due = sorted(named.values(), key=lambda m: (m.name, m.pk))
        return [MemberPresence(member=m, present=True, votes=True) for m in due]
    roll = party_members_due(village=meeting.village, on_date=meeting.held_on)
    full = {member.pk for member in roll.full}
    return [
        MemberPresence(member=m, present=m.pk in named, votes=m.pk in full)
        for m in sorted(roll.full + roll.probationary, key=lambda m: (m.name, m.pk))
    ]


def year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def meetings_due_to(member: dict, *, year: int) -> Q:
    """The condition on meetings that a member (a row, or `OuterRef`s to one) was due at in the
    year: the whole branch's meetings of the village held while on the roster, and the branch's
    other meetings where the member is recorded present."""
    start, end = year_bounds(year)
    named = Meeting.party_members.through.objects.filter(
        meeting=OuterRef("pk"), partymember=member["pk"]
    )
    on_roster = Q(
        kind__in=WHOLE_BRANCH_KINDS,
        held_on__gte=member["probationary_on"],
        held_on__lt=member["left_on"],
    )
    return Q(village=member["village"], held_on__range=(start, end)) & (on_roster | Exists(named))


def party_attendance(*, user: User, year: int, village: str = "") -> QuerySet[PartyMember]:
    """The Party members of the villages the user sees who were on the roster in the year
    (narrowed to a village's code when given), in name order, each with the Party meetings of
    the year they were due at (`meetings_due`) and attended (`meetings_attended`), counted in
    the database."""
    start, end = year_bounds(year)
    outer = {
        "pk": OuterRef(OuterRef("pk")),
        "village": OuterRef("village"),
        "probationary_on": OuterRef("probationary_on"),
        # A member who has not left is on the roster after any day.
        "left_on": Coalesce(
            OuterRef("left_on"), Value(datetime.date.max), output_field=DateField()
        ),
    }
    due = Meeting.objects.filter(meetings_due_to(outer, year=year))
    attended = Meeting.party_members.through.objects.filter(
        partymember=OuterRef("pk"), meeting__held_on__range=(start, end)
    )
    members = (
        organisation.member_list(user=user, village=village)
        .filter(probationary_on__isnull=False, probationary_on__lte=end)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=start))
    )
    return members.annotate(
        meetings_due=counted(due.values("village")),
        meetings_attended=counted(attended.values("partymember")),
    )


def counted(grouped: QuerySet) -> Coalesce:
    """A correlated count of the rows of a queryset narrowed by `OuterRef`s to one group (its
    only `values` column)."""
    return Coalesce(
        Subquery(
            grouped.order_by().annotate(n=Count("pk")).values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def party_member_meetings(*, member: PartyMember, year: int) -> QuerySet[Meeting]:
    """The Party meetings of the year a member (fetched through the roster's selector) was due
    at, oldest first, each marked `attended`."""
    row = {
        "pk": member.pk,
        "village": member.village_id,
        "probationary_on": member.probationary_on,
        "left_on": member.left_on or datetime.date.max,
    }
    named = Meeting.party_members.through.objects.filter(meeting=OuterRef("pk"), partymember=member)
    return (
        Meeting.objects.filter(meetings_due_to(row, year=year))
        .annotate(attended=Exists(named))
        .order_by("held_on", "id")
    )


# Local meeting rules


def rule_area_list(*, user: User) -> QuerySet[Area]:
    """The areas where the user may set a local meeting rule: provinces, cities and counties
    over which the user keeps the rules."""
    prefixes = permissions.prefixes(user, permissions.Capability.KEEP_RULES)
    return Area.objects.within(prefixes).filter(level__lte=Level.COUNTY).exclude(code="")


def local_rule_list(*, user: User) -> QuerySet[LocalRule]:
    """The local rules in force where the user keeps the rules: of those areas, those above them
    and those below them."""
    prefixes = permissions.prefixes(user, permissions.Capability.KEEP_RULES)
    if not prefixes:
        return LocalRule.objects.none()
    above = {prefix[:n].ljust(12, "0") for prefix in prefixes for n in (2, 4, 6, 9) if prefix}
    return (
        LocalRule.objects.filter(prefix_match(prefixes, "area__code") | Q(area__code__in=above))
        .select_related("area")
        .order_by("area__code", "body")
    )
