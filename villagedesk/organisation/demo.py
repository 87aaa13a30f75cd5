"""The village organisation of the demo county: the Party roster of every village (its members
from the registry's political status, and persons at each stage of joining), ten-household groups
covering the first village, talents and trainings.

Deterministic for a seed, written in bulk within the Party's rules; called after the registry and
the village profiles (whose points place the groups on the map) exist.
"""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.db.models import Avg

from villagedesk.areas.models import Area, PointOfInterest
from villagedesk.organisation.codes import Stage, TalentKind
from villagedesk.organisation.models import (
    GroupHousehold,
    PartyMember,
    Talent,
    TenHouseholdGroup,
    Training,
    years_after,
)
from villagedesk.registry.codes import PoliticalStatus, Relation
from villagedesk.registry.models import Household, Person

GROUP_SIZE = 10
TRAININGS = [
    ("学习贯彻党的二十大精神专题党课", "乡镇党委", Decimal("3")),
    ("烤烟种植技术培训", "县农业农村局", Decimal("4")),
    ("电商直播带货培训", "县商务局", Decimal("6")),
]
SKILLS = {
    TalentKind.EX_SERVICEMAN: "驾驶、民兵训练",
    TalentKind.GRADUATE: "电商运营、计算机",
    TalentKind.RETURNED_WORKER: "建筑施工、电工",
    TalentKind.ENTREPRENEUR: "养殖合作社经营",
    TalentKind.RESERVE_CADRE: "村务管理、会计",
}


def days_before(day: datetime.date, rng: random.Random, low: int, high: int) -> datetime.date:
    return day - datetime.timedelta(days=rng.randrange(low, high))


@transaction.atomic
def organisation_demo_create(*, county: Area, today: datetime.date, seed: int) -> dict[str, int]:
    """Add the demo organisation of every village of the county; returns counts."""
    rng = random.Random(seed)  # noqa: S311 (reproducible demo data, not cryptography)
    counts = {"party_members": 0, "groups": 0, "talents": 0, "trainings": 0}
    villages = list(Area.objects.filter(code__startswith=county.prefix).villages().order_by("code"))
    for index, village in enumerate(villages):
        adults = list(
            Person.objects.filter(
                area_code=village.code, birth_date__lte=years_after(today, -22)
            ).order_by("pk")
        )
        members = party_members(village=village, adults=adults, today=today, rng=rng)
        PartyMember.objects.bulk_create(members)
        counts["party_members"] += len(members)
        talents = talent_pool(adults=adults, rng=rng)
        Talent.objects.bulk_create(talents)
        counts["talents"] += len(talents)
        counts["trainings"] += trainings_create(
            village=village, members=members, today=today, rng=rng
        )
        if index == 0:
            counts["groups"] += groups_create(village=village)
    return counts


def party_members(
    *, village: Area, adults: list[Person], today: datetime.date, rng: random.Random
) -> list[PartyMember]:
    """The registry's Party members of the village on its roster, and three persons at each
    stage from applying to probation, dated within the Party's minimum periods."""
    members = []
    others = []
    for person in adults:
        if person.political_status == PoliticalStatus.CPC_MEMBER:
            probation = max(days_before(today, rng, 400, 12000), years_after(person.birth_date, 19))
            full = years_after(probation, 1)
            members.append(
                PartyMember(
                    village=village,
                    person=person,
                    name=person.name,
                    stage=Stage.FULL,
                    probationary_on=probation,
                    full_on=full,
                    away=bool(person.migrant_place),
                    away_place=person.migrant_place,
                )
            )
        elif person.political_status == PoliticalStatus.CPC_PROBATIONARY:
            probation = days_before(today, rng, 30, 300)
            members.append(
                PartyMember(
                    village=village,
                    person=person,
                    name=person.name,
                    stage=Stage.PROBATIONARY,
                    candidate_on=days_before(probation, rng, 30, 120),
                    probationary_on=probation,
                )
            )
        elif person.birth_date > years_after(today, -45):
            others.append(person)
    rng.shuffle(others)
    before = [Stage.APPLICANT, Stage.ACTIVIST, Stage.CANDIDATE, Stage.PROBATIONARY]
    for n, person in enumerate(others[: 3 * len(before)]):
        stage = before[n % len(before)]
        # Dated backwards from the stage reached, each step within the Party's minimum periods.
        probation = days_before(today, rng, 10, 300) if stage == Stage.PROBATIONARY else None
        candidate = (
            days_before(probation, rng, 30, 120)
            if probation
            else days_before(today, rng, 10, 200)
            if stage == Stage.CANDIDATE
            else None
        )
        activist = (
            years_after(candidate, -1) - datetime.timedelta(days=rng.randrange(0, 60))
            if candidate
            else days_before(today, rng, 10, 300)
            if stage == Stage.ACTIVIST
            else None
        )
        applied = (
            days_before(activist, rng, 30, 180) if activist else days_before(today, rng, 10, 200)
        )
        members.append(
            PartyMember(
                village=village,
                person=person,
                name=person.name,
                stage=stage,
                applied_on=applied,
                activist_on=activist,
                candidate_on=candidate,
                probationary_on=probation,
            )
        )
    return members


def talent_pool(*, adults: list[Person], rng: random.Random) -> list[Talent]:
    chosen = rng.sample(adults, min(len(adults), 2 * len(TalentKind)))
    kinds = list(TalentKind) * 2
    return [
        Talent(person=person, kind=kind, skills=SKILLS[kind])
        for person, kind in zip(chosen, kinds, strict=False)
    ]


def trainings_create(
    *, village: Area, members: list[PartyMember], today: datetime.date, rng: random.Random
) -> int:
    attendees = [m.person for m in members if m.person is not None]
    for topic, trainer, hours in TRAININGS:
        training = Training.objects.create(
            village=village,
            topic=topic,
            trainer=trainer,
            hours=hours,
            held_on=days_before(today, rng, 5, 200),
        )
        training.attendees.set(rng.sample(attendees, min(len(attendees), 12)))
    return len(TRAININGS)


def groups_create(*, village: Area) -> int:
    """Every household of the village in a group of about ten neighbours (by village group and
    number), headed by the first household's head, placed around the village's points."""
    households = list(
        Household.objects.filter(village=village).order_by("group__number", "number", "pk")
    )
    heads = {
        p.household_id: p
        for p in Person.objects.filter(area_code=village.code, relation=Relation.HEAD)
    }
    centre = PointOfInterest.objects.filter(village=village).aggregate(
        lat=Avg("latitude"), lng=Avg("longitude")
    )
    count = 0
    for start in range(0, len(households), GROUP_SIZE):
        chunk = households[start : start + GROUP_SIZE]
        count += 1
        position = {}
        if centre["lat"] is not None:
            # A ring of groups around the middle of the village's points.
            step = Decimal(count % 7 - 3) / 1000
            position = {
                "latitude": (Decimal(centre["lat"]) + step).quantize(Decimal("0.000001")),
                "longitude": (
                    Decimal(centre["lng"]) + (count // 7 - 1) * Decimal("0.002")
                ).quantize(Decimal("0.000001")),
            }
        group = TenHouseholdGroup.objects.create(
            village=village,
            name=f"第{count}联户组",
            head=heads.get(chunk[0].pk),
            **position,
        )
        GroupHousehold.objects.bulk_create(
            [GroupHousehold(group=group, household=h) for h in chunk]
        )
    return count
