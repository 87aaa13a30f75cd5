"""Poverty status: each village's incidence against the exit threshold and, for a village, each
household's exit checks."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from villagedesk.accounts import permissions
from villagedesk.welfare import poverty, selectors
from villagedesk.welfare.rules import RuleError
from villagedesk.welfare.views.request_values import report_day


@login_required
def poverty_status(request):
    area = selectors.report_area(user=request.user, code=request.GET.get("area", ""))
    day = report_day(request)
    threshold = selectors.exit_threshold(area=area, year=day.year)
    context = {
        "area": area,
        "day": day,
        "checks": poverty.EXIT_CHECKS,
        "villages": permissions.village_list(request.user),
        "threshold": threshold,
    }
    try:
        context["figures"], context["stored"] = poverty.village_figures_shown(
            user=request.user, area=area, day=day, threshold_percent=float(threshold or 0)
        )
        if area.is_village:
            context["rows"] = poverty.household_status_rows(
                area=area,
                day=day,
                households=selectors.poverty_households(user=request.user, area=area),
            )
    except RuleError as error:
        context["error"] = str(error)
    return render(request, "welfare/poverty_status.html", context)
