import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from villagedesk.accounts import permissions
from villagedesk.areas.models import Area
from villagedesk.audit import services as audit
from villagedesk.core import paging
from villagedesk.core.concurrency import saved_once
from villagedesk.core.converters import number_or_none, numbers_of
from villagedesk.core.forms import form_with_service_errors
from villagedesk.core.masking import phone_shown
from villagedesk.core.spreadsheets import download
from villagedesk.organisation import exports, selectors, services
from villagedesk.organisation.codes import STAGE_DATES, STAGES
from villagedesk.organisation.forms import (
    AdvanceForm,
    GroupForm,
    PartyMemberForm,
    RosterFilterForm,
    TalentFilterForm,
    TalentForm,
    TrainingForm,
    VillageFilterForm,
)
from villagedesk.organisation.models import PartyMember, Talent, TenHouseholdGroup, Training

PAGE_SIZE = 50
VILLAGES_SHOWN = 500


def filtered(request, form_class, **kwargs):
    """The filter form of a list page over the user's villages, and its valid data."""
    villages = list(permissions.village_list(request.user)[:VILLAGES_SHOWN])
    form = form_class(request.GET or None, villages=villages, **kwargs)
    return form, (form.cleaned_data if form.is_valid() else {}), villages


def village_kept(request) -> tuple[Area, list[Area]]:
    """The village a form writes in: the one named by the request among those the user keeps,
    else the first of them. PermissionDenied when the user keeps none."""
    villages = list(selectors.keeping_villages(user=request.user)[:VILLAGES_SHOWN])
    if not villages:
        raise PermissionDenied
    code = request.POST.get("village") or request.GET.get("village", "")
    chosen = next((v for v in villages if v.code == code), villages[0])
    return chosen, villages


def may_keep(user, area_code: str) -> bool:
    return permissions.holds(user, services.KEEP, area_code)


def saved(request, form, save, message: str):
    """Call `save()` once for a sent form; on success, the redirect to what it saved."""
    try:
        with saved_once(form) as receipt:
            row = save()
            receipt.leads_to(row)
    except ValidationError as error:
        form_with_service_errors(form, error)
        return None
    messages.success(request, message)
    return redirect(row)


def chosen_person(form, field: str, saved_person):
    """The person a form's search-chosen field names: as sent, or as saved before sending."""
    if not form.is_bound:
        return saved_person
    pk = number_or_none(form[field].value())
    return form.fields[field].queryset.filter(pk=pk).first() if pk is not None else None


# Party members


@login_required
def member_list(request):
    form, data, villages = filtered(request, RosterFilterForm)
    village = data.get("village") or ""
    members = selectors.member_list(user=request.user, village=village, stage=data.get("stage", ""))
    page, pager = paging.numbered_page(request, members, param="page", size=PAGE_SIZE)
    structure = selectors.roster_structure_of(user=request.user, village=village)
    context = {
        "form": form,
        "page": page,
        "pager": pager,
        "structure": structure,
        "village": village,
        "may_add": bool(selectors.keeping_villages(user=request.user).exists()),
    }
    return render(request, "organisation/member_list.html", context)


def member_form_page(request, member: PartyMember, villages: list[Area]):
    form = PartyMemberForm(
        request.POST or None,
        instance=member,
        persons=selectors.village_persons(village=member.village),
    )
    if request.method == "POST" and form.is_valid():
        done = saved(
            request,
            form,
            lambda: services.party_member_save(by=request.user, member=form.instance),
            _("Saved."),
        )
        if done:
            return done
    context = {
        "form": form,
        "member": member,
        "village": member.village,
        "villages": villages,
        "chosen": chosen_person(form, "person", member.person),
    }
    return render(request, "organisation/member_form.html", context)


@login_required
def member_create(request):
    village, villages = village_kept(request)
    return member_form_page(request, PartyMember(village=village), villages)


@login_required
def member_edit(request, pk):
    member = selectors.member_get(user=request.user, pk=pk)
    permissions.require(request.user, services.KEEP, member.area_code)
    return member_form_page(request, member, [member.village])


@login_required
def member_detail(request, pk):
    member = selectors.member_get(user=request.user, pk=pk)
    following = member.next_stage()
    steps = [
        {"stage": stage, "label": stage.label, "on": getattr(member, STAGE_DATES[stage])}
        for stage in STAGES[: STAGES.index(member.stage) + 1]
    ]
    context = {
        "member": member,
        "steps": steps,
        "following": following and STAGES[STAGES.index(member.stage) + 1].label,
        "advance": AdvanceForm(initial={"on": timezone.localdate(), "stage": member.stage})
        if following
        else None,
        "may_keep": may_keep(request.user, member.area_code),
    }
    return render(request, "organisation/member_detail.html", context)


