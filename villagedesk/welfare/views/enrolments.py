"""Enrolments: the list, one typed in, and the list civil affairs sends imported."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from villagedesk.core import paging
from villagedesk.core.concurrency import saved_once
from villagedesk.registry.selectors import household_by_number
from villagedesk.welfare import selectors, services
from villagedesk.welfare.forms import EnrolmentForm, EnrolmentImportForm
from villagedesk.welfare.views.service_errors import KEEP_REFUSED, errors_on_form

PAGE_SIZE = 50


@login_required
def enrolment_list(request):
    enrolments = selectors.enrolment_list(user=request.user)
    page = paging.key_page(
        enrolments,
        fields=("area_code", "id"),
        size=PAGE_SIZE,
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
    )
    context = {
        "page": page,
        "total": paging.total(enrolments),
        "on_first_page": not (request.GET.get("after") or request.GET.get("before")),
        "query": "",
    }
    return render(request, "welfare/enrolment_list.html", context)


@login_required
def enrolment_create(request):
    form = EnrolmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        household = household_by_number(
            user=request.user, village_code=data["village"], number=data["household_number"]
        )
        if household is None:
            form.add_error("household_number", _("No household with this number in this village."))
        else:
            enrolment = form.instance
            enrolment.household = household
            if data["id_number"]:
                enrolment.person = selectors.member_by_id_number(
                    household=household, id_number=data["id_number"]
                )
                if enrolment.person is None:
                    form.add_error("id_number", _("No member of this household has this number."))
            if not form.errors:
                with errors_on_form(form, refused=KEEP_REFUSED), saved_once(form) as receipt:
                    services.enrolment_create(by=request.user, enrolment=enrolment)
                    receipt.leads_to("welfare:enrolment-list")
                    messages.success(request, _("Enrolment saved."))
                    return redirect("welfare:enrolment-list")
    return render(request, "welfare/enrolment_form.html", {"form": form})


@login_required
def enrolment_import(request):
    form = EnrolmentImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        with errors_on_form(form, field="file"), saved_once(form) as receipt:
            rows = services.enrolment_rows(form.cleaned_data["file"])
            created, errors = services.enrolment_import(
                by=request.user, policy=form.cleaned_data["policy"], rows=rows
            )
            receipt.leads_to("welfare:enrolment-list")
            if errors:
                receipt.void()
            if not errors:
                messages.success(request, _("%(n)s enrolments imported.") % {"n": created})
                return redirect("welfare:enrolment-list")
    return render(request, "welfare/enrolment_import.html", {"form": form, "errors": errors})
