"""Writes of industry plans and projects. Only those who keep a village's records
(`Capability.KEEP_REGISTRY`) write its plans and projects.

The rules the services keep: a project's stages are done in order, each dated no earlier than
the one before (planned dates likewise); a source's spending never passes its budget line (an
overspend is refused, not flagged: the budget is changed first, as the approving body would);
beneficiaries are households of the project's own village; assets come only from a project
whose handover is done, and only operating assets earn income. What the project pays a
household (wages, its share of an asset's income) becomes that household's income in welfare
(`welfare.services.income_flow_set`), once per payment."""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from villagedesk.accounts import permissions
from villagedesk.accounts.models import User
from villagedesk.accounts.permissions import Capability
from villagedesk.areas.models import PoiCategory, PointOfInterest
from villagedesk.core.saving import validated_save
from villagedesk.directory import services as directory
from villagedesk.projects.models import (
    STAGE_ORDER,
    Asset,
    AssetIncome,
    Beneficiary,
    BudgetLine,
    Distribution,
    IndustryPlan,
    Project,
    ProjectKind,
    ProjectStage,
    Spending,
    Stage,
    WagePayment,
)
from villagedesk.welfare.codes import IncomeKind
from villagedesk.welfare.services import income_flow_set

POINT_CATEGORY = {
    ProjectKind.DRINKING_WATER: PoiCategory.WATER,
    ProjectKind.ROADS: PoiCategory.ROAD,
}


def keeps(by: User, *codes: str) -> None:
    """The user keeps the records of every one of these villages (the new and the saved)."""
    for code in codes:
        permissions.require(by, Capability.KEEP_REGISTRY, code)


def saved_code(model, pk) -> list[str]:
    """The village code a saved row holds now, so that a row cannot be moved out of reach."""
    if not pk:
        return []
    return list(model.objects.filter(pk=pk).values_list("area_code", flat=True))


@transaction.atomic
def plan_save(*, by: User, plan: IndustryPlan) -> IndustryPlan:
    """Add or change a village's industry plan, or its year-end review."""
    keeps(by, plan.village.code, *saved_code(IndustryPlan, plan.pk))
    validated_save(plan, by=by)
    return plan


@transaction.atomic
def project_save(*, by: User, project: Project) -> Project:
    """Add or change a project. A new project gets its seven stages, none done. It needs the
    decision that approved it: a village matter of its own village, or a date and a document
    number. Its coordinates put it on the village map as a point of interest, kept with it."""
    keeps(by, project.village.code, *saved_code(Project, project.pk))
    if project.matter_id and project.matter.village_id != project.village_id:
        raise ValidationError({"matter": _("Choose a matter of the project's own village.")})
    if not project.matter_id and not (project.decided_on and project.decision_number):
        raise ValidationError(
            _("Say what approved the project: a village matter, or the date and document number.")
        )
    created = project.pk is None
    validated_save(project, by=by)
    if created:
        ProjectStage.objects.bulk_create(
            ProjectStage(project=project, stage=stage) for stage in STAGE_ORDER
        )
    point_keep(by=by, project=project)
    return project


def point_keep(*, by: User, project: Project) -> None:
    """Keep the project's point on the village map in step with its name and coordinates."""
    point = project.point
    if project.latitude is None:
        if point is not None:
            project.point = None
            Project.objects.filter(pk=project.pk).update(point=None)
            directory.point_delete(by=by, point=point)
        return
    point = point or PointOfInterest(village=project.village)
    point.village = project.village
    point.name = project.name[:100]
    point.category = POINT_CATEGORY.get(project.kind, PoiCategory.OTHER)
    point.latitude = project.latitude
    point.longitude = project.longitude
    point.notes = _("Project: %(name)s") % {"name": project.name}
    directory.point_save(by=by, point=point)
    if project.point_id != point.pk:
        project.point = point
        Project.objects.filter(pk=project.pk).update(point=point)


def stage_order_check(earlier: ProjectStage, later: ProjectStage, *, adjacent: bool) -> None:
    """Refuse a later stage done before the stage just before it is done, or dated before it;
    planned dates keep the order of all the stages."""
    names = {"stage": later.get_stage_display(), "before": earlier.get_stage_display()}
    if adjacent and later.done_on and not earlier.done_on:
        raise ValidationError(
            {"done_on": _("%(stage)s cannot be done before %(before)s is done.") % names}
        )
    if later.done_on and earlier.done_on and later.done_on < earlier.done_on:
        raise ValidationError(
            {"done_on": _("%(stage)s cannot be dated before %(before)s.") % names}
        )
    if later.planned_on and earlier.planned_on and later.planned_on < earlier.planned_on:
        raise ValidationError(
            {"planned_on": _("%(stage)s cannot be planned before %(before)s.") % names}
        )


