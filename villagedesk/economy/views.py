"""Pages of the village economy: cooperatives, the collective organisation of a village, the
households' land, and the collective income of the villages side by side."""

from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from villagedesk.accounts import permissions
from villagedesk.accounts.permissions import Capability
from villagedesk.core import paging
from villagedesk.core.concurrency import saved_once
from villagedesk.core.forms import form_with_service_errors
from villagedesk.economy import forms, selectors, services
from villagedesk.economy.codes import CapitalKind, IncomeSource
from villagedesk.economy.models import (
    Collective,
    CollectiveCapital,
    CollectiveIncome,
    CollectiveSpending,
    Cooperative,
    LandTransfer,
    Plot,
)

VILLAGE_LAND_PAGE_SIZE = 50
MEMBERS_PAGE_SIZE = 50
PARTS_PAGE_SIZE = 50


def may_keep(user, code: str) -> bool:
    return permissions.holds(user, Capability.KEEP_REGISTRY, code)


def saved(request, form, write, to):
    """Run the service write for a valid form once; True when it was saved (a message is set),
    False with its errors on the form."""
    try:
        with saved_once(form) as receipt:
            write()
            receipt.leads_to(to)
    except ValidationError as error:
        form_with_service_errors(form, error)
        return False
    except PermissionDenied:
        form.add_error(None, _("You do not keep the records of this village."))
        return False
    messages.success(request, _("Saved."))
    return True


def form_page(request, form, *, heading, back, back_label):
    return render(
        request,
        "directory/form_page.html",
        {"form": form, "heading": heading, "back": back, "back_label": back_label},
    )


# The overview


@login_required
def rollup(request):
    """The collective income of every village in the user's areas, with the weak-village
    threshold; figures of villages, never of people."""
    years = selectors.years_shown(timezone.localdate())
    code = request.GET.get("area", "")
    area = selectors.area_get(user=request.user, code=code) if code else None
    villages = selectors.collective_rollup(
        user=request.user, years=years, within=area.prefix if area else ""
    )
    chart = {
        "years": [str(y) for y in years],
        "villages": [v.village.display_name for v in villages],
        "operating": [
            [None if v.by_year.get(y) is None else float(v.by_year[y]) for y in years]
            for v in villages
        ],
    }
    rows = [{"village": v.village, "cells": v.cells(years)} for v in villages]
    return render(
        request,
        "economy/rollup.html",
        {
            "years": years,
            "rows": rows,
            "chart": chart,
            "area": area,
            "townships": selectors.township_list(user=request.user),
        },
    )


# Cooperatives


@login_required
def cooperative_list(request):
    village = request.GET.get("village", "")
    return render(
        request,
        "economy/cooperative_list.html",
        {
            "cooperatives": selectors.cooperative_list(user=request.user, village=village),
            "villages": permissions.village_list(request.user),
            "village": village,
            "may_add": editable_villages(request.user).exists(),
        },
    )


def editable_villages(user):
    return permissions.village_list(user, Capability.KEEP_REGISTRY)


def cooperative_form(request, cooperative: Cooperative, *, create: bool):
    villages = editable_villages(request.user)
    form = forms.CooperativeForm(
        request.POST or None,
        instance=cooperative,
        villages=villages,
        initial={"village": villages.first()} if create else None,
    )
    if request.method == "POST" and form.is_valid():
        write = partial(services.cooperative_save, by=request.user, cooperative=form.instance)
        if saved(request, form, write, form.instance):
            return redirect(form.instance)
    heading = _("Add a cooperative or business") if create else cooperative.name
    back = reverse("economy:cooperative-list") if create else cooperative.get_absolute_url()
    return form_page(request, form, heading=heading, back=back, back_label=_("Cooperatives"))


@login_required
def cooperative_create(request):
    return cooperative_form(request, Cooperative(), create=True)


@login_required
def cooperative_edit(request, pk):
    cooperative = selectors.cooperative_get(user=request.user, pk=pk)
    return cooperative_form(request, cooperative, create=False)


