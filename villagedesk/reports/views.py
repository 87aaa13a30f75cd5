from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from villagedesk.accounts.selectors import assigned_area_list
from villagedesk.registry.codes import HouseholdStatus
from villagedesk.reports import selectors


@login_required
def home(request):
    context = {
        "overview": selectors.overview(user=request.user),
        "villages": selectors.village_rows(user=request.user),
        "statuses": list(HouseholdStatus),
        "assignments": request.user.current_assignments(),
        "areas": assigned_area_list(user=request.user),
    }
    return render(request, "reports/home.html", context)
