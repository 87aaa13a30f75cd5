"""The parameters page: local figures per area and year, set by those who keep the rules."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from villagedesk.accounts import permissions
from villagedesk.accounts.permissions import Capability
from villagedesk.core.concurrency import saved_once
from villagedesk.welfare import selectors, services
from villagedesk.welfare.forms import ParameterForm
from villagedesk.welfare.parameters import parameter_names
from villagedesk.welfare.views.request_values import report_day
from villagedesk.welfare.views.service_errors import errors_on_form


@login_required
def parameter_list(request):
    """Local figures per area and year, set by administrators and county supervisors; the
    year's values of their areas and the areas above, and the latest changes."""
    permissions.require_anywhere(request.user, Capability.KEEP_RULES)
    areas = selectors.parameter_area_list(user=request.user)
    day = report_day(request)
    form = ParameterForm(
        request.POST or None,
        areas=areas,
        names=parameter_names(),
        initial={"year": day.year, "area": areas.order_by("level", "code").first()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with (
            errors_on_form(
                form, refused=_("You do not set parameters for this area."), field="area"
            ),
            saved_once(form) as receipt,
        ):
            services.parameter_set(
                by=request.user,
                name=data["name"],
                area=data["area"],
                year=data["year"],
                value=data["value"],
                note=data["note"],
            )
            receipt.leads_to(reverse("welfare:parameter-list") + f"?year={data['year']}")
            messages.success(request, _("Parameter saved."))
            return redirect(reverse("welfare:parameter-list") + f"?year={data['year']}")
    return render(
        request,
        "welfare/parameter_list.html",
        {
            "form": form,
            "day": day,
            "parameters": selectors.parameter_list(user=request.user, year=day.year),
            "history": selectors.parameter_history(user=request.user),
        },
    )
