from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from villagedesk.accounts import permissions
from villagedesk.accounts.permissions import Capability
from villagedesk.core.concurrency import saved_once
from villagedesk.core.forms import form_with_service_errors
from villagedesk.development import selectors, services
from villagedesk.development.forms import ConsultationForm, RequestForm
from villagedesk.development.models import Consultation, SupportRequest
from villagedesk.directory import selectors as directory
from villagedesk.directory.models import ContactKind
from villagedesk.fieldwork import selectors as fieldwork

# Each list of the outside help page shows this many at a time, with its own pages.
HELP_PAGE_SIZE = 25


@login_required
def help_list(request):
    village = request.GET.get("village", "")
    lists = {
        "requests": selectors.request_list(user=request.user, village=village),
        "consultations": selectors.consultation_list(user=request.user, village=village),
        "natives": directory.contact_list(
            user=request.user, filters=directory.ContactFilters(kind=ContactKind.NATIVE)
        ),
    }
    context = {
        "villages": permissions.village_list(request.user),
        "village": village,
        "may_add": editable_villages(request.user).exists(),
    }
    for name, items in lists.items():
        param = f"{name}_page"
        query = request.GET.copy()
        query.pop(param, None)
        context[name] = Paginator(items, HELP_PAGE_SIZE).get_page(request.GET.get(param))
        context[f"{name}_pager"] = {"param": param, "query": query.urlencode(), "anchor": name}
    return render(request, "development/help_list.html", context)


def editable_villages(user):
    """The villages in the user's view whose outside help the user records."""
    return permissions.village_list(user, Capability.KEEP_REGISTRY)


@login_required
def consultation_create(request):
    villages = editable_villages(request.user)
    form = ConsultationForm(
        request.POST or None,
        instance=Consultation(),
        villages=villages,
        contacts=directory.contact_list(user=request.user),
        organisations=directory.organisation_list(user=request.user),
        initial={"village": villages.first()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            with saved_once(form) as receipt:
                services.consultation_record(by=request.user, consultation=form.instance)
                receipt.leads_to("development:help-list")
        except ValidationError as error:
            form_with_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("development:help-list")
    return render(request, "directory/form_page.html", page(form, _("Record a consultation")))


def request_form(request, support: SupportRequest, *, create: bool):
    villages = editable_villages(request.user)
    form = RequestForm(
        request.POST or None,
        instance=support,
        villages=villages,
        organisations=directory.organisation_list(user=request.user),
        # Problems of every village the user may write for; the service keeps those of the
        # request's own village only.
        problems=fieldwork.problem_list(user=request.user).filter(village__in=villages),
        initial={"village": villages.first()} if create else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            with saved_once(form) as receipt:
                services.request_save(
                    by=request.user,
                    request=form.instance,
                    problems=list(form.cleaned_data["problems"]),
                )
                receipt.leads_to("development:help-list")
        except ValidationError as error:
            form_with_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("development:help-list")
    heading = _("Request for support") if create else support.title
    context = page(form, heading)
    context["answered"] = [] if create else support.problems.select_related("village")
    return render(request, "development/request_form.html", context)


def page(form, heading) -> dict:
    return {
        "form": form,
        "heading": heading,
        "back": reverse("development:help-list"),
        "back_label": _("Outside help"),
    }


@login_required
def request_create(request):
    return request_form(request, SupportRequest(), create=True)


@login_required
def request_edit(request, pk):
    support = selectors.request_get(user=request.user, pk=pk)
    return request_form(request, support, create=False)


@login_required
def problem_requests(request, pk):
    """The requests answering a problem: a fragment the problem's page loads with htmx (so that
    fieldwork, below development, never imports it), or a page of its own when the link is
    followed without it."""
    problem = fieldwork.problem_get(user=request.user, pk=pk)
    context = {
        "problem": problem,
        "requests": selectors.requests_answering(user=request.user, problem=problem),
    }
    template = (
        "development/_problem_requests.html"
        if request.htmx
        else "development/problem_requests.html"
    )
    return render(request, template, context)
