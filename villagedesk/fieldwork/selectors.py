"""Scoped reads of fieldwork. Every function takes the user and sees only their areas; counts
are aggregated in the database."""

import calendar
import datetime
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.functions import RowNumber
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from villagedesk.accounts import permissions
from villagedesk.accounts.models import Assignment, User
from villagedesk.accounts.permissions import Capability
from villagedesk.areas.models import Area, Level
from villagedesk.core.scoping import get_visible_or_404
from villagedesk.directory import selectors as directory
from villagedesk.directory.models import Contact
from villagedesk.fieldwork.codes import OPEN_STATUSES, KeyGroup, Presence, ProblemStatus
from villagedesk.fieldwork.models import (
    CountySetting,
    DiaryDay,
    DiaryPhoto,
    KeyGroupTag,
    PersonNote,
    Problem,
    VillageSetting,
    Visit,
)
from villagedesk.registry.codes import HouseholdStatus, Relation
from villagedesk.registry.models import Household, Person
from villagedesk.registry.search import household_match, person_match


@dataclass
class VisitFilters:
    """What the visit list is narrowed to: a search (a household or person as the registry's
    search box finds them, or words of what was said, proposed, to follow up or where), the
    user's own visits, visits with a follow-up still open, and a span of days."""

    q: str = ""
    mine: bool = False
    open_follow_up: bool = False
    since: datetime.date | None = None
    until: datetime.date | None = None


def visit_list(
    *,
    user: User,
    village: str = "",
    household: Household | None = None,
    filters: VisitFilters | None = None,
) -> QuerySet[Visit]:
    """Visits in the user's areas, newest first, with who and whom."""
    visits = Visit.objects.visible_to(user)
    if village:
        visits = visits.filter(area_code=village)
    if filters is not None:
        visits = _visits_filtered(visits, user=user, filters=filters)
    if household is not None:
        visits = visits.filter(Q(household=household) | Q(persons__household=household)).distinct()
    return visits.select_related("visitor", "household", "village").prefetch_related(
        Prefetch("persons", queryset=Person.objects.order_by("id"))
    )


def _visits_filtered(visits: QuerySet[Visit], *, user: User, filters: VisitFilters):
    query = filters.q.strip()
    if query:
        said = (
            Q(said__icontains=query)
            | Q(opinions__icontains=query)
            | Q(follow_up__icontains=query)
            | Q(place__icontains=query)
        )
        found = household_match(query)
        if found is not None:
            households = Household.objects.visible_to(user).filter(found | Q(number=query))
            households = households.values("pk")
            met = Visit.persons.through.objects.filter(
                visit=OuterRef("pk"), person__household__in=households
            )
            said |= Q(household__in=households) | Exists(met)
        visits = visits.filter(said)
    if filters.mine:
        visits = visits.filter(visitor=user)
    if filters.open_follow_up:
        visits = visits.exclude(follow_up="").filter(follow_up_done_on__isnull=True)
    if filters.since:
        visits = visits.filter(visited_on__gte=filters.since)
    if filters.until:
        visits = visits.filter(visited_on__lte=filters.until)
    return visits


def household_problems(*, user: User, household: Household) -> QuerySet[Problem]:
    """The problems registered about the household (or one of its members), newest first."""
    concerns = Q(households=household) | Q(persons__household=household)
    matching = Problem.objects.filter(concerns).values("pk")
    return (
        Problem.objects.visible_to(user)
        .filter(pk__in=matching)
        .select_related("owner")
        .order_by("-created_at", "-pk")
    )


def visit_get(*, user: User, pk: int) -> Visit:
    """One visit in the user's areas; 404 outside them."""
    return get_visible_or_404(visit_list(user=user), user=user, pk=pk)


def people_visible(*, user: User) -> tuple[QuerySet[Household], QuerySet[Person]]:
    """The households and persons in the user's areas: what a form may name as met or concerned."""
    return Household.objects.visible_to(user), Person.objects.visible_to(user)