@login_required
def cooperative_detail(request, pk):
    cooperative = selectors.cooperative_get(user=request.user, pk=pk)
    may_edit = may_keep(request.user, cooperative.area_code)
    households = selectors.households_to_pick(user=request.user, village_code=cooperative.area_code)
    member_form = forms.MemberForm(households=households) if may_edit else None
    members, members_pager = paging.numbered_page(
        request,
        selectors.cooperative_members(cooperative=cooperative),
        param="members_page",
        size=MEMBERS_PAGE_SIZE,
        anchor="members",
    )
    distributions = list(selectors.cooperative_distributions(cooperative=cooperative))
    year = request.GET.get("year", "")
    shown = next((d for d in distributions if str(d.year) == year), None) or next(
        iter(distributions), None
    )
    parts, parts_pager = (
        paging.numbered_page(
            request,
            selectors.dividend_parts(distribution=shown),
            param="parts_page",
            size=PARTS_PAGE_SIZE,
            anchor="dividends",
        )
        if shown
        else (None, None)
    )
    return render(
        request,
        "economy/cooperative_detail.html",
        {
            "cooperative": cooperative,
            "members": members,
            "members_pager": members_pager,
            "distributions": distributions,
            "shown": shown,
            "parts": parts,
            "parts_pager": parts_pager,
            "may_edit": may_edit,
            "member_form": member_form,
            "distribution_form": forms.DistributionForm(
                initial={"year": timezone.localdate().year - 1}
            )
            if may_edit
            else None,
        },
    )


@login_required
def member_add(request, pk):
    cooperative = selectors.cooperative_get(user=request.user, pk=pk)
    households = selectors.households_to_pick(user=request.user, village_code=cooperative.area_code)
    form = forms.MemberForm(request.POST or None, households=households)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def write():
            services.cooperative_member_set(
                by=request.user,
                cooperative=cooperative,
                household=data["household"],
                shares=data["shares"],
                joined_on=data["joined_on"],
            )

        if saved(request, form, write, cooperative):
            return redirect(cooperative)
    return form_page(
        request,
        form,
        heading=_("Add a member household"),
        back=cooperative.get_absolute_url(),
        back_label=cooperative.name,
    )


@login_required
@require_POST
def member_remove(request, pk):
    member = selectors.cooperative_member_get(user=request.user, pk=pk)
    services.cooperative_member_remove(by=request.user, member=member)
    messages.success(request, _("Removed."))
    return redirect(member.cooperative)


@login_required
def distribution_record(request, pk):
    cooperative = selectors.cooperative_get(user=request.user, pk=pk)
    form = forms.DistributionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def write():
            services.distribution_record(
                by=request.user,
                cooperative=cooperative,
                year=data["year"],
                total=data["total"],
                paid_on=data["paid_on"],
            )

        if saved(request, form, write, cooperative):
            return redirect(cooperative)
    return form_page(
        request,
        form,
        heading=_("Record a year's dividend"),
        back=cooperative.get_absolute_url(),
        back_label=cooperative.name,
    )


@login_required
@require_POST
def distribution_remove(request, pk):
    distribution = selectors.distribution_get(user=request.user, pk=pk)
    services.distribution_remove(by=request.user, distribution=distribution)
    messages.success(request, _("Removed."))
    return redirect(distribution.cooperative)


# The collective economic organisation


@login_required
def collective(request, code):
    village = selectors.village_get(user=request.user, code=code)
    found = selectors.collective_of(village=village)
    years = selectors.years_shown(timezone.localdate())
    context = {
        "village": village,
        "collective": found,
        "may_edit": may_keep(request.user, village.code),
        "may_set_threshold": permissions.holds(request.user, Capability.KEEP_RULES, village.code),
        "source_labels": [source.label for source in IncomeSource],
    }
    if found is not None:
        figures = selectors.collective_years(collective=found, years=years)
        income_lines, spending_lines = selectors.collective_lines(collective=found, years=years)
        totals = selectors.capital_totals(collective=found)
        context |= {
            "figures": figures.rows(),
            "chart": figures.chart(),
            "members": Paginator(
                selectors.collective_members(collective=found), MEMBERS_PAGE_SIZE
            ).get_page(request.GET.get("members_page")),
            "members_pager": {"param": "members_page", "query": "", "anchor": "members"},
            "income_lines": income_lines,
            "spending_lines": spending_lines,
            "capitals": selectors.capital_list(collective=found),
            "capital_totals": [(kind.label, totals.get(kind)) for kind in CapitalKind],
        }
    return render(request, "economy/collective.html", context)


