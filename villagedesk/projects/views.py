from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from villagedesk.accounts import permissions
from villagedesk.accounts.permissions import Capability
from villagedesk.core.concurrency import saved_once
from villagedesk.core.forms import form_with_service_errors
from villagedesk.governance import selectors as governance
from villagedesk.projects import selectors, services
from villagedesk.projects.forms import (
    AssetForm,
    AssetIncomeForm,
    BeneficiaryForm,
    BudgetForm,
    DistributionForm,
    PlanForm,
    ProjectForm,
    SpendingForm,
    StageForm,
    WageForm,
)
from villagedesk.projects.models import (
    Asset,
    AssetIncome,
    Beneficiary,
    Distribution,
    IndustryPlan,
    Project,
    ProjectKind,
    Spending,
    Stage,
    WagePayment,
)


def editable_villages(user):
    """The villages in the user's view whose plans and projects the user keeps."""
    return permissions.village_list(user, Capability.KEEP_REGISTRY)


def may_keep(user, code: str) -> bool:
    return permissions.holds(user, Capability.KEEP_REGISTRY, code)


def form_saved(request, form, save, leads_to) -> bool:
    """Run the service `save` once for the form; True when it saved (with a message), else the
    service's refusal is on the form, with what was typed. `leads_to` (a path, or a row, read
    once saved) is where a second sending of the form is sent."""
    try:
        with saved_once(form) as receipt:
            save()
            receipt.leads_to(leads_to)
    except ValidationError as error:
        form_with_service_errors(form, error)
        return False
    messages.success(request, _("Saved."))
    return True


def form_page(request, form, heading: str, back: str, back_label: str):
    context = {"form": form, "heading": heading, "back": back, "back_label": back_label}
    return render(request, "directory/form_page.html", context)


@login_required
def project_list(request):
    village = request.GET.get("village", "")
    stage = request.GET.get("stage", "")
    kind = request.GET.get("kind", "")
    projects = selectors.project_list(user=request.user, village=village, stage=stage, kind=kind)
    context = {
        "projects": projects[:200],
        "villages": permissions.village_list(request.user),
        "village": village,
        "stage": stage,
        "kind": kind,
        "stages": Stage.choices,
        "kinds": ProjectKind.choices,
        "may_add": editable_villages(request.user).exists(),
    }
    return render(request, "projects/project_list.html", context)


def project_form(request, project: Project, *, create: bool):
    villages = editable_villages(request.user)
    form = ProjectForm(
        request.POST or None,
        instance=project,
        villages=villages,
        matters=governance.matter_list(user=request.user).filter(village__in=villages),
        initial={"village": villages.first()} if create else None,
    )
    if request.method == "POST" and form.is_valid():

        def save():
            services.project_save(by=request.user, project=form.instance)

        if form_saved(request, form, save, form.instance):
            return redirect(form.instance)
    back = reverse("projects:project-list") if create else project.get_absolute_url()
    heading = _("New project") if create else project.name
    return form_page(request, form, heading, back, _("Projects"))


@login_required
def project_create(request):
    return project_form(request, Project(), create=True)


@login_required
def project_edit(request, pk):
    return project_form(request, selectors.project_get(user=request.user, pk=pk), create=False)


@login_required
def project_detail(request, pk):
    project = selectors.project_get(user=request.user, pk=pk)
    beneficiaries = list(selectors.beneficiary_list(project))
    context = {
        "project": project,
        "stages": selectors.stages_of(project),
        "funds": selectors.project_funds(project),
        "spending": project.spending.all(),
        "beneficiaries": beneficiaries,
        "counts": selectors.beneficiary_counts(project.beneficiaries.all()),
        "assets": selectors.asset_list(project),
        "may_edit": may_keep(request.user, project.area_code),
    }
    return render(request, "projects/project_detail.html", context)


