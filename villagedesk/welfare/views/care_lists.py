"""Care lists: the persons a care list's rule selects in an area, with their helpers and last
visits, on a page or as .xlsx."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from villagedesk.accounts import permissions
from villagedesk.core.spreadsheets import xlsx_response
from villagedesk.welfare import exports, selectors
from villagedesk.welfare.codes import PolicyCategory
from villagedesk.welfare.rules import RuleError
from villagedesk.welfare.views.request_values import report_day


@login_required
def care_list(request, code):
    policy = selectors.policy_get(code=code)
    if policy.category != PolicyCategory.CARE:
        raise Http404
    area = selectors.report_area(user=request.user, code=request.GET.get("area", ""))
    day = report_day(request)
    error, persons = "", []
    try:
        persons = selectors.care_list(user=request.user, policy=policy, area=area, day=day)
    except RuleError as exc:
        error = str(exc)
    if request.GET.get("format") == "xlsx":
        header, rows = exports.care_list_table(persons, day=day)
        return xlsx_response(filename=f"{code}-{area.code}.xlsx", header=header, rows=rows)
    return render(
        request,
        "welfare/care_list.html",
        {
            "policy": policy,
            "area": area,
            "persons": persons,
            "error": error,
            "day": day,
            "care": selectors.policy_list(care=True),
            "villages": permissions.village_list(request.user),
        },
    )