@login_required
@require_POST
def member_advance(request, pk):
    member = selectors.member_get(user=request.user, pk=pk)
    form = AdvanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date the stage was reached."))
        return redirect(member)
    try:
        member = services.party_member_advance(
            by=request.user,
            member=member,
            on=form.cleaned_data["on"],
            shown=form.cleaned_data["stage"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Now: %(stage)s.") % {"stage": member.get_stage_display()})
    return redirect(member)


@login_required
def person_search(request):
    """Persons of a village the user keeps, to choose one (or several) for a form."""
    villages = selectors.keeping_villages(user=request.user)
    village = villages.filter(code=request.GET.get("village", "")).first()
    field = request.GET.get("field", "person")
    if field not in {"person", "head", "attendees"}:
        field = "person"
    found = selectors.person_candidates(
        user=request.user, village=village, q=request.GET.get("q", "")
    )
    context = {"found": found, "field": field, "several": field == "attendees"}
    return render(request, "organisation/_person_choices.html", context)


# Ten-household groups


@login_required
def group_list(request):
    form, data, villages = filtered(request, VillageFilterForm)
    code = data.get("village") or (villages[0].code if len(villages) == 1 else "")
    groups = selectors.group_list(user=request.user, village=code)
    page, pager = paging.numbered_page(request, groups, param="page", size=PAGE_SIZE)
    village = next((v for v in villages if v.code == code), None)
    context = {
        "form": form,
        "page": page,
        "pager": pager,
        "village": village,
        "coverage": selectors.group_coverage(village=village) if village else None,
        "map": selectors.group_map(village=village, groups=list(page)) if village else {},
        "may_add": bool(selectors.keeping_villages(user=request.user).exists()),
    }
    return render(request, "organisation/group_list.html", context)


def group_form_page(request, group: TenHouseholdGroup, villages: list[Area]):
    village_group = request.GET.get("village_group")
    if village_group is None:
        # A new group starts among the first village group's households: a whole village's
        # households are too many to tick through on a phone.
        first = group.village.groups.order_by("number").first()
        village_group = str(first.pk) if first and not group.pk else ""
    households = selectors.households_for_group(
        village=group.village, group=group, village_group=village_group
    )
    form = GroupForm(
        request.POST or None,
        instance=group,
        persons=selectors.village_persons(village=group.village),
        households=households,
        initial={"households": list(households.filter(mine=True))} if group.pk else None,
    )
    if request.method == "POST" and form.is_valid():
        done = saved(
            request,
            form,
            lambda: services.group_save(
                by=request.user,
                group=form.instance,
                households=list(form.cleaned_data["households"]),
            ),
            _("Saved."),
        )
        if done:
            return done
    context = {
        "form": form,
        "group": group,
        "village": group.village,
        "villages": villages,
        "village_groups": group.village.groups.order_by("number"),
        "village_group": village_group,
        "head": chosen_person(form, "head", group.head),
    }
    return render(request, "organisation/group_form.html", context)


@login_required
def group_create(request):
    village, villages = village_kept(request)
    return group_form_page(request, TenHouseholdGroup(village=village), villages)


@login_required
def group_edit(request, pk):
    group = selectors.group_get(user=request.user, pk=pk)
    permissions.require(request.user, services.KEEP, group.area_code)
    return group_form_page(request, group, [group.village])


@login_required
def group_detail(request, pk):
    group = selectors.group_get(user=request.user, pk=pk)
    context = {
        "group": group,
        "households": selectors.group_care(group=group),
        "may_keep": may_keep(request.user, group.area_code),
    }
    return render(request, "organisation/group_detail.html", context)


# Talents


@login_required
def talent_list(request):
    form, data, _villages = filtered(request, TalentFilterForm)
    talents = selectors.talent_list(
        user=request.user, village=data.get("village") or "", kind=data.get("kind") or ""
    )
    page, pager = paging.numbered_page(request, talents, param="page", size=PAGE_SIZE)
    for talent in page:
        talent.phone_shown = phone_shown(talent.person.phone, reveal=False)
    context = {
        "form": form,
        "page": page,
        "pager": pager,
        "may_add": bool(selectors.keeping_villages(user=request.user).exists()),
    }
    return render(request, "organisation/talent_list.html", context)


def talent_form_page(request, talent: Talent, village: Area, villages: list[Area]):
    form = TalentForm(
        request.POST or None, instance=talent, persons=selectors.village_persons(village=village)
    )
    if request.method == "POST" and form.is_valid():
        try:
            with saved_once(form) as receipt:
                services.talent_save(by=request.user, talent=form.instance)
                receipt.leads_to(reverse("organisation:talent-list"))
        except ValidationError as error:
            form_with_service_errors(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("organisation:talent-list")
    context = {
        "form": form,
        "talent": talent,
        "village": village,
        "villages": villages,
        "chosen": chosen_person(form, "person", talent.person if talent.person_id else None),
    }
    return render(request, "organisation/talent_form.html", context)


@login_required
def talent_create(request):
    village, villages = village_kept(request)
    return talent_form_page(request, Talent(), village, villages)


@login_required
def talent_edit(request, pk):
    talent = selectors.talent_get(user=request.user, pk=pk)
    permissions.require(request.user, services.KEEP, talent.area_code)
    village = talent.person.household.village
    return talent_form_page(request, talent, village, [village])


@login_required
@require_POST
def talent_remove(request, pk):
    talent = selectors.talent_get(user=request.user, pk=pk)
    services.talent_remove(by=request.user, talent=talent)
    messages.success(request, _("Removed from the talent pool."))
    return redirect("organisation:talent-list")


# Trainings


@login_required
def training_list(request):
    form, data, _villages = filtered(request, VillageFilterForm)
    trainings = selectors.training_list(user=request.user, village=data.get("village") or "")
    page, pager = paging.numbered_page(request, trainings, param="page", size=PAGE_SIZE)
    context = {
        "form": form,
        "page": page,
        "pager": pager,
        "may_add": bool(selectors.keeping_villages(user=request.user).exists()),
    }
    return render(request, "organisation/training_list.html", context)


def training_form_page(request, training: Training, villages: list[Area]):
    persons = selectors.village_persons(village=training.village)
    form = TrainingForm(request.POST or None, instance=training, persons=persons)
    if request.method == "POST" and form.is_valid():
        done = saved(
            request,
            form,
            lambda: services.training_save(
                by=request.user,
                training=form.instance,
                attendees=list(form.cleaned_data["attendees"]),
            ),
            _("Saved."),
        )
        if done:
            return done
    if form.is_bound:
        ids = numbers_of(form["attendees"].value())
        chosen = list(persons.filter(pk__in=ids).order_by("name", "id"))
    else:
        chosen = list(selectors.training_attendees(training=training)) if training.pk else []
    context = {
        "form": form,
        "training": training,
        "village": training.village,
        "villages": villages,
        "chosen": chosen,
    }
    return render(request, "organisation/training_form.html", context)


@login_required
def training_create(request):
    village, villages = village_kept(request)
    return training_form_page(
        request, Training(village=village, held_on=timezone.localdate()), villages
    )


@login_required
def training_edit(request, pk):
    training = selectors.training_get(user=request.user, pk=pk)
    permissions.require(request.user, services.KEEP, training.area_code)
    return training_form_page(request, training, [training.village])


@login_required
def training_detail(request, pk):
    training = selectors.training_get(user=request.user, pk=pk)
    attendees = selectors.training_attendees(training=training)
    page, pager = paging.numbered_page(request, attendees, param="page", size=PAGE_SIZE)
    context = {
        "training": training,
        "page": page,
        "pager": pager,
        "may_keep": may_keep(request.user, training.area_code),
    }
    return render(request, "organisation/training_detail.html", context)


@login_required
def training_export(request, pk):
    training = selectors.training_get(user=request.user, pk=pk)
    attendees = list(
        selectors.training_attendees(training=training).select_related("household__group")
    )
    # Names only, no numbers: recorded and watermarked all the same.
    stamp = audit.export_stamp(user=request.user)
    content = exports.training_workbook(training=training, attendees=attendees, stamp=stamp)
    audit.export_record(
        stamp=stamp,
        request=request,
        what="organisation.training_attendance",
        area_code=training.area_code,
        file_format="xlsx",
        rows=len(attendees),
        persons=len(attendees),
        masked=True,
    )
    return download(content, filename=f"training-{training.held_on:%Y-%m-%d}-{training.pk}.xlsx")


# Roll-up


@login_required
def rollup(request):
    year = number_or_none(request.GET.get("year")) or timezone.localdate().year
    year = min(max(year, 2000), datetime.date.max.year)
    villages = selectors.village_rollup(user=request.user, year=year)
    page, pager = paging.numbered_page(request, villages, param="page", size=PAGE_SIZE)
    rows = [
        {
            "village": v,
            "stages": [{"label": s.label, "count": getattr(v, f"stage_{s}")} for s in STAGES],
            "away": v.away,
            "groups": v.group_count,
            "grouped": v.grouped,
            "households": v.household_count,
            "percent": round(100 * v.grouped / v.household_count) if v.household_count else 0,
            "trainings": v.training_count,
        }
        for v in page
    ]
    context = {
        "page": page,
        "pager": pager,
        "rows": rows,
        "stages": [s.label for s in STAGES],
        "year": year,
    }
    return render(request, "organisation/rollup.html", context)