def person_candidates(*, user: User, q: str, limit: int = 20) -> list[Person]:
    """Persons matching what was typed (name, pinyin, initials, house number), in scope."""
    match = person_match(q)
    if match is None:
        return []
    return list(
        Person.objects.visible_to(user)
        .filter(match)
        .select_related("household", "household__village")
        .order_by("household__area_code", "household__number", "id")[:limit]
    )


@dataclass(frozen=True)
class DueItem:
    kind: str
    title: str
    due_on: datetime.date
    url: str
    place: str

    @property
    def overdue(self) -> bool:
        return self.due_on < timezone.localdate()


def due_list(
    *, user: User, days_ahead: int = 7, limit: int = 30, village: str = ""
) -> tuple[list[DueItem], int]:
    """Open follow-ups and problems due within the coming days or overdue, soonest first (of
    one village, when its code is given).

    Returns the first `limit` items and how many there are in all.
    """
    horizon = timezone.localdate() + datetime.timedelta(days=days_ahead)
    visits = (
        Visit.objects.visible_to(user)
        .filter(follow_up_due__lte=horizon, follow_up_done_on__isnull=True)
        .select_related("household__village", "village")
    )
    problems = (
        Problem.objects.visible_to(user)
        .filter(due_on__lte=horizon, status__in=OPEN_STATUSES)
        .exclude(status=ProblemStatus.LONG_TERM)
        .select_related("village")
    )
    if village:
        visits = visits.filter(area_code=village)
        problems = problems.filter(area_code=village)
    total = visits.count() + problems.count()
    items = [
        DueItem(
            kind=str(_("Follow-up")),
            title=v.follow_up,
            due_on=v.follow_up_due,
            url=v.get_absolute_url(),
            place=str(v.household or v.village.display_name),
        )
        for v in visits.order_by("follow_up_due")[:limit]
    ] + [
        DueItem(
            kind=str(_("Problem")),
            title=p.title,
            due_on=p.due_on,
            url=p.get_absolute_url(),
            place=p.village.display_name,
        )
        for p in problems.order_by("due_on")[:limit]
    ]
    items.sort(key=lambda item: item.due_on)
    return items[:limit], total


@dataclass(frozen=True)
class Period:
    since: datetime.date
    until: datetime.date


@dataclass
class Coverage:
    village: Area
    period: Period
    interval_days: int
    households: int = 0
    visited: int = 0
    groups: list[dict] = field(default_factory=list)
    key_groups: list[dict] = field(default_factory=list)
    # The households of the lists, in order of number: queries, paged by the page that shows them.
    stale: QuerySet[Household] = field(default_factory=Household.objects.none)
    unvisited: QuerySet[Household] = field(default_factory=Household.objects.none)

    @property
    def never_visited(self) -> int:
        return self.households - self.visited


def visited_in(period: Period, household_ref="pk") -> Q:
    """A household met in the period: visited as a household or through one of its members."""
    in_period = Q(visited_on__gte=period.since, visited_on__lte=period.until)
    as_household = Visit.objects.filter(in_period, household=OuterRef(household_ref))
    through_member = Visit.objects.filter(in_period, persons__household=OuterRef(household_ref))
    return Exists(as_household) | Exists(through_member)


def coverage_villages(*, user: User) -> QuerySet[Area]:
    """The villages whose coverage the user may see: those in the user's view, by code."""
    return permissions.village_list(user)


