"""Care lists: the persons a care list's rule selects in an area, with their helpers and last
visits, on a page or as .xlsx."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from villagedesk.accounts import permissions
from villagedesk.accounts.permissions import Capability
from villagedesk.core import paging
from villagedesk.core.forms import numbers_in_full_asked
from villagedesk.core.spreadsheets import download
from villagedesk.welfare import exports, selectors
from villagedesk.welfare.codes import PolicyCategory
from villagedesk.welfare.rules import RuleError
from villagedesk.welfare.views.request_values import report_day

PAGE_SIZE = 50
# The export lists at most this many persons.
EXPORT_ROWS = 1000


@login_required
def care_list(request, code):
    policy = selectors.policy_get(code=code)
    if policy.category != PolicyCategory.CARE:
        raise Http404
    area = selectors.report_area(user=request.user, code=request.GET.get("area", ""))
    day = report_day(request)
    error, persons = "", []
    try:
        persons = selectors.care_list_query(user=request.user, policy=policy, area=area, day=day)
    except RuleError as exc:
        error = str(exc)
    if request.GET.get("format") == "xlsx":
        persons = selectors.care_list_masked(user=request.user, persons=persons[:EXPORT_ROWS])
        in_full, purpose = numbers_in_full_asked(request)
        try:
            content = exports.care_list_export(
                by=request.user,
                request=request,
                persons=persons,
                day=day,
                area=area,
                policy=policy,
                full_numbers=in_full,
                purpose=purpose,
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(reverse("welfare:care-list", args=[code]) + f"?area={area.code}")
        return download(content, filename=f"{code}-{area.code}.xlsx")
    page, pager = paging.numbered_page(
        request,
        persons,
        param="page",
        size=PAGE_SIZE,
        count=selectors.care_list_count(policy=policy, area=area, day=day, persons=persons),
    )
    return render(
        request,
        "welfare/care_list.html",
        {
            "policy": policy,
            "area": area,
            "page": page,
            "pager": pager,
            "persons": selectors.care_list_masked(user=request.user, persons=page),
            "error": error,
            "day": day,
            "care": selectors.policy_list(care=True),
            "villages": permissions.village_list(request.user),
            "may_export_phones": permissions.holds(
                request.user, Capability.EXPORT_PERSONAL_DATA, area.code
            ),
        },
    )
