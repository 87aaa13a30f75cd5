"""Fieldwork for the demo county: visits, follow-ups, key-group tags, problems and diary days of
the demo cadres, so that coverage, the due list, the board and attendance have something to show.

Deterministic for a seed, written in bulk; called after the registry part of the demo exists.
"""

import datetime
import random

from django.db import transaction

from villagedesk.accounts import permissions
from villagedesk.accounts.permissions import Capability
from villagedesk.areas.models import Area
from villagedesk.fieldwork.codes import (
    KeyGroup,
    Presence,
    ProblemCategory,
    ProblemStatus,
    Topic,
    VisitKind,
)
from villagedesk.fieldwork.models import DiaryDay, KeyGroupTag, Problem, Visit
from villagedesk.registry.codes import HouseholdStatus, PoliticalStatus, Relation
from villagedesk.registry.models import Household, Person

SAYINGS = [
    ("老人腿脚不便，想办慢病卡。", "希望村医每月上门一次。", "帮助申请慢病卡"),
    ("儿子在昆明务工，收入稳定。", "想学烤烟种植技术。", ""),
    ("房顶漏雨，雨季担心。", "希望纳入危房改造。", "核实住房安全等级"),
    ("孩子上初中，路远。", "村口路灯坏了，晚上不安全。", ""),
    ("今年核桃价格低。", "想加入合作社统一销售。", "联系合作社负责人"),
    ("自来水时有时无。", "3组水管老化，要换。", "请水管员查看"),
]
PROBLEMS = [
    ("3组饮水管老化漏水", ProblemCategory.INFRASTRUCTURE, ProblemStatus.IN_PROGRESS),
    ("两户宅基地边界纠纷", ProblemCategory.DISPUTE, ProblemStatus.ANALYSING),
    ("缺少冷库，菌子卖不上价", ProblemCategory.INDUSTRY, ProblemStatus.REFERRED),
    ("垃圾清运不及时", ProblemCategory.ENVIRONMENT, ProblemStatus.NEW),
    ("村口路灯损坏", ProblemCategory.INFRASTRUCTURE, ProblemStatus.SOLVED),
    ("年轻人外出多，村组干部后继乏人", ProblemCategory.GOVERNANCE, ProblemStatus.LONG_TERM),
]


@transaction.atomic
def fieldwork_demo_create(*, county: Area, today: datetime.date, seed: int) -> dict[str, int]:
    """Add demo fieldwork for every cadre assigned to a village of the county; returns counts."""
    rng = random.Random(seed)  # noqa: S311 (reproducible demo data, not cryptography)
    counts = {"visits": 0, "problems": 0, "diary_days": 0, "key_group_tags": 0}
    assignments = (
        permissions.assignments_granting(Capability.KEEP_DIARY)
        .filter(area__code__startswith=county.prefix)
        .select_related("user", "area")
        .order_by("area__code", "user_id")
    )
    for assignment in assignments:
        cadre, village = assignment.user, assignment.area
        households = list(Household.objects.filter(area_code=village.code).order_by("pk"))
        heads = {
            p.household_id: p
            for p in Person.objects.filter(area_code=village.code, relation=Relation.HEAD)
        }
        visits = []
        for household in households:
            poor = household.status in (HouseholdStatus.POOR, HouseholdStatus.MONITORED)
            if rng.random() > (0.8 if poor else 0.4):
                continue
            said, opinions, follow_up = rng.choice(SAYINGS)
            follow_up = follow_up if rng.random() < 0.25 else ""
            visited_on = today - datetime.timedelta(days=rng.randrange(0, 90))
            visits.append(
                Visit(
                    village=village,
                    household=household,
                    visitor=cadre,
                    visited_on=visited_on,
                    kind=rng.choice(VisitKind.values),
                    topics=rng.sample(Topic.values, 2),
                    said=said,
                    opinions=opinions,
                    follow_up=follow_up,
                    follow_up_due=(
                        today + datetime.timedelta(days=rng.randrange(-5, 12))
                        if follow_up
                        else None
                    ),
                )
            )
        Visit.objects.bulk_create(visits)
        met = [
            Visit.persons.through(visit_id=v.pk, person_id=heads[v.household_id].pk)
            for v in visits
            if v.household_id in heads
        ]
        Visit.persons.through.objects.bulk_create(met)
        counts["visits"] += len(visits)

        tags = [
            KeyGroupTag(person=p, group=KeyGroup.PARTY)
            for p in Person.objects.filter(
                area_code=village.code, political_status=PoliticalStatus.CPC_MEMBER
            )
        ]
        others = list(heads.values())
        rng.shuffle(others)
        tags += [
            KeyGroupTag(person=p, group=group)
            for p, group in zip(
                others[:12],
                [KeyGroup.COMMITTEE] * 5
                + [KeyGroup.RETIRED_CADRE] * 2
                + [KeyGroup.DOCTOR_TEACHER] * 2
                + [KeyGroup.ENTREPRENEUR] * 2
                + [KeyGroup.RETURNED_YOUTH],
                strict=False,
            )
        ]
        KeyGroupTag.objects.bulk_create(tags, ignore_conflicts=True)
        counts["key_group_tags"] += len(tags)

        for n, (title, category, status) in enumerate(PROBLEMS):
            Problem.objects.create(
                village=village,
                title=title,
                category=category,
                status=status,
                objective_causes="" if status == ProblemStatus.NEW else "资金和设施不足",
                referred_to="县有关部门" if status == ProblemStatus.REFERRED else "",
                resolution="已联系供电所更换灯具" if status == ProblemStatus.SOLVED else "",
                owner=cadre,
                due_on=today + datetime.timedelta(days=(n * 7) - 10),
                created_by=cadre,
            )
            counts["problems"] += 1

        days = []
        for back in range(1, 31):
            day = today - datetime.timedelta(days=back)
            if day.weekday() >= 5 or day < assignment.starts_on:
                continue
            presence = rng.choices(
                [Presence.IN_VILLAGE, Presence.LEAVE, Presence.TRAVEL, Presence.TRAINING],
                weights=[88, 4, 4, 4],
            )[0]
            days.append(
                DiaryDay(
                    member=cadre,
                    village=village,
                    day=day,
                    presence=presence,
                    reason="" if presence == Presence.IN_VILLAGE else "县里通知",
                    work_done="入户走访，整理台账。" if presence == Presence.IN_VILLAGE else "",
                )
            )
        DiaryDay.objects.bulk_create(days, ignore_conflicts=True)
        counts["diary_days"] += len(days)
    return counts