def coverage(*, user: User, village_code: str, period: Period) -> Coverage:
    """Visit coverage of one village of the user's areas over the period; 404 outside them."""
    village = get_visible_or_404(Area.objects.villages(), user=user, code=village_code)
    setting = VillageSetting.objects.filter(village=village).first()
    interval = setting.visit_interval_days if setting else 30
    households = Household.objects.filter(area_code=village.code).annotate(met=visited_in(period))
    totals = households.aggregate(households=Count("id"), visited=Count("id", filter=Q(met=True)))
    result = Coverage(village=village, period=period, interval_days=interval, **totals)
    result.groups = list(
        households.values("group__number", "group__name")
        .annotate(households=Count("id"), visited=Count("id", filter=Q(met=True)))
        .order_by("group__number")
    )
    for row in result.groups:
        row["never"] = row["households"] - row["visited"]

    met_in_period = Visit.objects.filter(
        persons=OuterRef("person"), visited_on__gte=period.since, visited_on__lte=period.until
    )
    by_group = {
        row["group"]: row
        for row in KeyGroupTag.objects.filter(area_code=village.code)
        .annotate(met=Exists(met_in_period))
        .values("group")
        .annotate(tagged=Count("id"), reached=Count("id", filter=Q(met=True)))
    }
    result.key_groups = [
        {
            "group": group,
            "tagged": by_group.get(group.value, {}).get("tagged", 0),
            "reached": by_group.get(group.value, {}).get("reached", 0),
        }
        for group in KeyGroup
    ]

    recent = Period(
        since=timezone.localdate() - datetime.timedelta(days=interval - 1),
        until=timezone.localdate(),
    )
    head_name = Subquery(
        Person.objects.filter(household=OuterRef("pk"), relation=Relation.HEAD).values("name")[:1]
    )
    result.stale = (
        Household.objects.filter(
            area_code=village.code,
            status__in=[HouseholdStatus.POOR, HouseholdStatus.MONITORED],
        )
        .exclude(visited_in(recent))
        .annotate(head_name=head_name)
        .select_related("group")
        .order_by("number", "pk")
    )
    result.unvisited = (
        households.filter(met=False)
        .annotate(head_name=head_name)
        .select_related("group")
        .order_by("number", "pk")
    )
    return result


@dataclass(frozen=True)
class ProblemFilters:
    village: str = ""
    status: str = ""
    category: str = ""
    overdue: bool = False


def problem_list(*, user: User, filters: ProblemFilters | None = None) -> QuerySet[Problem]:
    """Problems in the user's areas, filtered, with village and owner."""
    filters = filters or ProblemFilters()
    problems = Problem.objects.visible_to(user)
    if filters.village:
        problems = problems.filter(area_code=filters.village)
    if filters.status:
        problems = problems.filter(status=filters.status)
    if filters.category:
        problems = problems.filter(category=filters.category)
    if filters.overdue:
        problems = problems.filter(
            due_on__lt=timezone.localdate(),
        ).exclude(status=ProblemStatus.SOLVED)
    return problems.select_related("village", "owner").order_by("due_on", "-created_at", "-pk")


@dataclass
class BoardColumn:
    status: ProblemStatus
    # The first problems of the status in the list's order, and how many it has in all.
    problems: list = field(default_factory=list)
    count: int = 0

    @property
    def more(self) -> bool:
        return self.count > len(self.problems)


def problem_board(*, problems: QuerySet[Problem], per_column: int) -> list[BoardColumn]:
    """The problems as columns by status, in workflow order: the first `per_column` of each
    status and each status's count, in two queries whatever their number."""
    columns = {status: BoardColumn(status) for status in ProblemStatus}
    counts = problems.order_by().values_list("status").annotate(n=Count("pk"))
    for status, n in counts:
        columns[ProblemStatus(status)].count = n
    first = problems.annotate(
        place=Window(
            RowNumber(),
            partition_by=F("status"),
            order_by=[F("due_on").asc(), F("created_at").desc(), F("pk").desc()],
        )
    ).filter(place__lte=per_column)
    for problem in first.order_by("due_on", "-created_at", "-pk"):
        columns[ProblemStatus(problem.status)].problems.append(problem)
    return list(columns.values())