@login_required
def collective_edit(request, code):
    village = selectors.village_get(user=request.user, code=code)
    found = selectors.collective_of(village=village) or Collective(village=village)
    form = forms.CollectiveForm(request.POST or None, instance=found)
    back = reverse("economy:collective", args=[village.code])
    if request.method == "POST" and form.is_valid():
        write = partial(services.collective_save, by=request.user, collective=form.instance)
        if saved(request, form, write, back):
            return redirect(back)
    return form_page(
        request,
        form,
        heading=_("Collective economic organisation"),
        back=back,
        back_label=village.display_name,
    )


def collective_needed(request, code):
    village = selectors.village_get(user=request.user, code=code)
    found = selectors.collective_of(village=village)
    if found is None:
        return village, None, redirect("economy:collective-edit", code=village.code)
    return village, found, None


@login_required
def collective_member_add(request, code):
    village, found, elsewhere = collective_needed(request, code)
    if elsewhere:
        return elsewhere
    persons = selectors.persons_to_pick(user=request.user, village_code=village.code)
    form = forms.CollectiveMemberForm(request.POST or None, persons=persons)
    back = reverse("economy:collective", args=[village.code])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def write():
            services.collective_member_confirm(
                by=request.user,
                collective=found,
                person=data["person"],
                basis=data["basis"],
                confirmed_on=data["confirmed_on"],
                shares=data["shares"],
            )

        if saved(request, form, write, back + "#members"):
            return redirect(back + "#members")
    return form_page(request, form, heading=_("Confirm a member"), back=back, back_label=found.name)


@login_required
def collective_member_end(request, pk):
    member = selectors.collective_member_get(user=request.user, pk=pk)
    form = forms.MemberEndForm(request.POST or None)
    back = reverse("economy:collective", args=[member.area_code]) + "#members"
    if request.method == "POST" and form.is_valid():
        write = partial(
            services.collective_member_end,
            by=request.user,
            member=member,
            ended_on=form.cleaned_data["ended_on"],
        )
        if saved(request, form, write, back):
            return redirect(back)
    return form_page(
        request,
        form,
        heading=_("End the membership of %(name)s") % {"name": member.person.name},
        back=back,
        back_label=member.collective.name,
    )


def collective_record_add(request, code, *, form_class, model, write, heading, anchor):
    village, found, elsewhere = collective_needed(request, code)
    if elsewhere:
        return elsewhere
    form = form_class(request.POST or None, instance=model(collective=found))
    back = reverse("economy:collective", args=[village.code]) + anchor
    if request.method == "POST" and form.is_valid():
        if saved(request, form, lambda: write(by=request.user, instance=form.instance), back):
            return redirect(back)
    return form_page(request, form, heading=heading, back=back, back_label=found.name)


@login_required
def income_add(request, code):
    return collective_record_add(
        request,
        code,
        form_class=forms.IncomeLineForm,
        model=CollectiveIncome,
        write=lambda by, instance: services.collective_income_add(by=by, line=instance),
        heading=_("Add a line of income"),
        anchor="#income",
    )


@login_required
def spending_add(request, code):
    return collective_record_add(
        request,
        code,
        form_class=forms.SpendingLineForm,
        model=CollectiveSpending,
        write=lambda by, instance: services.collective_spending_add(by=by, line=instance),
        heading=_("Add a line of spending"),
        anchor="#income",
    )


@login_required
def capital_add(request, code):
    return collective_record_add(
        request,
        code,
        form_class=forms.CapitalForm,
        model=CollectiveCapital,
        write=lambda by, instance: services.capital_add(by=by, capital=instance),
        heading=_("Add to the three-capitals register"),
        anchor="#capitals",
    )


@login_required
@require_POST
def income_remove(request, pk):
    line = selectors.collective_income_get(user=request.user, pk=pk)
    services.collective_line_remove(by=request.user, line=line)
    messages.success(request, _("Removed."))
    return redirect(reverse("economy:collective", args=[line.area_code]) + "#income")


@login_required
@require_POST
def spending_remove(request, pk):
    line = selectors.collective_spending_get(user=request.user, pk=pk)
    services.collective_line_remove(by=request.user, line=line)
    messages.success(request, _("Removed."))
    return redirect(reverse("economy:collective", args=[line.area_code]) + "#income")