@transaction.atomic
def stage_record(
    *,
    by: User,
    project: Project,
    stage: str,
    planned_on: datetime.date | None,
    done_on: datetime.date | None,
) -> ProjectStage:
    """Set a stage's planned and actual dates. Stages are done in order and dated in order
    (the same day as the stage before is allowed); undoing a stage whose next stage is done is
    refused like doing one early. The project's stage reached follows."""
    keeps(by, project.area_code)
    stages = list(ProjectStage.objects.select_for_update().filter(project=project).order_by("id"))
    stages.sort(key=lambda s: s.order)
    row = next(s for s in stages if s.stage == stage)
    row.planned_on, row.done_on = planned_on, done_on
    for index, earlier in enumerate(stages):
        for distance, later in enumerate(stages[index + 1 :]):
            if row in (earlier, later):
                stage_order_check(earlier, later, adjacent=distance == 0)
    validated_save(row, by=by)
    reached = [s.stage for s in stages if s.done_on]
    project.stage = reached[-1] if reached else ""
    Project.objects.filter(pk=project.pk).update(stage=project.stage)
    return row


@transaction.atomic
def budget_set(*, by: User, project: Project, amounts: dict[str, Decimal | None]) -> None:
    """Set the project's budget by source; a source given no amount has no line. A line cut
    below what was already spent from it is refused."""
    keeps(by, project.area_code)
    spent = spent_by_source(project)
    for source, amount in amounts.items():
        if (amount or 0) < spent.get(source, 0):
            raise ValidationError(
                {
                    source: _("%(spent)s has already been spent from this source.")
                    % {"spent": spent[source]}
                }
            )
        if amount is None:
            BudgetLine.objects.filter(project=project, source=source).delete()
            continue
        line = BudgetLine.objects.filter(project=project, source=source).first()
        line = line or BudgetLine(project=project, source=source)
        line.amount = amount
        validated_save(line, by=by)


def spent_by_source(project: Project, *, leaving_out: int | None = None) -> dict[str, Decimal]:
    spending = Spending.objects.filter(project=project).exclude(pk=leaving_out)
    return dict(
        spending.values("source").annotate(total=Sum("amount")).values_list("source", "total")
    )


@transaction.atomic
def spending_save(*, by: User, spending: Spending) -> Spending:
    """Record money spent from one source. Spending past the source's budget line (or from a
    source with no line) is refused, saying how much is left."""
    project = spending.project
    keeps(by, project.area_code)
    # One writer at a time per project, so two payments cannot both fit the last of a line.
    Project.objects.select_for_update().filter(pk=project.pk).first()
    planned = (
        BudgetLine.objects.filter(project=project, source=spending.source)
        .values_list("amount", flat=True)
        .first()
    ) or Decimal(0)
    spent = spent_by_source(project, leaving_out=spending.pk).get(spending.source, Decimal(0))
    if spent + (spending.amount or 0) > planned:
        raise ValidationError(
            {
                "amount": _(
                    "This is more than the budget of this source: %(left)s yuan of %(planned)s "
                    "is left."
                )
                % {"left": planned - spent, "planned": planned}
            }
        )
    validated_save(spending, by=by)
    return spending


@transaction.atomic
def spending_delete(*, by: User, spending: Spending) -> None:
    """Remove a spending line."""
    keeps(by, spending.project.area_code)
    spending.delete()


@transaction.atomic
def beneficiary_save(*, by: User, beneficiary: Beneficiary) -> Beneficiary:
    """List a household the project benefits; only households of the project's village."""
    keeps(by, beneficiary.project.area_code)
    if beneficiary.household.area_code != beneficiary.project.area_code:
        raise ValidationError({"household": _("Choose a household of the project's village.")})
    validated_save(beneficiary, by=by)
    return beneficiary


@transaction.atomic
def beneficiary_delete(*, by: User, beneficiary: Beneficiary) -> None:
    """Take a household off the project, and the wages the project paid it off its income."""
    keeps(by, beneficiary.project.area_code)
    for payment in beneficiary.wages.all():
        wage_delete(by=by, payment=payment)
    beneficiary.delete()


def wage_label(payment: WagePayment) -> str:
    return _("wages from the project %(name)s") % {"name": payment.beneficiary.project.name}


@transaction.atomic
def wage_save(*, by: User, payment: WagePayment) -> WagePayment:
    """Record wages the project paid a beneficiary household; they are part of the household's
    wage income of that year (changed with the payment, never counted twice)."""
    project = payment.beneficiary.project
    keeps(by, project.area_code)
    validated_save(payment, by=by)
    income_flow_set(
        by=by,
        household=payment.beneficiary.household,
        year=payment.paid_on.year,
        kind=IncomeKind.WAGE,
        source_key=payment.source_key,
        label=wage_label(payment),
        amount=payment.amount,
        link=project.get_absolute_url(),
    )
    return payment


