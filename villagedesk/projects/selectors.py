"""Scoped reads of industry plans and projects. A village's plans and projects are seen by those
whose areas cover it; a single one outside them is a 404, as an unknown id.

Whether a beneficiary household is out of poverty (脱贫户) or monitored (监测对象) is read from
the registry and welfare, never typed on the project: out of poverty is the registry's household
type `exited`; monitored is the type `monitored` or an open monitoring case in welfare."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils.translation import gettext

from villagedesk.accounts.models import User
from villagedesk.areas.models import Area, Level
from villagedesk.core.scoping import get_visible_or_404
from villagedesk.projects.models import (
    STAGE_ORDER,
    Asset,
    AssetClass,
    AssetIncome,
    Beneficiary,
    BudgetLine,
    FundSource,
    IndustryPlan,
    Project,
    ProjectKind,
    ProjectStage,
    Spending,
    Stage,
)
from villagedesk.registry.codes import HouseholdStatus, Relation
from villagedesk.registry.models import Household, Person
from villagedesk.welfare.models import MonitoredHousehold

# The Gantt view draws at most this many projects, the latest first.
GANTT_PROJECTS = 40


def plan_list(*, user: User, village: str = "") -> QuerySet[IndustryPlan]:
    """Industry plans of the villages in the user's areas, latest year first."""
    plans = IndustryPlan.objects.visible_to(user)
    if village:
        plans = plans.filter(area_code=village)
    return plans.select_related("village")


def plan_get(*, user: User, pk: int) -> IndustryPlan:
    """One plan of a village in the user's areas; 404 outside them."""
    return get_visible_or_404(IndustryPlan.objects.select_related("village"), user=user, pk=pk)


def project_list(
    *, user: User, village: str = "", stage: str = "", kind: str = ""
) -> QuerySet[Project]:
    """Projects of the villages in the user's areas, latest year first, with their planned and
    spent totals and their number of beneficiary households."""
    projects = Project.objects.visible_to(user)
    if village:
        projects = projects.filter(area_code=village)
    if stage:
        projects = projects.filter(stage="" if stage == "none" else stage)
    if kind:
        projects = projects.filter(kind=kind)
    planned = BudgetLine.objects.filter(project=OuterRef("pk")).values("project")
    spent = Spending.objects.filter(project=OuterRef("pk")).values("project")
    households = Beneficiary.objects.filter(project=OuterRef("pk")).values("project")
    return projects.select_related("village").annotate(
        planned=subquery_sum(planned),
        spent=subquery_sum(spent),
        households=subquery_count(households),
    )


def subquery_sum(rows) -> Coalesce:
    total = rows.annotate(total=Sum("amount")).values("total")
    return Coalesce(Subquery(total, output_field=DecimalField()), Decimal(0))


def subquery_count(rows) -> Coalesce:
    total = rows.annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(total, output_field=IntegerField()), 0)


def project_get(*, user: User, pk: int) -> Project:
    """One project of a village in the user's areas; 404 outside them."""
    return get_visible_or_404(
        Project.objects.select_related("village", "matter", "point"), user=user, pk=pk
    )


def asset_get(*, user: User, pk: int) -> Asset:
    """One asset of a project in the user's areas; 404 outside them."""
    assets = Asset.objects.select_related("project__village").filter(
        project__in=Project.objects.visible_to(user).values("pk")
    )
    try:
        return assets.get(pk=pk)
    except Asset.DoesNotExist as error:
        raise Http404 from error


def stages_of(project: Project) -> list[ProjectStage]:
    """The project's seven stages in order."""
    stages = list(project.stages.all())
    return sorted(stages, key=lambda s: s.order)


@dataclass
class FundsRow:
    source: str
    label: str
    planned: Decimal = Decimal(0)
    spent: Decimal = Decimal(0)

    @property
    def left(self) -> Decimal:
        return self.planned - self.spent

    @property
    def spent_percent(self) -> int | None:
        return round(self.spent * 100 / self.planned) if self.planned else None


@dataclass
class Funds:
    rows: list[FundsRow] = field(default_factory=list)

    @property
    def planned(self) -> Decimal:
        return sum((r.planned for r in self.rows), Decimal(0))

    @property
    def spent(self) -> Decimal:
        return sum((r.spent for r in self.rows), Decimal(0))


def funds_of(*, budget: QuerySet[BudgetLine], spending: QuerySet[Spending]) -> Funds:
    """Planned and spent by funding source, in the code-list order; sources with neither are
    left out."""
    planned = dict(
        budget.values("source").annotate(total=Sum("amount")).values_list("source", "total")
    )
    spent = dict(
        spending.values("source").annotate(total=Sum("amount")).values_list("source", "total")
    )
    rows = [
        FundsRow(
            source.value,
            str(source.label),
            planned.get(source.value) or Decimal(0),
            spent.get(source.value) or Decimal(0),
        )
        for source in FundSource
        if source.value in planned or source.value in spent
    ]
    return Funds(rows)


def project_funds(project: Project) -> Funds:
    """The project's budget and spending by source."""
    return funds_of(budget=project.budget.all(), spending=project.spending.all())


def open_case(household_ref: str) -> Exists:
    """The household has an open monitoring case in welfare."""
    return Exists(
        MonitoredHousehold.objects.filter(
            household=OuterRef(household_ref), risk_eliminated_on__isnull=True
        )
    )


def beneficiary_counts(beneficiaries: QuerySet[Beneficiary]) -> dict[str, int]:
    """How many distinct households these beneficiary rows name, and how many of them are out
    of poverty and monitored, from the registry and welfare (see the module's docstring)."""
    households = Household.objects.filter(pk__in=beneficiaries.values("household")).alias(
        case_open=open_case("pk")
    )
    return households.aggregate(
        households=Count("pk"),
        exited=Count("pk", filter=Q(status=HouseholdStatus.EXITED)),
        monitored=Count("pk", filter=Q(status=HouseholdStatus.MONITORED) | Q(case_open=True)),
    )