def problem_get(*, user: User, pk: int) -> Problem:
    """One problem in the user's areas with whom it concerns; 404 outside them."""
    return get_visible_or_404(
        Problem.objects.select_related("village", "owner", "created_by", "visit").prefetch_related(
            "households", "persons__household"
        ),
        user=user,
        pk=pk,
    )


def problem_history(*, problem: Problem) -> list:
    """The problem's recorded versions, newest first, with who made each change."""
    return list(problem.history.select_related("history_user", "owner").order_by("-history_date"))


def owner_choices(*, villages: list[Area]) -> QuerySet[User]:
    """Users assigned now to one of the villages or an area above them: who may own problems.
    Those closest to the village come first (its own team and committee, then the township,
    the county…), each level by name."""
    codes = {v.code[:n].ljust(12, "0") for v in villages for n in (2, 4, 6, 9, 12)}
    assigned = Assignment.objects.current().filter(user=OuterRef("pk"), area__code__in=codes)
    closest = Subquery(
        assigned.order_by("-area__level").values("area__level")[:1],
        output_field=IntegerField(),
    )
    return (
        User.objects.filter(Exists(assigned))
        .annotate(closest_level=closest)
        .order_by("-closest_level", "username")
    )


def person_notes_get(*, user: User, pk: int) -> tuple[Person, list[PersonNote]]:
    """A person and the team's notes on them, newest first.

    404 unless the user is of the team or supervises the person's area: village-committee
    accounts never see people notes.
    """
    person = get_visible_or_404(
        Person.objects.select_related("household", "household__village"), user=user, pk=pk
    )
    if not permissions.holds(user, Capability.READ_PEOPLE_NOTES, person.area_code):
        raise Http404
    notes = list(person.notes.select_related("recorded_by"))
    return person, notes


def contact_notes_get(*, user: User, pk: int) -> tuple[Contact, list[PersonNote]]:
    """A directory contact and the notes on them of the teams the user is of or supervises.

    404 when the contact is not visible or the user holds no team or supervising role (village
    committee accounts never see people notes).
    """
    contact = directory.contact_get(user=user, pk=pk)
    prefixes = permissions.prefixes(user, Capability.READ_PEOPLE_NOTES)
    if not prefixes:
        raise Http404
    notes = list(contact.team_notes.within(prefixes).select_related("recorded_by"))
    return contact, notes


def person_get(*, user: User, pk: int) -> Person:
    """A person in the user's areas with their key-group tags; 404 outside them."""
    return get_visible_or_404(
        Person.objects.select_related("household", "household__village").prefetch_related(
            "key_groups"
        ),
        user=user,
        pk=pk,
    )


def household_members_with_groups(*, household: Household) -> list[Person]:
    return list(household.members.order_by("id").prefetch_related("key_groups"))


def month_bounds(month: datetime.date) -> tuple[datetime.date, datetime.date]:
    last = calendar.monthrange(month.year, month.month)[1]
    return month.replace(day=1), month.replace(day=last)


def required_days(*, village_code: str) -> int:
    setting = CountySetting.objects.filter(county__code=village_code[:6].ljust(12, "0")).first()
    return setting.days_in_village if setting else 20


def diary_month(*, member: User, month: datetime.date) -> list[DiaryDay]:
    """The member's own diary days of the month, oldest first, with photos."""
    first, last = month_bounds(month)
    return list(
        DiaryDay.objects.filter(member=member, day__range=(first, last))
        .select_related("village")
        .prefetch_related("photos")
        .order_by("day")
    )


def diary_day_get(*, member: User, day: datetime.date) -> DiaryDay | None:
    """The member's own diary entry of the day, if written."""
    return DiaryDay.objects.filter(member=member, day=day).first()


def diary_day_own(*, member: User, pk: int) -> DiaryDay:
    """One of the member's own diary days, else 404: a diary is shown to no one else."""
    entry = DiaryDay.objects.filter(member=member, pk=pk).first()
    if entry is None:
        raise Http404
    return entry


