import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from villagedesk.accounts import permissions
from villagedesk.accounts.models import Assignment, User
from villagedesk.accounts.permissions import Capability
from villagedesk.areas.models import VillageGroup
from villagedesk.core import paging
from villagedesk.core.concurrency import EditConflict, saved_once
from villagedesk.core.converters import number_or_none
from villagedesk.core.forms import form_with_service_errors
from villagedesk.core.photos import photo_response
from villagedesk.directory import selectors as directory
from villagedesk.fieldwork import selectors as fieldwork
from villagedesk.governance import selectors, services
from villagedesk.governance.forms import (
    RULE_FIGURES,
    BriefingForm,
    ItemForm,
    LocalRuleForm,
    MatterForm,
    MeetingForm,
    NoticeForm,
    PhotoForm,
    StepForm,
    TaskForm,
)
from villagedesk.governance.models import (
    PARTY_KINDS,
    PUBLIC_STEPS,
    STEP_MEETINGS,
    AgendaItem,
    BodyChoice,
    Briefing,
    Matter,
    Meeting,
    MeetingKind,
    NoticeCategory,
    PublicNotice,
    Step,
    Task,
)
from villagedesk.governance.rules import LAW, Body
from villagedesk.organisation import selectors as organisation
from villagedesk.registry.models import Person

PAGE_SIZE = 25
# The county roll-up counts meetings held over this many days.
ROLLUP_DAYS = 365


def recording_villages(user):
    """The villages in the user's view whose decisions the user records."""
    return permissions.village_list(user, Capability.RECORD_FIELDWORK)


def may_record(user, area_code: str) -> bool:
    return permissions.holds(user, Capability.RECORD_FIELDWORK, area_code)


def form_page(request, form, heading, back, back_label, template="directory/form_page.html"):
    context = {"form": form, "heading": heading, "back": back, "back_label": back_label}
    return render(request, template, context)


def saved(form, run, request) -> bool:
    """Run the service under the form's guard, a repeat of the form leading to what it saved;
    True when it saved, else the form shows why."""
    try:
        with saved_once(form) as receipt:
            receipt.leads_to(run())
    except (ValidationError, EditConflict) as error:
        form_with_service_errors(form, error)
        return False
    messages.success(request, _("Saved."))
    return True


# Meetings


@login_required
def meeting_list(request):
    village = request.GET.get("village", "")
    kind = request.GET.get("kind", "")
    meetings = selectors.meeting_list(user=request.user, village=village, kind=kind)
    page, pager = paging.numbered_page(request, meetings, param="page", size=PAGE_SIZE)
    context = {
        "meetings": page,
        "pager": pager,
        "villages": permissions.village_list(request.user),
        "village": village,
        "kinds": MeetingKind.choices,
        "kind": kind,
        "may_add": recording_villages(request.user).exists(),
        "keeps_rules": permissions.holds_anywhere(request.user, Capability.KEEP_RULES),
    }
    return render(request, "governance/meeting_list.html", context)


def meeting_form(request, meeting, *, create: bool):
    villages = recording_villages(request.user)
    village_ids = villages.values("pk")
    form = MeetingForm(
        request.POST or None,
        instance=meeting,
        villages=villages,
        groups=VillageGroup.objects.filter(village__in=village_ids).select_related("village"),
        # The register's people are offered once the meeting's village is known.
        persons=Person.objects.none()
        if create
        else Person.objects.filter(area_code=meeting.village.code).order_by("name"),
        contacts=directory.contact_list(user=request.user),
        # The roster is offered at a Party meeting once its village and day are kept.
        party_members=None
        if create or meeting.kind not in PARTY_KINDS
        else selectors.party_roster_of(meeting=meeting),
        initial={"village": villages.first()} if create else None,
    )
    if request.method == "POST" and form.is_valid():
        party_members = form.cleaned_data.get("party_members")

        def run():
            return services.meeting_save(
                by=request.user,
                meeting=form.instance,
                persons=None if create else list(form.cleaned_data["persons"]),
                contacts=list(form.cleaned_data["contacts"]),
                party_members=None if party_members is None else list(party_members),
            )

        if saved(form, run, request):
            return redirect(form.instance)
    heading = _("Record a meeting") if create else str(meeting)
    back = reverse("governance:meeting-list") if create else meeting.get_absolute_url()
    return form_page(request, form, heading, back, _("Meetings"))


@login_required
def meeting_create(request):
    return meeting_form(request, Meeting(), create=True)