@login_required
def stage_edit(request, pk, stage):
    project = selectors.project_get(user=request.user, pk=pk)
    row = next((s for s in selectors.stages_of(project) if s.stage == stage), None)
    if row is None:
        raise Http404
    form = StageForm(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():

        def save():
            services.stage_record(
                by=request.user, project=project, stage=stage, **form.cleaned_data
            )

        if form_saved(request, form, save, project.get_absolute_url()):
            return redirect(project)
    heading = f"{project.name} · {row.get_stage_display()}"
    return form_page(request, form, heading, project.get_absolute_url(), project.name)


@login_required
def budget_edit(request, pk):
    project = selectors.project_get(user=request.user, pk=pk)
    initial = dict(project.budget.values_list("source", "amount"))
    form = BudgetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():

        def save():
            services.budget_set(by=request.user, project=project, amounts=form.cleaned_data)

        if form_saved(request, form, save, project.get_absolute_url()):
            return redirect(project)
    heading = _("Budget of %(name)s") % {"name": project.name}
    return form_page(request, form, heading, project.get_absolute_url(), project.name)


@login_required
def spending_create(request, pk):
    project = selectors.project_get(user=request.user, pk=pk)
    return spending_form(request, project, Spending(project=project))


@login_required
def spending_edit(request, pk, spending):
    project = selectors.project_get(user=request.user, pk=pk)
    return spending_form(request, project, spending_of(project, spending))


def spending_of(project, pk) -> Spending:
    row = project.spending.filter(pk=pk).first()
    if row is None:
        raise Http404
    return row


@login_required
@require_POST
def spending_delete(request, pk, spending):
    project = selectors.project_get(user=request.user, pk=pk)
    services.spending_delete(by=request.user, spending=spending_of(project, spending))
    messages.success(request, _("Removed."))
    return redirect(project)


def spending_form(request, project, spending: Spending):
    form = SpendingForm(request.POST or None, instance=spending)
    if request.method == "POST" and form.is_valid():

        def save():
            services.spending_save(by=request.user, spending=form.instance)

        if form_saved(request, form, save, project.get_absolute_url()):
            return redirect(project)
    heading = _("Money spent on %(name)s") % {"name": project.name}
    return form_page(request, form, heading, project.get_absolute_url(), project.name)


@login_required
def beneficiary_create(request, pk):
    project = selectors.project_get(user=request.user, pk=pk)
    form = BeneficiaryForm(
        request.POST or None,
        instance=Beneficiary(project=project),
        households=selectors.village_households(project),
    )
    if request.method == "POST" and form.is_valid():

        def save():
            services.beneficiary_save(by=request.user, beneficiary=form.instance)

        if form_saved(request, form, save, project.get_absolute_url()):
            return redirect(project)
    heading = _("A household %(name)s benefits") % {"name": project.name}
    return form_page(request, form, heading, project.get_absolute_url(), project.name)


@login_required
@require_POST
def beneficiary_delete(request, pk, beneficiary):
    project = selectors.project_get(user=request.user, pk=pk)
    row = project.beneficiaries.filter(pk=beneficiary).first()
    if row is None:
        raise Http404
    services.beneficiary_delete(by=request.user, beneficiary=row)
    messages.success(request, _("Removed."))
    return redirect(project)


@login_required
def wage_create(request, pk):
    project = selectors.project_get(user=request.user, pk=pk)
    form = WageForm(
        request.POST or None,
        instance=WagePayment(),
        beneficiaries=project.beneficiaries.select_related("household"),
    )
    if request.method == "POST" and form.is_valid():

        def save():
            services.wage_save(by=request.user, payment=form.instance)

        if form_saved(request, form, save, project.get_absolute_url()):
            return redirect(project)
    heading = _("Wages paid by %(name)s") % {"name": project.name}
    return form_page(request, form, heading, project.get_absolute_url(), project.name)


@login_required
@require_POST
def wage_delete(request, pk, payment):
    project = selectors.project_get(user=request.user, pk=pk)
    row = WagePayment.objects.filter(pk=payment, beneficiary__project=project).first()
    if row is None:
        raise Http404
    services.wage_delete(by=request.user, payment=row)
    messages.success(request, _("Removed."))
    return redirect(project)


@login_required
def asset_create(request, pk):
    project = selectors.project_get(user=request.user, pk=pk)
    form = AssetForm(request.POST or None, instance=Asset(project=project))
    if request.method == "POST" and form.is_valid():

        def save():
            services.asset_save(by=request.user, asset=form.instance)

        if form_saved(request, form, save, form.instance):
            return redirect(form.instance)
    heading = _("An asset %(name)s handed over") % {"name": project.name}
    return form_page(request, form, heading, project.get_absolute_url(), project.name)


@login_required
def asset_detail(request, pk):
    asset = selectors.asset_get(user=request.user, pk=pk)
    context = {
        "asset": asset,
        "project": asset.project,
        "incomes": selectors.income_list(asset),
        "may_edit": may_keep(request.user, asset.project.area_code),
    }
    return render(request, "projects/asset_detail.html", context)


@login_required
def asset_income_create(request, pk):
    asset = selectors.asset_get(user=request.user, pk=pk)
    return asset_income_form(request, asset, AssetIncome(asset=asset))


@login_required
def asset_income_edit(request, pk, income):
    asset = selectors.asset_get(user=request.user, pk=pk)
    return asset_income_form(request, asset, income_of(asset, income))


def income_of(asset, pk) -> AssetIncome:
    row = asset.incomes.filter(pk=pk).first()
    if row is None:
        raise Http404
    return row


@login_required
@require_POST
def asset_income_delete(request, pk, income):
    asset = selectors.asset_get(user=request.user, pk=pk)
    services.asset_income_delete(by=request.user, income=income_of(asset, income))
    messages.success(request, _("Removed."))
    return redirect(asset)


def asset_income_form(request, asset, income: AssetIncome):
    form = AssetIncomeForm(request.POST or None, instance=income)
    if request.method == "POST" and form.is_valid():

        def save():
            services.asset_income_save(by=request.user, income=form.instance)

        if form_saved(request, form, save, asset.get_absolute_url()):
            return redirect(asset)
    heading = _("Income of %(name)s") % {"name": asset.name}
    return form_page(request, form, heading, asset.get_absolute_url(), asset.name)


@login_required
def distribution_create(request, pk):
    asset = selectors.asset_get(user=request.user, pk=pk)
    return distribution_form(request, asset, Distribution())


@login_required
def distribution_edit(request, pk, share):
    asset = selectors.asset_get(user=request.user, pk=pk)
    row = Distribution.objects.filter(pk=share, income__asset=asset).first()
    if row is None:
        raise Http404
    return distribution_form(request, asset, row)


def distribution_form(request, asset, share: Distribution):
    incomes = asset.incomes.all()
    form = DistributionForm(
        request.POST or None,
        instance=share,
        incomes=incomes,
        households=selectors.village_households(asset.project),
        initial=None if share.pk else {"income": incomes.first()},
    )
    if request.method == "POST" and form.is_valid():

        def save():
            services.distribution_save(by=request.user, share=form.instance)

        if form_saved(request, form, save, asset.get_absolute_url()):
            return redirect(asset)
    heading = _("A household's share of %(name)s") % {"name": asset.name}
    return form_page(request, form, heading, asset.get_absolute_url(), asset.name)


@login_required
@require_POST
def distribution_delete(request, pk, share):
    asset = selectors.asset_get(user=request.user, pk=pk)
    row = Distribution.objects.filter(pk=share, income__asset=asset).first()
    if row is None:
        raise Http404
    services.distribution_delete(by=request.user, share=row)
    messages.success(request, _("Removed."))
    return redirect(asset)


@login_required
def plan_list(request):
    village = request.GET.get("village", "")
    context = {
        "plans": selectors.plan_list(user=request.user, village=village)[:200],
        "villages": permissions.village_list(request.user),
        "village": village,
        "may_add": editable_villages(request.user).exists(),
    }
    return render(request, "projects/plan_list.html", context)


def plan_form(request, plan: IndustryPlan, *, create: bool):
    villages = editable_villages(request.user)
    form = PlanForm(
        request.POST or None,
        instance=plan,
        villages=villages,
        initial={"village": villages.first()} if create else None,
    )
    if request.method == "POST" and form.is_valid():

        def save():
            services.plan_save(by=request.user, plan=form.instance)

        if form_saved(request, form, save, reverse("projects:plan-list")):
            return redirect("projects:plan-list")
    heading = _("New industry plan") if create else str(plan)
    return form_page(request, form, heading, reverse("projects:plan-list"), _("Industry plans"))


@login_required
def plan_create(request):
    return plan_form(request, IndustryPlan(), create=True)


@login_required
def plan_edit(request, pk):
    return plan_form(request, selectors.plan_get(user=request.user, pk=pk), create=False)


@login_required
def rollup(request):
    areas = selectors.rollup_areas(user=request.user)
    prefix = request.GET.get("area", "")
    area = next((a for a in areas if a.prefix == prefix), None)
    figures = selectors.rollup(user=request.user, prefix=area.prefix if area else "")
    chart = {
        "kinds": figures.kinds,
        "stages": [row["label"] for row in figures.by_stage],
        "counts": [row["counts"] for row in figures.by_stage],
        "sources": [row.label for row in figures.funds.rows],
        "planned": [float(row.planned) for row in figures.funds.rows],
        "spent": [float(row.spent) for row in figures.funds.rows],
        "labels": {"planned": _("Planned"), "spent": _("Spent")},
        "gantt": figures.gantt,
        "stage_names": [str(s.label) for s in Stage],
    }
    context = {"figures": figures, "areas": areas, "area": area, "chart": chart}
    return render(request, "projects/rollup.html", context)
