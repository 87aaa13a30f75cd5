"""One household's welfare: every policy explained for it, its helper and its income."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from villagedesk.core.concurrency import saved_once
from villagedesk.registry import selectors as registry_selectors
from villagedesk.welfare import selectors, services
from villagedesk.welfare.codes import GapKind
from villagedesk.welfare.forms import SPENDING_FIELD, HelperForm, IncomeForm
from villagedesk.welfare.rules.dates import IncomeWindow
from villagedesk.welfare.views.request_values import report_day
from villagedesk.welfare.views.service_errors import KEEP_REFUSED, errors_on_form


def explanation_sections(results: list, focus: str) -> list[dict]:
    """The explanations in the order a user reads them: the policy they came for, then what
    needs attention (eligible and not enrolled, enrolled and not eligible), then what the
    household has or qualifies for, then rules that could not be evaluated, and last, folded,
    everything it does not qualify for."""
    sections = {key: [] for key in ("focus", "attention", "eligible", "error", "not_eligible")}
    for r in results:
        if r.policy.code == focus:
            key = "focus"
        elif r.error:
            key = "error"
        elif r.policy.category != "care" and r.enrolled != r.explanation.eligible:
            key = "attention"
        elif r.explanation.eligible or r.enrolled:
            key = "eligible"
        else:
            key = "not_eligible"
        sections[key].append(r)
    titles = {
        "focus": "",
        "attention": _("Needs attention"),
        "eligible": _("Eligible or enrolled"),
        "error": _("Could not be evaluated"),
        "not_eligible": _("Not eligible"),
    }
    return [
        {"key": key, "title": titles[key], "results": rows, "folded": key == "not_eligible"}
        for key, rows in sections.items()
        if rows
    ]


@login_required
def household_explain(request, pk):
    household = registry_selectors.household_get(user=request.user, pk=pk)
    day = report_day(request)
    focus = request.GET.get("policy", "")
    results = selectors.household_explanations(user=request.user, household=household, day=day)
    return render(
        request,
        "welfare/household_explain.html",
        {
            "household": household,
            "sections": explanation_sections(results, focus),
            "day": day,
            "income_years": list(IncomeWindow(day).days),
            "income_flows": selectors.income_flows(
                household=household, years=list(IncomeWindow(day).days)
            ),
            "focus": focus,
            "kinds": GapKind,
            "helper": selectors.helper_current(user=request.user, household=household),
        },
    )


@login_required
def helper_edit(request, pk):
    """Name or change the household's helper; earlier helpers stay listed with their dates."""
    household = registry_selectors.household_get(user=request.user, pk=pk)
    helpers = selectors.helper_history(user=request.user, household=household)
    current = next((h for h in helpers if h.ends_on is None), None)
    initial = {"starts_on": timezone.localdate()}
    if current:
        initial.update(name=current.name, unit=current.unit, phone=current.phone)
    form = HelperForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        with errors_on_form(form, refused=KEEP_REFUSED), saved_once(form) as receipt:
            services.helper_set(by=request.user, household=household, **form.cleaned_data)
            receipt.leads_to("welfare:household-explain", household.pk)
            messages.success(request, _("Helper saved."))
            return redirect("welfare:household-explain", household.pk)
    return render(
        request,
        "welfare/helper_form.html",
        {"household": household, "form": form, "helpers": helpers},
    )


@login_required
def income_edit(request, pk):
    household = registry_selectors.household_get(user=request.user, pk=pk)
    day = report_day(request)
    initial = selectors.income_amounts(household=household, year=day.year)
    initial[SPENDING_FIELD] = selectors.medical_spending(household=household, year=day.year)
    form = IncomeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        amounts = dict(form.cleaned_data)
        spending = amounts.pop(SPENDING_FIELD)
        with errors_on_form(form, refused=KEEP_REFUSED), saved_once(form) as receipt:
            services.income_set(
                by=request.user, household=household, year=day.year, amounts=amounts
            )
            services.spending_set(
                by=request.user, household=household, year=day.year, medical_out_of_pocket=spending
            )
            receipt.leads_to(
                reverse("welfare:household-explain", args=[household.pk]) + f"?year={day.year}"
            )
            messages.success(request, _("Income saved."))
            return redirect(
                reverse("welfare:household-explain", args=[household.pk]) + f"?year={day.year}"
            )
    flows = selectors.income_flows(household=household, years=[day.year])
    return render(
        request,
        "welfare/income_form.html",
        {"household": household, "form": form, "day": day, "flows": flows},
    )