@transaction.atomic
def wage_delete(*, by: User, payment: WagePayment) -> None:
    """Remove a wage payment and its part of the household's income."""
    keeps(by, payment.beneficiary.project.area_code)
    income_flow_set(
        by=by,
        household=payment.beneficiary.household,
        year=payment.paid_on.year,
        kind=IncomeKind.WAGE,
        source_key=payment.source_key,
        label="",
        amount=None,
    )
    payment.delete()


@transaction.atomic
def asset_save(*, by: User, asset: Asset) -> Asset:
    """Record an asset the project handed over; only after its handover stage is done, and
    not dated before it."""
    project = asset.project
    keeps(by, project.area_code)
    handover = ProjectStage.objects.filter(project=project, stage=Stage.HANDOVER).first()
    if handover is None or handover.done_on is None:
        raise ValidationError(_("Assets are recorded once the project's handover is done."))
    if asset.handed_over_on and asset.handed_over_on < handover.done_on:
        raise ValidationError(
            {"handed_over_on": _("An asset cannot be handed over before the project's handover.")}
        )
    if asset.pk and not asset.operating and asset.incomes.exists():
        raise ValidationError(
            {"asset_class": _("This asset has recorded income: only operating assets earn.")}
        )
    validated_save(asset, by=by)
    return asset


@transaction.atomic
def asset_income_save(*, by: User, income: AssetIncome) -> AssetIncome:
    """Record an operating asset's income for a year and how it was shared. What went to
    households cannot fall below what is already shared out to them one by one."""
    asset = income.asset
    keeps(by, asset.project.area_code)
    if not asset.operating:
        raise ValidationError(_("Only operating assets earn income."))
    if income.pk:
        shared = income.shares.aggregate(total=Sum("amount"))["total"] or 0
        if income.to_households < shared:
            raise ValidationError(
                {
                    "to_households": _("%(shared)s is already shared out to households.")
                    % {"shared": shared}
                }
            )
    year_before = (
        AssetIncome.objects.filter(pk=income.pk).values_list("year", flat=True).first()
        if income.pk
        else None
    )
    validated_save(income, by=by)
    if year_before is not None and year_before != income.year:
        for share in income.shares.select_related("household"):
            share_flow_set(by=by, share=share)
    return income


@transaction.atomic
def asset_income_delete(*, by: User, income: AssetIncome) -> None:
    """Remove a year's income of an asset recorded by mistake, with the households' shares of it
    and their part of each household's income."""
    keeps(by, income.asset.project.area_code)
    for share in income.shares.select_related("household"):
        distribution_delete(by=by, share=share)
    income.delete()


def distribution_label(share: Distribution) -> str:
    return _("income of the project asset %(name)s") % {"name": share.income.asset.name}


@transaction.atomic
def distribution_save(*, by: User, share: Distribution) -> Distribution:
    """Give a household of the project's village its share of an asset's yearly income; the
    shares never pass what went to households. The share is part of the household's property
    income of that year (changed with the share, never counted twice)."""
    income = share.income
    project = income.asset.project
    keeps(by, project.area_code)
    if share.household.area_code != project.area_code:
        raise ValidationError({"household": _("Choose a household of the project's village.")})
    AssetIncome.objects.select_for_update().filter(pk=income.pk).first()
    others = income.shares.exclude(pk=share.pk).aggregate(total=Sum("amount"))["total"] or Decimal(
        0
    )
    if others + (share.amount or 0) > income.to_households:
        raise ValidationError(
            {
                "amount": _("Only %(left)s yuan of what went to households is left to share.")
                % {"left": income.to_households - others}
            }
        )
    validated_save(share, by=by)
    share_flow_set(by=by, share=share)
    return share


def share_flow_set(*, by: User, share: Distribution) -> None:
    """The share as part of the household's property income of the share's year."""
    income_flow_set(
        by=by,
        household=share.household,
        year=share.income.year,
        kind=IncomeKind.PROPERTY,
        source_key=share.source_key,
        label=distribution_label(share),
        amount=share.amount,
        link=share.income.asset.get_absolute_url(),
    )


@transaction.atomic
def distribution_delete(*, by: User, share: Distribution) -> None:
    """Remove a household's share and its part of the household's income."""
    keeps(by, share.income.asset.project.area_code)
    income_flow_set(
        by=by,
        household=share.household,
        year=share.income.year,
        kind=IncomeKind.PROPERTY,
        source_key=share.source_key,
        label="",
        amount=None,
    )
    share.delete()