def beneficiary_list(project: Project) -> QuerySet[Beneficiary]:
    """The project's beneficiary households with the wages it paid each."""
    return (
        project.beneficiaries.select_related("household")
        .prefetch_related("wages")
        .annotate(
            wages_total=Sum("wages__amount"),
            case_open=open_case("household"),
        )
    )


def village_households(project: Project) -> QuerySet[Household]:
    """The households a project may list: those of its own village, with their heads' names."""
    heads = Person.objects.filter(household=OuterRef("pk"), relation=Relation.HEAD)
    return (
        Household.objects.filter(area_code=project.area_code)
        .annotate(head=Subquery(heads.values("name")[:1]))
        .order_by("number")
    )


def asset_list(project: Project) -> QuerySet[Asset]:
    return project.assets.prefetch_related("incomes")


def income_list(asset: Asset) -> list[AssetIncome]:
    """The asset's yearly incomes, latest first, each with its shares to households."""
    return list(
        asset.incomes.prefetch_related("shares__household").annotate(shared=Sum("shares__amount"))
    )


@dataclass
class Rollup:
    area: Area | None
    by_stage: list[dict]
    kinds: list[str]
    funds: Funds
    assets: list[dict]
    beneficiaries: dict[str, int]
    villages: list[dict]
    gantt: list[dict]
    projects: int


def rollup_areas(*, user: User) -> QuerySet[Area]:
    """The counties and townships in the user's view, for the roll-up's area picker."""
    return (
        Area.objects.visible_to(user)
        .filter(level__in=[Level.COUNTY, Level.TOWNSHIP])
        .order_by("code")
    )


def rollup(*, user: User, prefix: str = "") -> Rollup:
    """Projects of the user's areas (narrowed to an area's prefix): how many at each stage by
    kind, funds planned and spent by source, assets by class, households benefiting (and how
    many of them out of poverty and monitored), a line per village, and the stages of the
    latest projects for the Gantt view."""
    projects = Project.objects.visible_to(user)
    if prefix:
        projects = projects.filter(area_code__startswith=prefix)
    counts = {
        (row["stage"], row["kind"]): row["n"]
        for row in projects.values("stage", "kind").annotate(n=Count("pk"))
    }
    by_stage = [
        {
            "stage": stage,
            "label": label,
            "counts": [counts.get((stage, kind.value), 0) for kind in ProjectKind],
            "total": sum(n for (s, _kind), n in counts.items() if s == stage),
        }
        for stage, label in [
            ("", gettext("Not started")),
            *((s.value, str(s.label)) for s in Stage),
        ]
    ]
    funds = funds_of(
        budget=BudgetLine.objects.filter(project__in=projects.values("pk")),
        spending=Spending.objects.filter(project__in=projects.values("pk")),
    )
    asset_rows = dict(
        (row["asset_class"], row)
        for row in Asset.objects.filter(project__in=projects.values("pk"))
        .values("asset_class")
        .annotate(n=Count("pk"), value=Sum("value"))
    )
    assets = [
        {
            "label": str(c.label),
            "n": asset_rows.get(c.value, {}).get("n", 0),
            "value": asset_rows.get(c.value, {}).get("value") or Decimal(0),
        }
        for c in AssetClass
    ]
    beneficiaries = beneficiary_counts(
        Beneficiary.objects.filter(project__in=projects.values("pk"))
    )
    villages = list(
        projects.values("village__code", "village__name", "village__name_en")
        .annotate(n=Count("pk"), handed_over=Count("pk", filter=Q(stage=Stage.HANDOVER)))
        .order_by("village__code")
    )
    planned_by_village = dict(
        BudgetLine.objects.filter(project__in=projects.values("pk"))
        .values("project__area_code")
        .annotate(total=Sum("amount"))
        .values_list("project__area_code", "total")
    )
    spent_by_village = dict(
        Spending.objects.filter(project__in=projects.values("pk"))
        .values("project__area_code")
        .annotate(total=Sum("amount"))
        .values_list("project__area_code", "total")
    )
    for row in villages:
        row["planned"] = planned_by_village.get(row["village__code"]) or Decimal(0)
        row["spent"] = spent_by_village.get(row["village__code"]) or Decimal(0)
    return Rollup(
        area=None,
        by_stage=by_stage,
        kinds=[str(k.label) for k in ProjectKind],
        funds=funds,
        assets=assets,
        beneficiaries=beneficiaries,
        villages=villages,
        gantt=gantt_rows(projects),
        projects=sum(counts.values()),
    )


def gantt_rows(projects: QuerySet[Project]) -> list[dict]:
    """The latest projects' stages with their planned and actual dates, for the Gantt view."""
    latest = list(projects.select_related("village").order_by("-year", "-pk")[:GANTT_PROJECTS])
    stages: dict[int, list[ProjectStage]] = {}
    for row in ProjectStage.objects.filter(project__in=[p.pk for p in latest]):
        stages.setdefault(row.project_id, []).append(row)
    rows = []
    for project in latest:
        ordered = sorted(stages.get(project.pk, []), key=lambda s: s.order)
        rows.append(
            {
                "name": f"{project.village.display_name} · {project.name}",
                "url": project.get_absolute_url(),
                "stages": [
                    {
                        "stage": str(Stage(s.stage).label),
                        "index": STAGE_ORDER.index(Stage(s.stage)),
                        "planned": s.planned_on.isoformat() if s.planned_on else None,
                        "done": s.done_on.isoformat() if s.done_on else None,
                    }
                    for s in ordered
                ],
            }
        )
    return rows
