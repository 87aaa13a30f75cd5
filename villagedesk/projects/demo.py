"""Demo industry plans and projects for a seeded county: in every village a plan for last year
(reviewed) and this year, and five projects, one handed over with its assets, their income and
its distribution, the others spread over the stages so that two villages show every stage.

Projects, stages, budgets and beneficiaries are written directly (thousands of villages seed in
seconds); what a project pays households goes through the services, so that it reaches the
households' income as it would from the pages. Run after the welfare demo, whose income lines
the payments join."""

import datetime
import random
from decimal import Decimal

from django.db import transaction

from villagedesk.accounts import permissions
from villagedesk.accounts.permissions import Capability
from villagedesk.areas.models import Area
from villagedesk.projects import services
from villagedesk.projects.models import (
    STAGE_ORDER,
    Asset,
    AssetClass,
    AssetIncome,
    Beneficiary,
    BenefitWay,
    BudgetLine,
    Distribution,
    FundSource,
    IndustryPlan,
    Project,
    ProjectKind,
    ProjectStage,
    Spending,
    Stage,
    WagePayment,
)
from villagedesk.registry.models import Household

PROJECTS = [
    ("茶叶初制所建设项目", ProjectKind.INDUSTRY, "新建茶叶初制所一座，配套揉捻、烘干设备。"),
    ("村组道路硬化工程", ProjectKind.ROADS, "硬化村组道路 2.4 公里，宽 4.5 米。"),
    ("人饮管网改造工程", ProjectKind.DRINKING_WATER, "更换老化入户管网 6 公里，新建蓄水池一座。"),
    ("农村生活垃圾收运设施", ProjectKind.RUBBISH, "配置垃圾收集箱 40 个、转运车一辆。"),
    ("村卫生室提升改造", ProjectKind.PUBLIC_SERVICE, "改造村卫生室业务用房 120 平方米。"),
]
BUDGET = {
    FundSource.CENTRAL: Decimal(300_000),
    FundSource.COUNTY: Decimal(80_000),
    FundSource.ASSISTING_UNIT: Decimal(50_000),
    FundSource.COLLECTIVE: Decimal(20_000),
}
WAYS = [BenefitWay.WAGES, BenefitWay.DIVIDENDS, BenefitWay.PURCHASES, BenefitWay.LAND_RENT]
BENEFICIARIES = 6


@transaction.atomic
def projects_demo_create(*, county: Area, today: datetime.date, seed: int = 1) -> int:
    """Add plans and projects to every village of the county that has a team. Returns the
    projects added."""
    rng = random.Random(seed)  # noqa: S311 - repeatable demo data, not secrets
    assignments = (
        permissions.assignments_granting(Capability.KEEP_DIARY)
        .filter(area__code__startswith=county.prefix)
        .select_related("user", "area")
        .order_by("area__code", "user_id")
    )
    seen = set()
    for assignment in assignments:
        if assignment.area_id not in seen:
            seen.add(assignment.area_id)
            village_projects_create(
                by=assignment.user,
                village=assignment.area,
                number=len(seen) - 1,
                today=today,
                rng=rng,
            )
    return len(seen) * len(PROJECTS)


