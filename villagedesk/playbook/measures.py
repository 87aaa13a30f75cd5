"""The ten steps of the method and the measures of each, counted from what the team has recorded.

`measures_of(codes)` gives every listed village (12-digit codes) its measures, all villages at once:
each figure is one grouped query over the listed villages (`values("area_code").annotate(...)`),
so the number of queries is the same for one village or a county's. Nothing here knows the user:
a view scopes the codes before calling. Where another page already counts a figure, the measure
counts it the same way (visit coverage and key groups as the fieldwork coverage page, ten-household
groups as the organisation pages), so the same village shows the same figure on both.
`docs/playbook.md` states each measure's definition.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Case, Count, Exists, OuterRef, Q, Value, When
from django.db.models.fields import DateField
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from villagedesk.areas.models import NoteTopic, PoiCategory, PointOfInterest, VillageNote
from villagedesk.development.models import Consultation, RequestStatus, SupportRequest
from villagedesk.directory.models import Contact, ContactKind, Organisation, OrganisationKind
from villagedesk.economy.models import Cooperative
from villagedesk.fieldwork.codes import KeyGroup, ProblemStatus
from villagedesk.fieldwork.models import KeyGroupTag, PersonNote, Problem, VillageSetting, Visit
from villagedesk.fieldwork.selectors import Period, visited_in
from villagedesk.governance.models import AgendaItem, Briefing, ItemResult, Task, TaskStatus
from villagedesk.organisation.models import GroupHousehold, Talent, Training
from villagedesk.projects.models import IndustryPlan, Project, Stage
from villagedesk.registry.codes import HouseholdStatus
from villagedesk.registry.models import Household, Person
from villagedesk.welfare.models import GapCheck, GapReferral, HouseholdHelper


@dataclass(frozen=True)
class Step:
    number: int
    title: Promise
    summary: Promise


STEPS: tuple[Step, ...] = (
    Step(
        1,
        _("Learn who leads the work"),
        _("The county's and township's leadership of the work and their offices."),
    ),
    Step(
        2,
        _("Know the village organisation"),
        _("The village's two committees, the units that help it, its former cadres."),
    ),
    Step(
        3,
        _("Walk the village and read its history"),
        _("Places, history and customs, and a registry complete enough for the national form."),
    ),
    Step(
        4,
        _("Talk widely"),
        _("Visits to every household and to the people a team should hear first."),
    ),
    Step(
        5,
        _("Make friends and sort the problems"),
        _("Notes on people, and every problem raised registered, classified, its causes found."),
    ),
    Step(
        6,
        _("Take the findings out"),
        _("Consultations with leaders and units, requests for support, natives who can help."),
    ),
    Step(
        7,
        _("Turn ideas into decisions"),
        _("Decisions of the village's meetings, their tasks done, briefings up and down."),
    ),
    Step(
        8,
        _("Deliver livelihood policies"),
        _("Households in need visited and paired with a helper, policy gaps checked."),
    ),
    Step(
        9,
        _("Develop industries"),
        _("An industry plan for the year, projects carried through, cooperatives."),
    ),
    Step(
        10,
        _("Strengthen the organisation"),
        _("Ten-household groups, trainings and the village's talent pool."),
    ),
)

# Visits count over the last 90 days, today included: the coverage page's default period.
VISIT_DAYS = 90
# A village without its own setting expects a household in need visited every 30 days, as the
# coverage page's list of households not visited recently.
DEFAULT_INTERVAL_DAYS = 30

COUNTY_OFFICES = (
    OrganisationKind.PARTY_COMMITTEE,
    OrganisationKind.GOVERNMENT,
    OrganisationKind.DEPARTMENT,
)
TOWNSHIP_OFFICES = (OrganisationKind.PARTY_COMMITTEE, OrganisationKind.GOVERNMENT)
VILLAGE_OFFICES = (
    OrganisationKind.PARTY_BRANCH,
    OrganisationKind.VILLAGERS_COMMITTEE,
    OrganisationKind.SUPERVISION_COMMITTEE,
)
HELPING_UNITS = (OrganisationKind.HOME_UNIT, OrganisationKind.ASSISTING_UNIT)
FORMER_CADRES = (ContactKind.FORMER_CADRE, ContactKind.FORMER_SECRETARY)
EXPECTED_POINTS = (
    PoiCategory.OFFICE,
    PoiCategory.SCHOOL,
    PoiCategory.CLINIC,
    PoiCategory.WATER,
    PoiCategory.FIRE,
    PoiCategory.VENUE,
)
EXPECTED_NOTES = (NoteTopic.HISTORY, NoteTopic.CUSTOMS, NoteTopic.NOTABLE_PEOPLE)
IN_NEED = (HouseholdStatus.POOR, HouseholdStatus.MONITORED)
REQUEST_ANSWERED = (RequestStatus.GRANTED, RequestStatus.PARTLY)
PROJECT_BUILT = (Stage.ACCEPTANCE, Stage.SETTLEMENT, Stage.HANDOVER)

# A person has what the national collection form asks of every member: an identity number, an
# ethnicity, a political status, an education or a schooling status, and a labour ability.
PERSON_COMPLETE = (
    Q(id_number__isnull=False)
    & ~Q(ethnicity="")
    & ~Q(political_status="")
    & (~Q(education="") | ~Q(schooling=""))
    & ~Q(labour="")
)


@dataclass(frozen=True)
class Measure:
    """One figure of a step: a share (`numerator` of `denominator`) when there is a
    denominator, else a plain count (`numerator`)."""

    step: int
    key: str
    label: Promise
    numerator: int
    denominator: int | None

    @property
    def share(self) -> float | None:
        """The share in 0…1, None for a plain count or an empty denominator."""
        return self.numerator / self.denominator if self.denominator else None

    @property
    def percent(self) -> int | None:
        share = self.share
        return None if share is None else round(100 * share)


def key_group_key(group: str) -> str:
    return f"key_group_{group}"


# key → (step, label, counted as a share). The order is the order shown.
MEASURES: dict[str, tuple[int, Promise, bool]] = {
    "county_offices": (1, _("County offices in the directory (of 3 kinds)"), True),
    "township_offices": (1, _("Township offices in the directory (of 2 kinds)"), True),
    "village_offices": (2, _("Village committees in the directory (of 3)"), True),
    "helping_units": (2, _("Home or assisting units with a contact person"), False),
    "former_cadres": (2, _("Former village cadres and first secretaries"), False),
    "expected_points": (3, _("Points of interest of the expected kinds (of 6)"), True),
    "history_notes": (3, _("Notes on history, customs and notable people (of 3)"), True),
    "registry_complete": (3, _("Persons with every field of the national form"), True),
    "households_visited": (4, _("Households visited in the last 90 days"), True),
    **{
        key_group_key(group.value): (
            4,
            format_lazy(_("{group}: met in the last 90 days"), group=group.label),
            True,
        )
        for group in KeyGroup
    },
    "people_notes": (5, _("Notes on people"), False),
    "problems": (5, _("Problems registered"), False),
    "problems_with_causes": (5, _("Problems with their causes written"), True),
    "problems_solved": (5, _("Problems solved"), True),
    "consultations": (6, _("Consultations"), False),
    "requests": (6, _("Requests for support submitted"), False),
    "requests_answered": (6, _("Requests granted in full or in part"), True),
    "natives": (6, _("Natives outside the village in the directory"), False),
    "decisions": (7, _("Decisions passed by the village's meetings"), False),
    "tasks_done": (7, _("Tasks past their due date that are done"), True),
    "briefings": (7, _("Briefings up and down"), False),
    "in_need_visited": (8, _("Households in need visited within the visit interval"), True),
    "in_need_helped": (8, _("Households in need with a named helper"), True),
    "gaps_reviewed": (8, _("Gap-report lines checked or referred"), False),
    "industry_plan": (9, _("Industry plans for this year"), False),
    "projects": (9, _("Projects"), False),
    "projects_built": (9, _("Projects built (accepted or later)"), True),
    "cooperatives": (9, _("Cooperatives"), False),
    "households_grouped": (10, _("Households in a ten-household group"), True),
    "trainings": (10, _("Trainings this year"), False),
    "talents": (10, _("Talent pool"), False),
}


def township_of(code: str) -> str:
    return code[:9] + "000"


def county_of(code: str) -> str:
    return code[:6] + "000000"


def grouped(queryset, field: str = "area_code", **counts) -> dict[str, dict[str, int]]:
    """One grouped query: {area code: {name: count}}."""
    return {
        row.pop(field): row
        for row in queryset.order_by().values(field).annotate(**counts).values(field, *counts)
    }


def measures_of(
    area_codes: list[str], *, today: datetime.date | None = None
) -> dict[str, list[Measure]]:
    """The measures of each listed village, in the order of `MEASURES`, in a fixed number of
    queries whatever the number of villages. Unscoped: the caller passes only villages the user
    sees."""
    codes = list(dict.fromkeys(area_codes))
    if not codes:
        return {}
    today = today or timezone.localdate()
    figures: dict[str, dict[str, tuple[int, int | None]]] = {code: {} for code in codes}

    def put(key: str, values: dict[str, tuple[int, int | None]], empty=(0, None)) -> None:
        for code in codes:
            figures[code][key] = values.get(code, empty)

    _directory(codes, put)
    _profile(codes, put)
    _households(codes, today, put)
    _key_groups(codes, today, put)
    _problems(codes, put)
    _outside_help(codes, put)
    _decisions(codes, today, put)
    _policies(codes, put)
    _industries(codes, today, put)
    _organisation(codes, today, put)

    result = {}
    for code in codes:
        measures = []
        for key, (step, label, is_share) in MEASURES.items():
            numerator, denominator = figures[code][key]
            measures.append(
                Measure(
                    step=step,
                    key=key,
                    label=label,
                    numerator=numerator,
                    denominator=(denominator or 0) if is_share else None,
                )
            )
        result[code] = measures
    return result


def _count(rows: dict, name: str = "n") -> dict[str, tuple[int, None]]:
    return {code: (row[name], None) for code, row in rows.items()}


def _directory(codes, put) -> None:
    # Offices: the kinds present among the organisations kept by each village, its township and
    # its county (one query for the three levels).
    above = {township_of(c) for c in codes} | {county_of(c) for c in codes}
    kinds: dict[str, set[str]] = defaultdict(set)
    for row in (
        Organisation.objects.filter(
            area_code__in=[*codes, *above],
            kind__in={*COUNTY_OFFICES, *TOWNSHIP_OFFICES, *VILLAGE_OFFICES},
        )
        .order_by()
        .values("area_code", "kind")
        .distinct()
    ):
        kinds[row["area_code"]].add(row["kind"])

    def present(code: str, expected) -> tuple[int, int]:
        return len(kinds[code] & set(expected)), len(expected)

    put("county_offices", {c: present(county_of(c), COUNTY_OFFICES) for c in codes})
    put("township_offices", {c: present(township_of(c), TOWNSHIP_OFFICES) for c in codes})
    put("village_offices", {c: present(c, VILLAGE_OFFICES) for c in codes})

    contacts = Contact.objects.filter(area_code__in=codes)
    units = contacts.filter(kind=ContactKind.CURRENT, organisation__kind__in=HELPING_UNITS)
    put("helping_units", _count(grouped(units, n=Count("organisation", distinct=True))))
    by_kind = grouped(
        contacts,
        former=Count("id", filter=Q(kind__in=FORMER_CADRES)),
        natives=Count("id", filter=Q(kind=ContactKind.NATIVE)),
    )
    put("former_cadres", _count(by_kind, "former"))
    put("natives", _count(by_kind, "natives"))


def _profile(codes, put) -> None:
    points = PointOfInterest.objects.filter(area_code__in=codes, category__in=EXPECTED_POINTS)
    put(
        "expected_points",
        {
            c: (row["n"], len(EXPECTED_POINTS))
            for c, row in grouped(points, n=Count("category", distinct=True)).items()
        },
        empty=(0, len(EXPECTED_POINTS)),
    )
    notes = VillageNote.objects.filter(area_code__in=codes, topic__in=EXPECTED_NOTES)
    put(
        "history_notes",
        {
            c: (row["n"], len(EXPECTED_NOTES))
            for c, row in grouped(notes, n=Count("topic", distinct=True)).items()
        },
        empty=(0, len(EXPECTED_NOTES)),
    )
    persons = grouped(
        Person.objects.filter(area_code__in=codes),
        total=Count("id"),
        complete=Count("id", filter=PERSON_COMPLETE),
    )
    put("registry_complete", {c: (r["complete"], r["total"]) for c, r in persons.items()})


def _households(codes, today, put) -> None:
    period = Period(since=today - datetime.timedelta(days=VISIT_DAYS - 1), until=today)
    intervals = dict(
        VillageSetting.objects.filter(village__code__in=codes).values_list(
            "village__code", "visit_interval_days"
        )
    )
    # Each village's first day of its visit interval: one CASE over the villages with a setting.
    since = _per_village(
        {code: today - datetime.timedelta(days=days - 1) for code, days in intervals.items()},
        default=today - datetime.timedelta(days=DEFAULT_INTERVAL_DAYS - 1),
    )
    recent_as_household = Visit.objects.filter(
        household=OuterRef("pk"), visited_on__lte=today, visited_on__gte=OuterRef("since")
    )
    recent_through_member = Visit.objects.filter(
        persons__household=OuterRef("pk"), visited_on__lte=today, visited_on__gte=OuterRef("since")
    )
    helper = HouseholdHelper.objects.filter(household=OuterRef("pk"), starts_on__lte=today).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today)
    )
    households = (
        Household.objects.filter(area_code__in=codes)
        .annotate(met=visited_in(period), since=since)
        .annotate(
            recent=Exists(recent_as_household) | Exists(recent_through_member),
            helped=Exists(helper),
        )
    )
    in_need = Q(status__in=IN_NEED)
    rows = grouped(
        households,
        total=Count("id"),
        visited=Count("id", filter=Q(met=True)),
        need=Count("id", filter=in_need),
        need_visited=Count("id", filter=in_need & Q(recent=True)),
        need_helped=Count("id", filter=in_need & Q(helped=True)),
    )
    put("households_visited", {c: (r["visited"], r["total"]) for c, r in rows.items()})
    put("in_need_visited", {c: (r["need_visited"], r["need"]) for c, r in rows.items()})
    put("in_need_helped", {c: (r["need_helped"], r["need"]) for c, r in rows.items()})
    # As the organisation pages count it: the village's places in ten-household groups.
    places = grouped(GroupHousehold.objects.filter(area_code__in=codes), n=Count("id"))
    put(
        "households_grouped",
        {c: (places.get(c, {}).get("n", 0), r["total"]) for c, r in rows.items()},
    )


def _per_village(values: dict[str, datetime.date], *, default: datetime.date):
    if not values:
        return Value(default, output_field=DateField())
    return Case(
        *(When(area_code=code, then=Value(day)) for code, day in values.items()),
        default=Value(default),
        output_field=DateField(),
    )


def _key_groups(codes, today, put) -> None:
    # As the coverage page: a tagged person met at a visit of the last 90 days.
    since = today - datetime.timedelta(days=VISIT_DAYS - 1)
    met = Visit.objects.filter(
        persons=OuterRef("person"), visited_on__gte=since, visited_on__lte=today
    )
    tagged: dict[str, dict[str, tuple[int, int]]] = defaultdict(dict)
    for row in (
        KeyGroupTag.objects.filter(area_code__in=codes)
        .annotate(met=Exists(met))
        .order_by()
        .values("area_code", "group")
        .annotate(tagged=Count("id"), reached=Count("id", filter=Q(met=True)))
    ):
        tagged[row["group"]][row["area_code"]] = (row["reached"], row["tagged"])
    for group in KeyGroup:
        put(key_group_key(group.value), tagged[group.value])


def _problems(codes, put) -> None:
    notes = grouped(PersonNote.objects.filter(area_code__in=codes), n=Count("id"))
    put("people_notes", _count(notes))
    rows = grouped(
        Problem.objects.filter(area_code__in=codes),
        total=Count("id"),
        causes=Count("id", filter=~Q(subjective_causes="") | ~Q(objective_causes="")),
        solved=Count("id", filter=Q(status=ProblemStatus.SOLVED)),
    )
    put("problems", _count(rows, "total"))
    put("problems_with_causes", {c: (r["causes"], r["total"]) for c, r in rows.items()})
    put("problems_solved", {c: (r["solved"], r["total"]) for c, r in rows.items()})


def _outside_help(codes, put) -> None:
    put(
        "consultations",
        _count(grouped(Consultation.objects.filter(area_code__in=codes), n=Count("id"))),
    )
    rows = grouped(
        SupportRequest.objects.filter(area_code__in=codes).exclude(status=RequestStatus.DRAFT),
        total=Count("id"),
        answered=Count("id", filter=Q(status__in=REQUEST_ANSWERED)),
    )
    put("requests", _count(rows, "total"))
    put("requests_answered", {c: (r["answered"], r["total"]) for c, r in rows.items()})


def _decisions(codes, today, put) -> None:
    passed = AgendaItem.objects.filter(meeting__area_code__in=codes, result=ItemResult.PASSED)
    put("decisions", _count(grouped(passed, "meeting__area_code", n=Count("id"))))
    due = Task.objects.filter(area_code__in=codes, due_on__lt=today).exclude(
        status=TaskStatus.DROPPED
    )
    rows = grouped(due, total=Count("id"), done=Count("id", filter=Q(status=TaskStatus.DONE)))
    put("tasks_done", {c: (r["done"], r["total"]) for c, r in rows.items()})
    put("briefings", _count(grouped(Briefing.objects.filter(area_code__in=codes), n=Count("id"))))


def _policies(codes, put) -> None:
    checked = grouped(GapCheck.objects.filter(area_code__in=codes), n=Count("id"))
    referred = grouped(GapReferral.objects.filter(area_code__in=codes), n=Count("id"))
    put(
        "gaps_reviewed",
        {
            c: (checked.get(c, {}).get("n", 0) + referred.get(c, {}).get("n", 0), None)
            for c in codes
        },
    )


def _industries(codes, today, put) -> None:
    plans = IndustryPlan.objects.filter(area_code__in=codes, year=today.year)
    put("industry_plan", _count(grouped(plans, n=Count("id"))))
    rows = grouped(
        Project.objects.filter(area_code__in=codes),
        total=Count("id"),
        built=Count("id", filter=Q(stage__in=PROJECT_BUILT)),
    )
    put("projects", _count(rows, "total"))
    put("projects_built", {c: (r["built"], r["total"]) for c, r in rows.items()})
    put(
        "cooperatives",
        _count(grouped(Cooperative.objects.filter(area_code__in=codes), n=Count("id"))),
    )


def _organisation(codes, today, put) -> None:
    trainings = Training.objects.filter(area_code__in=codes, held_on__year=today.year)
    put("trainings", _count(grouped(trainings, n=Count("id"))))
    put("talents", _count(grouped(Talent.objects.filter(area_code__in=codes), n=Count("id"))))