@login_required
def meeting_edit(request, pk):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    if not may_record(request.user, meeting.area_code):
        raise PermissionDenied
    return meeting_form(request, meeting, create=False)


@login_required
def meeting_detail(request, pk):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    rule = services.meeting_rule(meeting)
    context = {
        "meeting": meeting,
        "rule": rule,
        "party": selectors.meeting_party_attendance(meeting=meeting),
        "may_edit": may_record(request.user, meeting.area_code),
        "photo_form": PhotoForm(),
    }
    return render(request, "governance/meeting_detail.html", context)


def item_form(request, meeting, item, *, create: bool):
    if not may_record(request.user, meeting.area_code):
        raise PermissionDenied
    form = ItemForm(
        request.POST or None,
        instance=item,
        initial={"number": meeting.items.count() + 1} if create else None,
    )
    if request.method == "POST" and form.is_valid():
        if saved(
            form,
            lambda: services.item_save(by=request.user, item=form.instance),
            request,
        ):
            return redirect(meeting)
    heading = _("Agenda item") if create else str(item)
    return form_page(request, form, heading, meeting.get_absolute_url(), str(meeting))


@login_required
def item_create(request, pk):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    return item_form(request, meeting, AgendaItem(meeting=meeting), create=True)


@login_required
def item_edit(request, pk):
    item = selectors.item_get(user=request.user, pk=pk)
    return item_form(request, item.meeting, item, create=False)


