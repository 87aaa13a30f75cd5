from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from villagedesk.accounts import permissions
from villagedesk.accounts.permissions import Capability
from villagedesk.core import paging
from villagedesk.core.concurrency import saved_once
from villagedesk.core.forms import form_with_service_errors, search_pushed, search_shown
from villagedesk.core.offline import kept_offline
from villagedesk.registry import selectors, services
from villagedesk.registry.codes import Relation
from villagedesk.registry.forms import (
    HouseholdFilterForm,
    HouseholdForm,
    PersonForm,
    SupporterForm,
)
from villagedesk.registry.models import Household, Person, Supporter


@login_required
@kept_offline
def household_list(request):
    villages = list(selectors.village_list(user=request.user))
    village_code = request.GET.get("village", "")
    # Groups are offered for one village at a time: a county has over a thousand of them.
    groups = (
        selectors.group_list(user=request.user, village_code=village_code or villages[0].code)
        if village_code or len(villages) == 1
        else []
    )
    form = HouseholdFilterForm(request.GET or None, villages=villages, groups=groups)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.HouseholdFilters(
        village=data.get("village") or "",
        group=data.get("group"),
        status=data.get("status") or "",
        q=data.get("q") or "",
    )
    households = selectors.household_list(user=request.user, filters=filters)
    size = data.get("size") or HouseholdFilterForm.base_fields["size"].empty_value
    page = paging.key_page(
        households,
        fields=("area_code", "number"),
        size=size,
        after=request.GET.get("after", ""),
        before=request.GET.get("before", ""),
    )
    # What was typed is searched for as typed, and shown back (in the box, the links, the
    # address pushed) with a number masked.
    query = search_shown(request, form)
    context = {
        "form": form,
        "page": page,
        "total": paging.total(households),
        "on_first_page": not (request.GET.get("after") or request.GET.get("before")),
        "query": query.urlencode(),
        "may_add": selectors.village_list(
            user=request.user, capability=Capability.KEEP_REGISTRY
        ).exists(),
    }
    template = "registry/household_list.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return search_pushed(request, render(request, template, context))


@login_required
@kept_offline
def household_detail(request, pk):
    household = selectors.household_get(user=request.user, pk=pk)
    members = list(household.members.all())
    context = {
        "household": household,
        "members": members,
        "has_head": any(m.relation == Relation.HEAD for m in members),
        "supporters": list(household.supporters.all()),
        "history": selectors.household_history(household=household),
        "may_edit": permissions.holds(request.user, Capability.KEEP_REGISTRY, household.area_code),
        "may_reveal": permissions.holds(request.user, Capability.REVEAL, household.area_code),
    }
    return render(request, "registry/household_detail.html", context)


def household_form(request, household: Household, *, create: bool):
    villages = selectors.village_list(user=request.user)
    initial = {}
    if create:
        keeps = list(selectors.village_list(user=request.user, capability=Capability.KEEP_REGISTRY))
        if len(keeps) == 1:
            initial = {
                "village": keeps[0],
                "number": selectors.household_number_next(village=keeps[0]),
            }
    form = HouseholdForm(
        request.POST or None,
        instance=household,
        villages=villages,
        groups=selectors.group_list(user=request.user),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        service = services.household_create if create else services.household_update
        try:
            with saved_once(form) as receipt:
                household = service(by=request.user, household=form.instance)
                if create:
                    receipt.leads_to("registry:person-create", household_pk=household.pk)
                else:
                    receipt.leads_to(household)
        except ValidationError as error:
            form_with_service_errors(form, error)
        else:
            if create:
                messages.success(
                    request,
                    _("Household %(number)s saved. Now add its head and members.")
                    % {"number": household.number},
                )
                return redirect("registry:person-create", household_pk=household.pk)
            messages.success(
                request, _("Household %(number)s saved.") % {"number": household.number}
            )
            return redirect(household)
    return render(
        request,
        "registry/household_form.html",
        {"form": form, "household": household, "create": create},
    )


@login_required
def household_create(request):
    if not selectors.village_list(user=request.user, capability=Capability.KEEP_REGISTRY).exists():
        raise PermissionDenied
    return household_form(request, Household(), create=True)


@login_required
def household_edit(request, pk):
    household = selectors.household_get(user=request.user, pk=pk)
    permissions.require(request.user, Capability.KEEP_REGISTRY, household.area_code)
    return household_form(request, household, create=False)


def person_form(request, person: Person, *, create: bool):
    initial = {}
    if create and not selectors.household_has_head(household=person.household):
        initial = {"relation": Relation.HEAD}
    form = PersonForm(request.POST or None, instance=person, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            with saved_once(form) as receipt:
                person = services.person_save(by=request.user, person=form.instance)
                receipt.leads_to(person.household)
        except ValidationError as error:
            form_with_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s saved.") % {"name": person.name})
            if request.POST.get("then") == "another":
                return redirect("registry:person-create", household_pk=person.household_id)
            return redirect(person.household)
    return render(
        request,
        "registry/person_form.html",
        {"form": form, "person": person, "household": person.household, "create": create},
    )


@login_required
def person_create(request, household_pk):
    household = selectors.household_get(user=request.user, pk=household_pk)
    permissions.require(request.user, Capability.KEEP_REGISTRY, household.area_code)
    return person_form(request, Person(household=household), create=True)


@login_required
def person_edit(request, pk):
    person = selectors.person_get(user=request.user, pk=pk)
    permissions.require(request.user, Capability.KEEP_REGISTRY, person.area_code)
    return person_form(request, person, create=False)


@login_required
@require_POST
def person_reveal(request, pk, field):
    person = selectors.person_get(user=request.user, pk=pk)
    value = services.person_reveal(by=request.user, person=person, field=field, request=request)
    return HttpResponse(format_html('<span class="revealed">{}</span>', value))


def supporter_form(request, supporter: Supporter, *, create: bool):
    household = supporter.household
    form = SupporterForm(request.POST or None, instance=supporter, household=household)
    if request.method == "POST" and form.is_valid():
        try:
            supporter = services.supporter_save(by=request.user, supporter=form.instance)
        except ValidationError as error:
            form_with_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s saved.") % {"name": supporter.name})
            return redirect(household.get_absolute_url() + "#supporters")
    return render(
        request,
        "registry/supporter_form.html",
        {"form": form, "supporter": supporter, "household": household, "create": create},
    )


@login_required
def supporter_create(request, household_pk):
    household = selectors.household_get(user=request.user, pk=household_pk)
    permissions.require(request.user, Capability.KEEP_REGISTRY, household.area_code)
    return supporter_form(request, Supporter(household=household), create=True)


@login_required
def supporter_edit(request, pk):
    supporter = selectors.supporter_get(user=request.user, pk=pk)
    permissions.require(request.user, Capability.KEEP_REGISTRY, supporter.area_code)
    return supporter_form(request, supporter, create=False)


@login_required
@require_POST
def supporter_delete(request, pk):
    supporter = selectors.supporter_get(user=request.user, pk=pk)
    household = supporter.household
    services.supporter_delete(by=request.user, supporter=supporter)
    messages.success(request, _("%(name)s removed.") % {"name": supporter.name})
    return redirect(household.get_absolute_url() + "#supporters")
