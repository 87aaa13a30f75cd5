from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from villagedesk.accounts import permissions
from villagedesk.accounts.permissions import Capability
from villagedesk.accounts.selectors import assigned_area_list
from villagedesk.core.offline import kept_offline
from villagedesk.fieldwork.selectors import due_list
from villagedesk.governance.selectors import task_due_list
from villagedesk.registry.codes import HouseholdStatus
from villagedesk.registry.forms import HouseholdFilterForm
from villagedesk.reports import selectors

# The home page's due list shows this many: follow-ups, problems and the user's own tasks.
DUE_SHOWN = 30


@login_required
@kept_offline
def home(request):
    due, due_total = due_list(user=request.user, limit=DUE_SHOWN)
    tasks, tasks_total = task_due_list(user=request.user, limit=DUE_SHOWN)
    due = sorted(due + tasks, key=lambda item: item.due_on)[:DUE_SHOWN]
    due_total += tasks_total
    villages, overview = selectors.home_figures(user=request.user)
    context = {
        "due": due,
        "due_total": due_total,
        "overview": overview,
        "villages": villages,
        "statuses": list(HouseholdStatus),
        "assignments": request.user.current_assignments(),
        "areas": assigned_area_list(user=request.user),
        "search": HouseholdFilterForm(villages=[], groups=[]),
        "may_record": permissions.holds_anywhere(request.user, Capability.RECORD_FIELDWORK),
    }
    return render(request, "reports/home.html", context)
