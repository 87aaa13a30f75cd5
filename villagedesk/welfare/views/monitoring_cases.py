"""Monitoring of households at risk: the overview of an area's cases and the lists the county is
judged on, the village's public notice, and a case opened, followed and edited."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from villagedesk.accounts import permissions
from villagedesk.core import paging
from villagedesk.core.concurrency import saved_once
from villagedesk.registry.models import Person
from villagedesk.registry.selectors import household_by_number
from villagedesk.welfare import monitoring as case_work
from villagedesk.welfare import selectors
from villagedesk.welfare.codes import CHOSEN_ELIMINATION_WAYS, RiskType
from villagedesk.welfare.forms import MeasureForm, MonitoredEditForm, MonitoredForm, StepForm
from villagedesk.welfare.parameters import parameter_value
from villagedesk.welfare.rules import RuleError
from villagedesk.welfare.views.request_values import date_or_none, report_day
from villagedesk.welfare.views.service_errors import (
    KEEP_REFUSED,
    errors_as_messages,
    errors_on_form,
)

# Rows of each list of the monitoring overview shown at a time.
PAGE_SIZE = 50


@login_required
def monitoring_overview(request):
    """The overview of an area's cases: each list counted and paged in the database, so that
    the page reads what it shows whatever the number of cases; or a village's public notice."""
    area = selectors.report_area(user=request.user, code=request.GET.get("area", ""))
    day = report_day(request)
    cases = selectors.monitored_list(user=request.user, year=day.year, area=area)
    context = {
        "area": area,
        "day": day,
        "villages": permissions.village_list(request.user),
    }
    if request.GET.get("notice") and area.is_village:
        open_cases = cases.filter(risk_eliminated_on__isnull=True).prefetch_related(
            Prefetch("household__members", Person.objects.order_by("id"))
        )
        context["notice"] = case_work.public_notice(cases=list(open_cases), day=day)
        context["notice_days"] = parameter_value(
            name="notice_days", area_code=area.code, year=day.year
        )
        return render(request, "welfare/monitoring_notice.html", context)
    lists = {
        "cases": cases,
        "overdue": case_work.overdue_cases(cases=cases, day=day),
        # `report_area` gives an area wholly in the user's view: `cases` are all of its cases.
        "missing_measures": case_work.without_developmental_measure(
            area=area, cases=cases, day=day, kept=True
        ),
    }
    try:
        lists["unmonitored"] = case_work.not_monitored_list(area=area, day=day)
    except RuleError as error:
        context["error"] = str(error)
    for name, items in lists.items():
        context[name], context[f"{name}_pager"] = paging.numbered_page(
            request, items, param=f"{name}_page", size=PAGE_SIZE, anchor=name
        )
    return render(request, "welfare/monitoring.html", context)


@login_required
def monitored_create(request):
    form = MonitoredForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        household = household_by_number(
            user=request.user, village_code=data["village"], number=data["household_number"]
        )
        if household is None:
            form.add_error("household_number", _("No household with this number in this village."))
        else:
            case = form.instance
            case.household = household
            case.risk_types = data["risk_types"]
            with errors_on_form(form, refused=KEEP_REFUSED), saved_once(form) as receipt:
                case_work.monitored_create(by=request.user, monitored=case)
                receipt.leads_to("welfare:monitored-detail", pk=case.pk)
                messages.success(request, _("Monitoring case opened."))
                return redirect("welfare:monitored-detail", pk=case.pk)
    return render(request, "welfare/monitored_form.html", {"form": form})


@login_required
def monitored_detail(request, pk):
    case = selectors.monitored_get(user=request.user, pk=pk)
    step_form = StepForm(request.POST if "step" in request.POST else None)
    measure_form = MeasureForm(request.POST if "kind" in request.POST else None)
    if request.method == "POST":
        with errors_as_messages(request, refused=KEEP_REFUSED):
            post = request.POST
            if "step" in post and step_form.is_valid():
                with saved_once(step_form) as receipt:
                    case_work.step_record(
                        by=request.user,
                        monitored=case,
                        step=step_form.cleaned_data["step"],
                        done_on=step_form.cleaned_data["done_on"],
                    )
                    receipt.leads_to("welfare:monitored-detail", pk=case.pk)
            elif "kind" in post and measure_form.is_valid():
                with saved_once(measure_form) as receipt:
                    case_work.measure_add(
                        by=request.user, monitored=case, measure=measure_form.instance
                    )
                    receipt.leads_to("welfare:monitored-detail", pk=case.pk)
            elif "redate" in post:
                record = selectors.step_get(monitored=case, pk=post["redate"])
                done_on = date_or_none(post.get("done_on"))
                if done_on is None:
                    raise ValidationError(_("Give the step's new date."))
                case_work.step_redate(by=request.user, record=record, done_on=done_on)
            elif "withdraw" in post:
                record = selectors.step_get(monitored=case, pk=post["withdraw"])
                case_work.step_remove(by=request.user, record=record)
            elif "remove_measure" in post:
                measure = selectors.measure_get(monitored=case, pk=post["remove_measure"])
                case_work.measure_remove(by=request.user, measure=measure)
            elif "eliminate" in post:
                case_work.risk_eliminate(
                    by=request.user,
                    monitored=case,
                    day=timezone.localdate(),
                    way=post.get("elimination", ""),
                )
            else:
                raise ValidationError(_("Check the form."))
            messages.success(request, _("Saved."))
            return redirect("welfare:monitored-detail", pk=case.pk)
    return render(
        request,
        "welfare/monitored_detail.html",
        {
            "case": case,
            "steps": case.steps.all(),
            "measures": case.measures.all(),
            "step_form": step_form,
            "measure_form": measure_form,
            "risk_labels": [RiskType(r).label for r in case.risk_types if r in RiskType.values],
            "history": selectors.monitored_history(monitored=case),
            "elimination_ways": CHOSEN_ELIMINATION_WAYS,
        },
    )


@login_required
def monitored_edit(request, pk):
    """Edit an open case: category, risk types, how it was found, first lead and consent."""
    case = selectors.monitored_get(user=request.user, pk=pk)
    form = MonitoredEditForm(
        request.POST or None, instance=case, initial={"risk_types": case.risk_types}
    )
    if request.method == "POST" and form.is_valid():
        case.risk_types = form.cleaned_data["risk_types"]
        with errors_on_form(form, refused=KEEP_REFUSED), saved_once(form):
            case_work.monitored_update(by=request.user, monitored=case)
            messages.success(request, _("Saved."))
            return redirect("welfare:monitored-detail", pk=case.pk)
    return render(request, "welfare/monitored_edit.html", {"case": case, "form": form})