@login_required
@require_POST
def photo_add(request, pk):
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    if not may_record(request.user, meeting.area_code):
        raise PermissionDenied
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.meeting_photo_add(
                by=request.user,
                meeting=meeting,
                kind=form.cleaned_data["kind"],
                upload=request.FILES["image"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Photo kept."))
    else:
        messages.error(request, _("Choose what the photo shows and a photo."))
    return redirect(meeting)


@login_required
def photo(request, pk):
    kept = selectors.photo_get(user=request.user, pk=pk)
    return photo_response(kept.image)


# Matters


@login_required
def matter_list(request):
    village = request.GET.get("village", "")
    step = request.GET.get("step", "")
    matters = selectors.matter_list(user=request.user, village=village, step=step)
    page, pager = paging.numbered_page(request, matters, param="page", size=PAGE_SIZE)
    context = {
        "matters": page,
        "pager": pager,
        "villages": permissions.village_list(request.user),
        "village": village,
        "steps": Step.choices,
        "step": step,
        "may_add": recording_villages(request.user).exists(),
    }
    return render(request, "governance/matter_list.html", context)


def matter_form(request, matter, *, create: bool):
    form = MatterForm(
        request.POST or None,
        instance=matter,
        villages=recording_villages(request.user),
        initial={"village": recording_villages(request.user).first()} if create else None,
    )
    if request.method == "POST" and form.is_valid():
        if saved(
            form,
            lambda: services.matter_save(by=request.user, matter=form.instance),
            request,
        ):
            return redirect(form.instance)
    heading = _("New matter") if create else str(matter)
    back = reverse("governance:matter-list") if create else matter.get_absolute_url()
    return form_page(request, form, heading, back, _("Matters"))


@login_required
def matter_create(request):
    return matter_form(request, Matter(), create=True)


@login_required
def matter_edit(request, pk):
    matter = selectors.matter_get(user=request.user, pk=pk)
    if not may_record(request.user, matter.area_code):
        raise PermissionDenied
    return matter_form(request, matter, create=False)


def step_form(request, matter, data=None):
    step = matter.next_step
    return StepForm(
        data,
        initial={"step": step.value if step else "", "done_on": timezone.localdate()},
        items=selectors.passed_items(user=request.user, village=matter.village).filter(
            meeting__kind__in=STEP_MEETINGS.get(step, ())
        ),
        notices=selectors.notice_list(user=request.user, village=matter.area_code),
    )


def matter_page(request, matter, form=None):
    step = matter.next_step
    context = {
        "matter": matter,
        "path": selectors.matter_path(matter=matter),
        "tasks": selectors.matter_tasks(matter=matter),
        "briefings": matter.briefings.all(),
        "may_edit": may_record(request.user, matter.area_code),
        "next_step": step,
        "needs_meeting": step in STEP_MEETINGS,
        "needs_notice": step in PUBLIC_STEPS,
        "step_form": form or step_form(request, matter),
    }
    return render(request, "governance/matter_detail.html", context)


@login_required
def matter_detail(request, pk):
    return matter_page(request, selectors.matter_get(user=request.user, pk=pk))


@login_required
@require_POST
def matter_step(request, pk):
    matter = selectors.matter_get(user=request.user, pk=pk)
    if not may_record(request.user, matter.area_code):
        raise PermissionDenied
    form = step_form(request, matter, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.matter_step_record(
                by=request.user,
                matter=matter,
                step=data["step"],
                done_on=data["done_on"],
                item=data["item"],
                notice=data["notice"],
                note=data["note"],
            )
        except ValidationError as error:
            form_with_service_errors(form, error)
        else:
            messages.success(request, _("Step recorded."))
            return redirect(matter)
    return matter_page(request, matter, form)


@login_required
def briefing_create(request, pk):
    matter = selectors.matter_get(user=request.user, pk=pk)
    if not may_record(request.user, matter.area_code):
        raise PermissionDenied
    form = BriefingForm(request.POST or None, instance=Briefing(matter=matter))
    if request.method == "POST" and form.is_valid():
        if saved(
            form,
            lambda: services.briefing_record(by=request.user, briefing=form.instance),
            request,
        ):
            return redirect(matter)
    return form_page(request, form, _("Briefing"), matter.get_absolute_url(), str(matter))


# Tasks


def village_team(village):
    """Users working in the village now: those a task may be given to."""
    current = Assignment.objects.current().filter(area=village)
    return User.objects.filter(assignments__in=current).distinct().order_by("username")


def task_form(request, task, *, create: bool):
    village = task.village
    if not may_record(request.user, village.code):
        if create:
            raise PermissionDenied
        # Those who read the village's records but keep none see the task as it stands.
        return render(request, "governance/task_detail.html", {"task": task})
    form = TaskForm(
        request.POST or None,
        request.FILES or None,
        instance=task,
        owners=village_team(village),
        problems=fieldwork.problem_list(user=request.user).filter(village=village),
    )
    if request.method == "POST" and form.is_valid():
        if saved(
            form,
            lambda: services.task_save(
                by=request.user, task=form.instance, evidence=form.cleaned_data["evidence_upload"]
            ),
            request,
        ):
            return redirect(task.item.meeting if create else task)
    context = {
        "form": form,
        "task": task,
        "heading": _("Task from “%(item)s”") % {"item": task.item.title} if create else task.title,
        "back": task.item.get_absolute_url(),
        "back_label": str(task.item),
    }
    return render(request, "governance/task_form.html", context)


@login_required
def task_create(request, pk):
    item = selectors.item_get(user=request.user, pk=pk)
    if not item.passed:
        raise Http404
    task = Task(item=item, village=item.meeting.village)
    return task_form(request, task, create=True)


@login_required
def task_edit(request, pk):
    return task_form(request, selectors.task_get(user=request.user, pk=pk), create=False)


@login_required
def task_evidence(request, pk):
    task = selectors.task_get(user=request.user, pk=pk)
    return photo_response(task.evidence)


@login_required
def task_list(request):
    village = request.GET.get("village", "")
    overdue = request.GET.get("overdue") == "1"
    tasks = selectors.task_list(user=request.user, village=village, overdue=overdue)
    page, pager = paging.numbered_page(request, tasks, param="page", size=PAGE_SIZE)
    context = {
        "tasks": page,
        "pager": pager,
        "villages": permissions.village_list(request.user),
        "village": village,
        "overdue": overdue,
    }
    return render(request, "governance/task_list.html", context)


@login_required
def problem_tasks(request, pk):
    """The tasks answering a problem: a fragment the problem's page loads with htmx (so that
    fieldwork, below governance, never imports it), or a page of its own without it."""
    problem = fieldwork.problem_get(user=request.user, pk=pk)
    context = {
        "problem": problem,
        "tasks": selectors.tasks_answering(user=request.user, problem=problem),
    }
    template = "governance/_problem_tasks.html" if request.htmx else "governance/problem_tasks.html"
    return render(request, template, context)


# Public notices


@login_required
def notice_list(request):
    village = request.GET.get("village", "")
    category = request.GET.get("category", "")
    notices = selectors.notice_list(user=request.user, village=village, category=category)
    page, pager = paging.numbered_page(request, notices, param="page", size=PAGE_SIZE)
    context = {
        "notices": page,
        "pager": pager,
        "villages": permissions.village_list(request.user),
        "village": village,
        "categories": NoticeCategory.choices,
        "category": category,
        "may_add": recording_villages(request.user).exists(),
    }
    return render(request, "governance/notice_list.html", context)


def notice_form(request, notice, *, create: bool):
    villages = recording_villages(request.user)
    form = NoticeForm(
        request.POST or None,
        request.FILES or None,
        instance=notice,
        villages=villages,
        matters=selectors.matter_list(user=request.user).filter(village__in=villages),
        initial={"village": villages.first()} if create else None,
    )
    if request.method == "POST" and form.is_valid():
        if saved(
            form,
            lambda: services.notice_save(
                by=request.user, notice=form.instance, photo=form.cleaned_data["photo_upload"]
            ),
            request,
        ):
            return redirect("governance:notice-list")
    heading = _("Public notice") if create else notice.title
    context = {
        "form": form,
        "heading": heading,
        "back": reverse("governance:notice-list"),
        "back_label": _("Public notices"),
        "notice": None if create else notice,
    }
    return render(request, "governance/notice_form.html", context)


@login_required
def notice_create(request):
    return notice_form(request, PublicNotice(), create=True)


@login_required
def notice_edit(request, pk):
    notice = selectors.notice_get(user=request.user, pk=pk)
    if not may_record(request.user, notice.area_code):
        raise PermissionDenied
    return notice_form(request, notice, create=False)


@login_required
def notice_print(request, pk):
    notice = selectors.notice_get(user=request.user, pk=pk)
    # The notice is posted in the village, in Chinese, whatever language the user reads.
    with translation.override("zh-hans"):
        context = {"notice": notice, "may_edit": may_record(request.user, notice.area_code)}
        return render(request, "governance/notice_print.html", context)


@login_required
def notice_photo(request, pk):
    notice = selectors.notice_get(user=request.user, pk=pk)
    return photo_response(notice.photo)


# The county's view


@login_required
def rollup(request):
    since = timezone.localdate() - datetime.timedelta(days=ROLLUP_DAYS)
    rows = selectors.rollup(user=request.user, since=since)
    page, pager = paging.numbered_page(request, rows, param="page", size=50)
    context = {
        "rows": page,
        "pager": pager,
        "since": since,
        "step_labels": [_("Not started"), *(step.label for step in Step)],
    }
    return render(request, "governance/rollup.html", context)


# Party meetings attended


def attendance_year(request) -> int:
    year = number_or_none(request.GET.get("year")) or timezone.localdate().year
    return min(max(year, 2000), datetime.date.max.year)


def rate(attended: int, due: int) -> int | None:
    return round(100 * attended / due) if due else None


@login_required
def party_attendance(request):
    """Per member of the Party roster, the Party meetings of the year due at and attended."""
    village = request.GET.get("village", "")
    year = attendance_year(request)
    members = selectors.party_attendance(user=request.user, village=village, year=year)
    page, pager = paging.numbered_page(request, members, param="page", size=PAGE_SIZE)
    for member in page:
        member.rate = rate(member.meetings_attended, member.meetings_due)
    context = {
        "members": page,
        "pager": pager,
        "villages": permissions.village_list(request.user),
        "village": village,
        "year": year,
    }
    return render(request, "governance/party_attendance.html", context)


@login_required
def party_member_attendance(request, pk):
    """One member's Party meetings of the year: each one due at, and whether attended."""
    member = organisation.member_get(user=request.user, pk=pk)
    if member.probationary_on is None:
        raise Http404
    year = attendance_year(request)
    meetings = list(selectors.party_member_meetings(member=member, year=year))
    attended = sum(1 for meeting in meetings if meeting.attended)
    context = {
        "member": member,
        "meetings": meetings,
        "year": year,
        "attended": attended,
        "rate": rate(attended, len(meetings)),
    }
    return render(request, "governance/party_member_attendance.html", context)


# Local meeting rules


@login_required
def rule_list(request):
    """The law's quorum and majority for each body, the local rules in force where the user
    keeps the rules, and the form to set one: for those who keep the rules only."""
    permissions.require_anywhere(request.user, Capability.KEEP_RULES)
    areas = selectors.rule_area_list(user=request.user)
    form = LocalRuleForm(request.POST or None, areas=areas)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        figures = services.RuleFigures(**{name: data[name] for name in RULE_FIGURES})
        try:
            with saved_once(form) as receipt:
                services.local_rule_set(
                    by=request.user, area=data["area"], body=data["body"], figures=figures
                )
                receipt.leads_to(reverse("governance:rule-list"))
        except ValidationError as error:
            form_with_service_errors(form, error)
        else:
            messages.success(request, _("Rule saved."))
            return redirect("governance:rule-list")
    laws = [(label, LAW[Body(code)]) for code, label in BodyChoice.choices]
    context = {"form": form, "laws": laws, "rules": selectors.local_rule_list(user=request.user)}
    return render(request, "governance/rule_list.html", context)