def member_villages(*, user: User) -> QuerySet[Area]:
    """The villages the user is a team member of now."""
    return (
        Area.objects.within(permissions.prefixes(user, Capability.KEEP_DIARY))
        .villages()
        .order_by("code")
    )


def day_visits(*, member: User, day: datetime.date) -> QuerySet[Visit]:
    """The visits the member made on a day: a diary day lists them without retyping."""
    return Visit.objects.filter(visitor=member, visited_on=day).select_related(
        "household", "village"
    )


@dataclass(frozen=True)
class AttendanceRow:
    member_id: int
    member: str
    village: str
    village_code: str
    in_village: int
    leave: int
    travel: int
    training: int
    required: int
    days: dict  # day of month -> presence code


PRESENCE_COUNTS = {
    presence.value: Count("id", filter=Q(presence=presence)) for presence in Presence
}


def attendance_month(*, user: User, month: datetime.date) -> list[AttendanceRow]:
    """Each team member's days of the month by presence, per village, in the user's areas.

    Ordered by village and name, never by the number of days: this is no ranking of people.
    """
    first, last = month_bounds(month)
    members = (
        permissions.assignments_granting(Capability.KEEP_DIARY)
        .filter(area__level=Level.VILLAGE)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=first), starts_on__lte=last)
        .filter(area__in=Area.objects.visible_to(user))
        .select_related("user", "area")
        .order_by("area__code", "user__username")
    )
    counts = {
        (row["member_id"], row["area_code"]): row
        for row in DiaryDay.objects.visible_to(user)
        .filter(day__range=(first, last))
        .values("member_id", "area_code")
        .annotate(**PRESENCE_COUNTS)
    }
    days: dict = {}
    for member_id, area_code, day, presence in (
        DiaryDay.objects.visible_to(user)
        .filter(day__range=(first, last))
        .values_list("member_id", "area_code", "day", "presence")
    ):
        days.setdefault((member_id, area_code), {})[day.day] = presence
    rows = []
    seen = set()
    required_by_county: dict[str, int] = {}
    for assignment in members:
        key = (assignment.user_id, assignment.area.code)
        if key in seen:
            continue
        seen.add(key)
        county = assignment.area.code[:6]
        if county not in required_by_county:
            required_by_county[county] = required_days(village_code=assignment.area.code)
        row = counts.get(key, {})
        rows.append(
            AttendanceRow(
                member_id=assignment.user_id,
                member=str(assignment.user),
                village=assignment.area.display_name,
                village_code=assignment.area.code,
                in_village=row.get(Presence.IN_VILLAGE.value, 0),
                leave=row.get(Presence.LEAVE.value, 0),
                travel=row.get(Presence.TRAVEL.value, 0),
                training=row.get(Presence.TRAINING.value, 0),
                required=required_by_county[county],
                days=days.get(key, {}),
            )
        )
    return rows


def member_diary_get(*, user: User, member_id: int, month: datetime.date) -> tuple[User, list]:
    """A team member's diary of the month as a supervisor (or the member) sees it; 404 when the
    member works in none of the user's areas."""
    assignment = (
        permissions.assignments_granting(Capability.KEEP_DIARY)
        .filter(user_id=member_id, area__in=Area.objects.visible_to(user))
        .select_related("user")
        .first()
    )
    if assignment is None:
        raise Http404
    seen = tuple(user.area_prefixes())
    days = diary_month(member=assignment.user, month=month)
    return assignment.user, [d for d in days if d.area_code.startswith(seen)]


def diary_photo_get(*, user: User, pk: int) -> DiaryPhoto:
    """A photo of the user's own diary: photos are the member's record, shown to no one else."""
    photo = DiaryPhoto.objects.filter(pk=pk, day__member=user).first()
    if photo is None:
        raise Http404
    return photo