def village_projects_create(*, by, village: Area, number: int, today, rng) -> None:
    IndustryPlan.objects.bulk_create(
        [
            IndustryPlan(
                village=village,
                year=today.year - 1,
                industries="茶叶、核桃",
                reasons="山地多、海拔适宜，已有茶园 800 亩，合作社可带动。",
                target_output="干茶 40 吨",
                target_households=90,
                target_income=Decimal(600_000),
                reached_output="干茶 36 吨",
                reached_households=84,
                reached_income=Decimal(rng.randrange(480_000, 660_000, 1000)),
                review="春茶受倒春寒影响减产，秋茶价格较好。",
            ),
            IndustryPlan(
                village=village,
                year=today.year,
                industries="茶叶、林下养鸡",
                reasons="茶园套养，降低除草成本，增加农户收入。",
                target_output="干茶 45 吨，出栏鸡 1.2 万羽",
                target_households=110,
                target_income=Decimal(750_000),
            ),
        ]
    )
    households = list(
        Household.objects.filter(area_code=village.code).order_by("pk").values_list("pk", flat=True)
    )
    start = today - datetime.timedelta(days=420)
    for k, (name, kind, description) in enumerate(PROJECTS):
        # The first project is handed over; the others have done 0 to 6 stages, so that two
        # villages show every stage.
        done = len(STAGE_ORDER) if k == 0 else (4 * number + k - 1) % len(STAGE_ORDER)
        project = Project.objects.create(
            village=village,
            name=name,
            kind=kind,
            year=start.year if k == 0 else today.year,
            description=description,
            decided_on=start,
            decision_number=f"乡振发〔{start.year}〕{10 + k}号",
            stage=STAGE_ORDER[done - 1] if done else "",
        )
        first = start if k == 0 else start + datetime.timedelta(days=120)
        stages = []
        for index, stage in enumerate(STAGE_ORDER):
            planned = first + datetime.timedelta(days=30 * index)
            stages.append(
                ProjectStage(
                    project=project,
                    stage=stage,
                    planned_on=planned,
                    done_on=planned + datetime.timedelta(days=index) if index < done else None,
                )
            )
        ProjectStage.objects.bulk_create(stages)
        BudgetLine.objects.bulk_create(
            BudgetLine(project=project, source=source, amount=amount)
            for source, amount in BUDGET.items()
        )
        if done >= STAGE_ORDER.index(Stage.WORKS):
            Spending.objects.bulk_create(
                Spending(
                    project=project,
                    source=source,
                    spent_on=stages[STAGE_ORDER.index(Stage.WORKS)].planned_on,
                    amount=(amount * done / len(STAGE_ORDER)).quantize(Decimal(1)),
                    purpose="工程进度款",
                )
                for source, amount in BUDGET.items()
            )
        chosen = rng.sample(households, min(BENEFICIARIES, len(households)))
        beneficiaries = Beneficiary.objects.bulk_create(
            Beneficiary(project=project, household_id=pk, way=WAYS[i % len(WAYS)])
            for i, pk in enumerate(chosen)
        )
        if k == 0:
            handed_over_create(by=by, project=project, stages=stages, beneficiaries=beneficiaries)


def handed_over_create(*, by, project: Project, stages, beneficiaries) -> None:
    """The handed-over project's wages to its workers, its assets, and last year's income of
    its operating asset shared among its households."""
    works = stages[STAGE_ORDER.index(Stage.WORKS)].done_on
    for beneficiary in beneficiaries:
        if beneficiary.way == BenefitWay.WAGES:
            services.wage_save(
                by=by,
                payment=WagePayment(beneficiary=beneficiary, paid_on=works, amount=Decimal(2400)),
            )
    handover = stages[-1].done_on
    operating = Asset.objects.create(
        project=project,
        name="茶叶初制所厂房及设备",
        asset_class=AssetClass.OPERATING,
        owner=f"{project.village.name}股份经济合作社",
        custodian=f"{project.village.name}村民委员会",
        value=Decimal(380_000),
        handed_over_on=handover,
    )
    Asset.objects.create(
        project=project,
        name="厂区道路",
        asset_class=AssetClass.PUBLIC_WELFARE,
        owner=f"{project.village.name}股份经济合作社",
        custodian=f"{project.village.name}村民委员会",
        value=Decimal(45_000),
        handed_over_on=handover,
    )
    income = AssetIncome.objects.create(
        asset=operating,
        year=handover.year,
        income=Decimal(28_000),
        to_households=Decimal(len(beneficiaries) * 600),
        to_collective=Decimal(15_000),
        to_jobs=Decimal(4_000),
    )
    for beneficiary in beneficiaries:
        services.distribution_save(
            by=by,
            share=Distribution(income=income, household=beneficiary.household, amount=Decimal(600)),
        )
