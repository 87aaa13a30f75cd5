"""Scoped reads of the village organisation: the roster and its structure, the groups and the care
their households need, the talent pool, trainings and the roll-up per village."""

import dataclasses
import datetime

from django.db.models import (
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from villagedesk.accounts import permissions
from villagedesk.accounts.models import User
from villagedesk.areas.models import Area, PointOfInterest
from villagedesk.core.converters import number_or_none
from villagedesk.core.masking import mask_id_number, mask_phone
from villagedesk.core.scoping import get_visible_or_404
from villagedesk.organisation.codes import STAGES, Stage
from villagedesk.organisation.models import (
    GroupHousehold,
    PartyMember,
    Talent,
    TenHouseholdGroup,
    Training,
    years_after,
)
from villagedesk.registry.codes import Education
from villagedesk.registry.figures import few_households, of_area
from villagedesk.registry.models import Household, Person

# The age bands of the Party's own statistics of its members.
AGE_BANDS = [
    (None, 35, _("35 and under")),
    (36, 45, _("36 to 45")),
    (46, 55, _("46 to 55")),
    (56, 60, _("56 to 60")),
    (61, None, _("61 and over")),
]
# Care needs a group head keeps an eye on (domain README §5): the old, children, the disabled.
ELDERLY_FROM = 65
CHILD_UNDER = 16
PERSON_SEARCH_LIMIT = 30


def member_list(*, user: User, village: str = "", stage: str = "") -> QuerySet[PartyMember]:
    """The roster and pipeline of the villages the user sees, in name order; narrowed to a
    village's code and to a stage when given."""
    members = PartyMember.objects.visible_to(user).select_related("person", "village")
    if village:
        members = members.filter(area_code=village)
    if stage in Stage.values:
        members = members.filter(stage=stage)
    return members.order_by("area_code", "name", "id")


def member_get(*, user: User, pk: int) -> PartyMember:
    return get_visible_or_404(
        PartyMember.objects.select_related("person__household", "village"), user=user, pk=pk
    )


@dataclasses.dataclass(frozen=True)
class Band:
    label: str
    count: int


@dataclasses.dataclass(frozen=True)
class Structure:
    """How the members (probationary and full, not left) divide by age and by education."""

    total: int
    ages: list[Band]
    education: list[Band]
    stages: list[Band]


def roster_structure_of(*, user: User, village: str = "") -> Structure:
    """The structure of the roster the user sees (of one village, or of all their areas): over
    an area of many households kept for each state of its counties' data and each day, since
    it joins every member to the registry's persons."""
    prefixes = [village] if village else user.area_prefixes()

    def compute() -> Structure:
        return roster_structure(members=member_list(user=user, village=village))

    if len(prefixes) != 1 or few_households(prefixes):
        return compute()
    return of_area(
        "party-structure",
        prefixes[0],
        compute,
        day=timezone.localdate(),
        language=get_language(),
    )


def roster_structure(
    *, members: QuerySet[PartyMember], on: datetime.date | None = None
) -> Structure:
    """The age and education structure of the members among `members`, counted in the
    database, and the count of the whole pipeline per stage."""
    on = on or timezone.localdate()
    stage_counts = dict(
        members.order_by().values_list("stage").annotate(n=Count("id")).values_list("stage", "n")
    )
    current = members.filter(stage__in=[Stage.PROBATIONARY, Stage.FULL], left_on__isnull=True)
    current = current.annotate(
        born=Coalesce("person__birth_date", "birth_date"),
        schooled=Coalesce("person__education", "education"),
    )
    counts = {}
    for index, (low, high, _label) in enumerate(AGE_BANDS):
        # Born after the day `high + 1` years ago means younger than high + 1.
        condition = Q(born__isnull=False)
        if high is not None:
            condition &= Q(born__gt=years_after(on, -(high + 1)))
        if low is not None:
            condition &= Q(born__lte=years_after(on, -low))
        counts[f"age_{index}"] = Count("id", filter=condition)
    for code in Education.values:
        counts[f"education_{code}"] = Count("id", filter=Q(schooled=code))
    counts["total"] = Count("id")
    figures = current.order_by().aggregate(**counts)
    educated = sum(figures[f"education_{code}"] for code in Education.values)
    return Structure(
        total=figures["total"],
        ages=[
            Band(str(label), figures[f"age_{i}"]) for i, (_lo, _hi, label) in enumerate(AGE_BANDS)
        ],
        education=[
            Band(str(label), figures[f"education_{code}"]) for code, label in Education.choices
        ]
        + [Band(str(_("Not recorded")), figures["total"] - educated)],
        stages=[Band(str(Stage(s).label), stage_counts.get(s, 0)) for s in STAGES],
    )


def person_candidates(*, user: User, village: Area | None, q: str) -> list[Person]:
    """Persons of the village (one the user keeps) whose name, initials or household number
    start with what was typed, for a form to choose from."""
    q = q.strip()
    if village is None or not q:
        return []
    persons = (
        Person.objects.visible_to(user)
        .filter(area_code=village.code)
        .filter(
            Q(name__startswith=q)
            | Q(name_initials__startswith=q.lower())
            | Q(household__number__startswith=q)
        )
        .select_related("household")
        .order_by("name", "id")
    )
    return list(persons[:PERSON_SEARCH_LIMIT])


def village_persons(*, village: Area) -> QuerySet[Person]:
    return Person.objects.filter(area_code=village.code).select_related("household")


def keeping_villages(*, user: User) -> QuerySet[Area]:
    """The villages in the user's view where the user keeps the organisation."""
    return permissions.village_list(user, permissions.Capability.RECORD_FIELDWORK)


# Ten-household groups


def group_list(*, user: User, village: str = "") -> QuerySet[TenHouseholdGroup]:
    """The groups of the villages the user sees, each with its number of households."""
    groups = TenHouseholdGroup.objects.visible_to(user).select_related("village", "head")
    if village:
        groups = groups.filter(area_code=village)
    return groups.annotate(household_count=Count("memberships")).order_by("area_code", "name", "id")


def group_get(*, user: User, pk: int) -> TenHouseholdGroup:
    return get_visible_or_404(
        TenHouseholdGroup.objects.select_related("village", "head__household"), user=user, pk=pk
    )


@dataclasses.dataclass(frozen=True)
class Coverage:
    grouped: int
    households: int

    @property
    def percent(self) -> int:
        return round(100 * self.grouped / self.households) if self.households else 0


def group_coverage(*, village: Area) -> Coverage:
    """How many of the village's households are in a ten-household group."""
    households = Household.objects.filter(area_code=village.code)
    return Coverage(
        grouped=GroupHousehold.objects.filter(area_code=village.code).count(),
        households=households.count(),
    )


def households_for_group(
    *, village: Area, group: TenHouseholdGroup | None, village_group: str = ""
) -> QuerySet[Household]:
    """Households a group may take: those of the village in no other group, within one village
    group (村民小组) when its id is given; the group's own households first."""
    households = Household.objects.filter(village=village)
    if group is not None and group.pk:
        households = households.exclude(
            Exists(GroupHousehold.objects.filter(household=OuterRef("pk")).exclude(group=group))
        )
        mine = Exists(GroupHousehold.objects.filter(household=OuterRef("pk"), group=group))
    else:
        households = households.exclude(
            Exists(GroupHousehold.objects.filter(household=OuterRef("pk")))
        )
        mine = Value(False)
    group_id = number_or_none(village_group)
    if group_id is not None:
        households = households.filter(Q(group_id=group_id) | Q(mine))
    return households.annotate(mine=mine).order_by("-mine", "number")


@dataclasses.dataclass(frozen=True)
class CareMember:
    name: str
    age: int
    id_number: str
    phone: str
    needs: list[str]


@dataclasses.dataclass(frozen=True)
class CareHousehold:
    household: Household
    alone: bool
    members: list[CareMember]


def group_care(*, group: TenHouseholdGroup, on: datetime.date | None = None) -> list[CareHousehold]:
    """The group's households and, for each member, the needs a group head watches for: the old,
    children, the disabled, a person living alone. Numbers are masked, always: this is the group
    head's sheet, and a head is no team member."""
    on = on or timezone.localdate()
    households = (
        Household.objects.filter(ten_household_membership__group=group)
        .prefetch_related("members")
        .order_by("number")
    )
    shown = []
    for household in households:
        members = list(household.members.all())
        alone = len(members) == 1
        care = []
        for person in members:
            age = person.age_on(on)
            needs = []
            if age >= ELDERLY_FROM:
                needs.append(str(_("aged %(age)s or over") % {"age": ELDERLY_FROM}))
            if age < CHILD_UNDER:
                needs.append(str(_("child under %(age)s") % {"age": CHILD_UNDER}))
            if person.disability_category:
                needs.append(
                    f"{person.get_disability_category_display()} "
                    f"{person.get_disability_grade_display()}"
                )
            if alone:
                needs.append(str(_("lives alone")))
            care.append(
                CareMember(
                    name=person.name,
                    age=age,
                    id_number=mask_id_number(person.id_number or ""),
                    phone=mask_phone(person.phone),
                    needs=needs,
                )
            )
        shown.append(CareHousehold(household=household, alone=alone, members=care))
    return shown


def group_map(*, village: Area, groups: list[TenHouseholdGroup]) -> dict:
    """The groups that have a position and the village's points of interest, as the map's
    script reads them (names as text)."""
    places = [
        {"name": p.name, "lat": float(p.latitude), "lng": float(p.longitude)}
        for p in PointOfInterest.objects.filter(village=village).order_by("name")
    ]
    located = [
        {
            "name": g.name,
            "head": g.head.name if g.head_id else "",
            "households": getattr(g, "household_count", 0),
            "lat": float(g.latitude),
            "lng": float(g.longitude),
        }
        for g in groups
        if g.latitude is not None
    ]
    return {"groups": located, "places": places} if located else {}


# Talents and trainings


def talent_list(*, user: User, village: str = "", kind: str = "") -> QuerySet[Talent]:
    talents = Talent.objects.visible_to(user).select_related("person__household__village")
    if village:
        talents = talents.filter(area_code=village)
    if kind:
        talents = talents.filter(kind=kind)
    return talents.order_by("area_code", "kind", "person__name", "id")


def talent_get(*, user: User, pk: int) -> Talent:
    return get_visible_or_404(Talent.objects.select_related("person__household"), user=user, pk=pk)


def training_list(*, user: User, village: str = "") -> QuerySet[Training]:
    trainings = Training.objects.visible_to(user).select_related("village")
    if village:
        trainings = trainings.filter(area_code=village)
    return trainings.annotate(attendee_count=Count("attendees")).order_by("-held_on", "-id")


def training_get(*, user: User, pk: int) -> Training:
    return get_visible_or_404(Training.objects.select_related("village"), user=user, pk=pk)


def training_attendees(*, training: Training) -> QuerySet[Person]:
    return training.attendees.select_related("household").order_by("name", "id")


# Roll-up per village


def count_of(queryset) -> Subquery:
    """A correlated count of `queryset`'s rows (filtered by `village=OuterRef("pk")`)."""
    return Coalesce(
        Subquery(
            queryset.order_by().values("village").annotate(n=Count("id")).values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


def village_rollup(*, user: User, year: int) -> QuerySet[Area]:
    """The villages the user sees, each with its Party roster per stage, its ten-household group
    coverage and the trainings held in the year. Counts of records only: no person is ranked."""
    members = PartyMember.objects.filter(village=OuterRef("pk"), left_on__isnull=True)
    stage_counts = {f"stage_{s}": count_of(members.filter(stage=s)) for s in STAGES}
    grouped = GroupHousehold.objects.filter(group__village=OuterRef("pk"))
    return (
        permissions.village_list(user)
        .annotate(
            **stage_counts,
            away=count_of(members.filter(away=True, stage__in=[Stage.PROBATIONARY, Stage.FULL])),
            group_count=count_of(TenHouseholdGroup.objects.filter(village=OuterRef("pk"))),
            grouped=Coalesce(
                Subquery(
                    grouped.order_by()
                    .values("group__village")
                    .annotate(n=Count("id"))
                    .values("n")[:1],
                    output_field=IntegerField(),
                ),
                0,
            ),
            household_count=count_of(Household.objects.filter(village=OuterRef("pk"))),
            training_count=count_of(
                Training.objects.filter(village=OuterRef("pk"), held_on__year=year)
            ),
        )
        .order_by("code")
    )
