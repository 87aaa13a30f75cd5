"""Demo outside help for a seeded county: a consultation and two requests per village."""

import datetime
from decimal import Decimal

from django.db import transaction

from villagedesk.areas.models import Area
from villagedesk.development.models import (
    Consultation,
    RequestStatus,
    SupportKind,
    SupportRequest,
)
from villagedesk.directory.models import Organisation, OrganisationKind
from villagedesk.fieldwork.codes import ProblemCategory
from villagedesk.fieldwork.models import Problem


@transaction.atomic
def help_demo_create(*, county: Area) -> int:
    """Add consultations and requests to every village; run after the directory demo."""
    departments = list(
        Organisation.objects.within([county.prefix])
        .filter(kind=OrganisationKind.DEPARTMENT)
        .order_by("pk")
    )
    if not departments:
        return 0
    created = 0
    villages = Area.objects.within([county.prefix]).villages().order_by("code")
    for number, village in enumerate(villages):
        department = departments[number % len(departments)]
        Consultation.objects.create(
            village=village,
            organisation=department,
            held_on=datetime.date(2026, 3, 10),
            asked="汇报村里饮水管网老化问题，请求纳入年度维修计划。",
            promised="安排技术人员下月实地查看，符合条件的列入计划。",
        )
        SupportRequest.objects.create(
            village=village,
            title="村集体茶叶初制所建设",
            kind=SupportKind.PROJECT,
            body=department,
            amount=Decimal("300000"),
            asked_on=datetime.date(2026, 2, 20),
            status=RequestStatus.SUBMITTED,
        )
        SupportRequest.objects.create(
            village=village,
            title="种植技术培训",
            kind=SupportKind.EXPERTISE,
            body=departments[(number + 1) % len(departments)],
            asked_on=datetime.date(2025, 11, 5),
            status=RequestStatus.GRANTED,
            outcome="已举办两期培训，参训农户 60 人次。",
        )
        created += 3
    return created


@transaction.atomic
def request_problems_demo_link(*, county: Area) -> int:
    """Tie each demo request to the industry problems of its village; run after the fieldwork
    demo, which registers the problems."""
    industry = Problem.objects.filter(
        area_code__startswith=county.prefix, category=ProblemCategory.INDUSTRY
    )
    by_village: dict[int, list[Problem]] = {}
    for problem in industry:
        by_village.setdefault(problem.village_id, []).append(problem)
    through = SupportRequest.problems.through
    links = [
        through(supportrequest_id=request.pk, problem_id=problem.pk)
        for request in SupportRequest.objects.within([county.prefix])
        for problem in by_village.get(request.village_id, [])
    ]
    through.objects.bulk_create(links, ignore_conflicts=True)
    return len(links)