@login_required
@require_POST
def capital_remove(request, pk):
    capital = selectors.capital_get(user=request.user, pk=pk)
    services.capital_remove(by=request.user, capital=capital)
    messages.success(request, _("Removed."))
    return redirect(reverse("economy:collective", args=[capital.area_code]) + "#capitals")


# Land


@login_required
def household_land(request, pk):
    household = selectors.household_get(user=request.user, pk=pk)
    return render(
        request,
        "economy/household_land.html",
        {
            "household": household,
            "plots": selectors.household_plots(household=household),
            "may_edit": may_keep(request.user, household.area_code),
        },
    )


@login_required
def village_land(request, code):
    village = selectors.village_get(user=request.user, code=code)
    today = timezone.localdate()
    households = Paginator(
        selectors.village_land_households(village=village), VILLAGE_LAND_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    return render(
        request,
        "economy/village_land.html",
        {
            "village": village,
            "totals": selectors.land_totals(code=village.code, day=today, year=today.year - 1),
            "day": today,
            "rent_year": today.year - 1,
            "households": households,
        },
    )


def plot_form(request, plot: Plot, *, create: bool):
    form = forms.PlotForm(request.POST or None, instance=plot)
    back = reverse("economy:household-land", args=[plot.household_id])
    if request.method == "POST" and form.is_valid():
        write = partial(services.plot_save, by=request.user, plot=form.instance)
        if saved(request, form, write, back):
            return redirect(back)
    heading = _("Add a contracted plot") if create else plot.name
    return form_page(request, form, heading=heading, back=back, back_label=_("Land"))


@login_required
def plot_create(request, pk):
    household = selectors.household_get(user=request.user, pk=pk)
    return plot_form(request, Plot(household=household), create=True)


@login_required
def plot_edit(request, pk):
    return plot_form(request, selectors.plot_get(user=request.user, pk=pk), create=False)


@login_required
@require_POST
def plot_remove(request, pk):
    plot = selectors.plot_get(user=request.user, pk=pk)
    services.plot_remove(by=request.user, plot=plot)
    messages.success(request, _("Removed."))
    return redirect("economy:household-land", pk=plot.household_id)


def transfer_form(request, transfer: LandTransfer, *, create: bool):
    form = forms.TransferForm(request.POST or None, instance=transfer)
    back = reverse("economy:household-land", args=[transfer.plot.household_id])
    if request.method == "POST" and form.is_valid():
        write = partial(services.transfer_save, by=request.user, transfer=form.instance)
        if saved(request, form, write, back):
            return redirect(back)
    heading = _("Transfer of %(plot)s") % {"plot": transfer.plot.name}
    return form_page(request, form, heading=heading, back=back, back_label=_("Land"))


@login_required
def transfer_create(request, pk):
    plot = selectors.plot_get(user=request.user, pk=pk)
    return transfer_form(request, LandTransfer(plot=plot, household=plot.household), create=True)


@login_required
def transfer_edit(request, pk):
    return transfer_form(request, selectors.transfer_get(user=request.user, pk=pk), create=False)


@login_required
@require_POST
def transfer_remove(request, pk):
    transfer = selectors.transfer_get(user=request.user, pk=pk)
    services.transfer_remove(by=request.user, transfer=transfer)
    messages.success(request, _("Removed."))
    return redirect("economy:household-land", pk=transfer.household_id)


@login_required
def rent_record(request, pk):
    transfer = selectors.transfer_get(user=request.user, pk=pk)
    form = forms.RentForm(request.POST or None, initial={"year": timezone.localdate().year - 1})
    back = reverse("economy:household-land", args=[transfer.household_id])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def write():
            services.rent_record(
                by=request.user,
                transfer=transfer,
                year=data["year"],
                amount=data["amount"],
                received_on=data["received_on"],
            )

        if saved(request, form, write, back):
            return redirect(back)
    return form_page(
        request,
        form,
        heading=_("Record rent received: %(transfer)s") % {"transfer": transfer},
        back=back,
        back_label=_("Land"),
    )


@login_required
@require_POST
def rent_remove(request, pk):
    rent = selectors.rent_get(user=request.user, pk=pk)
    services.rent_remove(by=request.user, rent=rent)
    messages.success(request, _("Removed."))
    return redirect("economy:household-land", pk=rent.household_id)
