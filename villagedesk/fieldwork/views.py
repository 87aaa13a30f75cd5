import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from villagedesk.accounts import permissions
from villagedesk.accounts.permissions import Capability
from villagedesk.audit import services as audit
from villagedesk.core import paging
from villagedesk.core.concurrency import FormAlreadySent, saved_once
from villagedesk.core.converters import number_or_404, number_or_none, numbers_of
from villagedesk.core.forms import form_with_service_errors, search_shown
from villagedesk.core.masking import query_masked
from villagedesk.core.offline import kept_offline, offline_key_of
from villagedesk.core.photos import photo_response
from villagedesk.core.spreadsheets import download
from villagedesk.fieldwork import exports, selectors, services
from villagedesk.fieldwork.codes import STATUS_STEPS, Presence, ProblemStatus
from villagedesk.fieldwork.forms import (
    CoverageForm,
    DiaryForm,
    KeyGroupForm,
    PersonNoteForm,
    ProblemCreateForm,
    ProblemFilterForm,
    ProblemForm,
    VisitFilterForm,
    VisitForm,
    month_from,
)
from villagedesk.fieldwork.models import DiaryDay, PersonNote
from villagedesk.registry import selectors as registry


def made_once_per_key(request, *, kind: str, write, leads_to):
    """Run `write` (a service making a `kind` of record), recording the key the phone made for
    this sending, if the form carries one (`core.offline.offline_key_of`): the same key again,
    from this form or from the phone's queue through the API (`fieldwork.services.sent_once`),
    leads to the record made first (`leads_to(record)`, a URL), never to a second one."""
    key = offline_key_of(request.POST)
    if key is None:
        return write()
    record, made = services.sent_once(
        by=request.user, key=key, fingerprint="", kind=kind, write=write
    )
    if not made:
        raise FormAlreadySent(leads_to(record))
    return record


def key_refuse_sent(request, *, kind: str, leads_to) -> None:
    """Raise FormAlreadySent when the form's key already made a `kind` of record: asked before
    the form is read, where that record would change the form (a day's diary becomes an edit)."""
    key = offline_key_of(request.POST)
    first = services.sent_key_get(user=request.user, key=key) if key else None
    if first is not None and getattr(first, f"{kind}_id") is not None:
        raise FormAlreadySent(leads_to(first.record))


def visit_page(visit) -> str:
    return visit.household.get_absolute_url() if visit.household else visit.get_absolute_url()


def diary_page(entry: DiaryDay) -> str:
    return reverse("fieldwork:diary") + f"?month={entry.day:%Y-%m}"


# Visits

VISITS_PER_PAGE = 50
ATTENDANCE_PER_PAGE = 50
# Problems of a board's column, or of the table, shown at a time.
PROBLEMS_PER_PAGE = 50
COVERAGE_PAGE_SIZE = 50


@login_required
def visit_list(request):
    villages = list(permissions.village_list(request.user)[:500])
    form = VisitFilterForm(request.GET or None, villages=villages)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.VisitFilters(
        q=data.get("q") or "",
        mine=bool(data.get("mine")),
        open_follow_up=bool(data.get("open_follow_up")),
        since=data.get("since"),
        until=data.get("until"),
    )
    visits = selectors.visit_list(
        user=request.user, village=data.get("village") or "", filters=filters
    )
    page = Paginator(visits, VISITS_PER_PAGE).get_page(request.GET.get("page"))
    query = search_shown(request, form)
    context = {"form": form, "page": page, "visits": page, "query": query.urlencode()}
    return render(request, "fieldwork/visit_list.html", context)


@login_required
@kept_offline
def visit_create(request):
    households, persons = selectors.people_visible(user=request.user)
    chosen = None
    if request.GET.get("household"):
        pk = number_or_404(request.GET["household"])
        chosen = registry.household_get(user=request.user, pk=pk)
        permissions.require(request.user, Capability.RECORD_FIELDWORK, chosen.area_code)
    form = VisitForm(
        request.POST or None,
        request.FILES or None,
        households=households,
        persons=persons,
        initial={"household": chosen} if chosen else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            with saved_once(form) as receipt:
                visit = made_once_per_key(
                    request,
                    kind="visit",
                    write=lambda: services.visit_record(
                        by=request.user,
                        visit=form.instance,
                        persons=list(
                            form.cleaned_data["persons"].select_related("household__village")
                        ),
                        photo=form.cleaned_data.get("photo"),
                    ),
                    leads_to=visit_page,
                )
                receipt.leads_to(visit_page(visit))
        except ValidationError as error:
            form_with_service_errors(form, error)
        else:
            messages.success(request, _("Visit saved."))
            return redirect(visit_page(visit))
    if form.is_bound:
        household_pk = number_or_none(form["household"].value())
        chosen = households.filter(pk=household_pk).first() if household_pk is not None else None
        selected_ids = set(numbers_of(form["persons"].value()))
    else:
        selected_ids = set()
    candidates = list(chosen.members.order_by("id")) if chosen else []
    extra = persons.filter(pk__in=selected_ids - {p.pk for p in candidates}).select_related(
        "household"
    )
    context = {
        "form": form,
        "household": chosen,
        "candidates": candidates + list(extra),
        "selected": selected_ids or ({p.pk for p in candidates} if not form.is_bound else set()),
    }
    return render(request, "fieldwork/visit_form.html", context)


@login_required
def visit_people(request):
    """Search results for the visit form: persons to tick, each with their household."""
    found = selectors.person_candidates(user=request.user, q=request.GET.get("q", ""))
    return render(request, "fieldwork/visit_form.html#people", {"found": found})


@login_required
def visit_detail(request, pk):
    visit = selectors.visit_get(user=request.user, pk=pk)
    context = {
        "visit": visit,
        "may_record": permissions.holds(request.user, Capability.RECORD_FIELDWORK, visit.area_code),
        "problems": visit.problems.all(),
    }
    return render(request, "fieldwork/visit_detail.html", context)


@login_required
@require_POST
def visit_follow_up_done(request, pk):
    visit = selectors.visit_get(user=request.user, pk=pk)
    try:
        services.visit_follow_up_done(by=request.user, visit=visit)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Follow-up marked as done."))
    return redirect(visit)


@login_required
def visit_photo(request, pk):
    visit = selectors.visit_get(user=request.user, pk=pk)
    return photo_response(visit.photo)


@login_required
@kept_offline
def household_visits(request, pk):
    household = registry.household_get(user=request.user, pk=pk)
    context = {
        "household": household,
        "visits": selectors.visit_list(user=request.user, household=household),
        "problems": selectors.household_problems(user=request.user, household=household),
        "members": selectors.household_members_with_groups(household=household),
        "may_record": permissions.holds(
            request.user, Capability.RECORD_FIELDWORK, household.area_code
        ),
        "may_see_notes": permissions.holds(
            request.user, Capability.READ_PEOPLE_NOTES, household.area_code
        ),
    }
    template = "fieldwork/household_visits.html"
    if request.htmx:
        template += "#panel"
    return render(request, template, context)


# Coverage


@login_required
def coverage(request):
    villages = list(selectors.coverage_villages(user=request.user)[:500])
    if not villages:
        raise Http404
    today = timezone.localdate()
    defaults = {
        "village": villages[0].code,
        "since": today - datetime.timedelta(days=89),
        "until": today,
    }
    form = CoverageForm({**defaults, **request.GET.dict()}, villages=villages)
    data = form.cleaned_data if form.is_valid() else defaults
    result = selectors.coverage(
        user=request.user,
        village_code=data["village"],
        period=selectors.Period(since=data["since"], until=data["until"]),
    )
    # The two lists of households, each a page at a time.
    stale, stale_pager = paging.numbered_page(
        request, result.stale, param="stale_page", size=COVERAGE_PAGE_SIZE, anchor="stale"
    )
    # The households never met are those the totals did not count as visited: the list needs
    # no count of its own, which would ask every household of the village about the period again.
    unvisited, unvisited_pager = paging.numbered_page(
        request,
        result.unvisited,
        param="unvisited_page",
        size=COVERAGE_PAGE_SIZE,
        anchor="unvisited",
        count=result.never_visited,
    )
    chart = {
        "groups": [row["group__name"] or _("No group") for row in result.groups],
        "visited": [row["visited"] for row in result.groups],
        "never": [row["never"] for row in result.groups],
        "labels": {"visited": _("Visited"), "never": _("Never visited")},
    }
    context = {
        "form": form,
        "coverage": result,
        "chart": chart,
        "stale": stale,
        "stale_pager": stale_pager,
        "unvisited": unvisited,
        "unvisited_pager": unvisited_pager,
        "may_record": permissions.holds(
            request.user, Capability.RECORD_FIELDWORK, result.village.code
        ),
    }
    return render(request, "fieldwork/coverage.html", context)


# Problems


@login_required
def problem_list(request):
    villages = list(permissions.village_list(request.user)[:500])
    form = ProblemFilterForm(request.GET or None, villages=villages)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.ProblemFilters(
        village=data.get("village") or "",
        status=data.get("status") or "",
        category=data.get("category") or "",
        overdue=bool(data.get("overdue")),
    )
    problems = selectors.problem_list(user=request.user, filters=filters)
    board = request.GET.get("view", "board") == "board"
    query = query_masked(request.GET)
    query.pop("view", None)
    query.pop("page", None)
    context = {
        "form": form,
        "board": board,
        "query": query.urlencode(),
        "may_add": permissions.village_list(request.user, Capability.RECORD_FIELDWORK).exists(),
    }
    if board:
        context["columns"] = selectors.problem_board(
            problems=problems, per_column=PROBLEMS_PER_PAGE
        )
        for column in context["columns"]:
            listed = query.copy()
            listed["status"] = column.status.value
            column.listed_query = listed.urlencode()
    else:
        context["problems"], context["pager"] = paging.numbered_page(
            request, problems, param="page", size=PROBLEMS_PER_PAGE
        )
    return render(request, "fieldwork/problem_list.html", context)


def problem_people(request, form):
    """Households and persons named in the form, for showing them again."""
    households, persons = selectors.people_visible(user=request.user)
    ids = numbers_of(form["households"].value())
    person_ids = numbers_of(form["persons"].value())
    return households.filter(pk__in=ids), persons.filter(pk__in=person_ids).select_related(
        "household"
    )


@login_required
@kept_offline
def problem_create(request):
    villages = list(permissions.village_list(request.user, Capability.RECORD_FIELDWORK))
    if not villages:
        raise PermissionDenied
    households, persons = selectors.people_visible(user=request.user)
    initial = {}
    visit = None
    if request.GET.get("visit"):
        visit = selectors.visit_get(user=request.user, pk=number_or_404(request.GET["visit"]))
        remark = (visit.opinions or visit.said).strip()
        initial = {
            "village": visit.area_code,
            "title": remark.splitlines()[0][:200] if remark else "",
            "description": remark,
            "raised_by": ", ".join(p.name for p in visit.persons.all()),
            "households": [visit.household_id] if visit.household_id else [],
            "persons": [p.pk for p in visit.persons.all()],
        }
    owners = selectors.owner_choices(villages=villages)
    if owners.filter(pk=request.user.pk).exists():
        initial = {"owner": request.user.pk, **initial}
    form = ProblemCreateForm(
        request.POST or None,
        villages=villages,
        owners=owners,
        households=households,
        persons=persons,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        draft = form.instance
        draft.village = form.villages[form.cleaned_data["village"]]
        if request.POST.get("visit"):
            pk = number_or_404(request.POST["visit"])
            draft.visit = selectors.visit_get(user=request.user, pk=pk)
        try:
            with saved_once(form) as receipt:
                problem = made_once_per_key(
                    request,
                    kind="problem",
                    write=lambda: services.problem_create(
                        by=request.user,
                        problem=draft,
                        households=list(form.cleaned_data["households"]),
                        persons=list(form.cleaned_data["persons"].select_related("household")),
                    ),
                    leads_to=lambda made: made.get_absolute_url(),
                )
                receipt.leads_to(problem)
        except ValidationError as error:
            form_with_service_errors(form, error)
        else:
            messages.success(request, _("Problem registered."))
            return redirect(problem)
    concerned_households, concerned_persons = problem_people(request, form)
    context = {
        "form": form,
        "create": True,
        "visit": visit,
        "concerned_households": concerned_households,
        "concerned_persons": concerned_persons,
    }
    return render(request, "fieldwork/problem_form.html", context)


@login_required
@kept_offline
def problem_edit(request, pk):
    problem = selectors.problem_get(user=request.user, pk=pk)
    permissions.require(request.user, Capability.RECORD_FIELDWORK, problem.area_code)
    households, persons = selectors.people_visible(user=request.user)
    form = ProblemForm(
        request.POST or None,
        instance=problem,
        owners=selectors.owner_choices(villages=[problem.village]),
        households=households,
        persons=persons,
        initial={
            "households": [h.pk for h in problem.households.all()],
            "persons": [p.pk for p in problem.persons.all()],
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            with saved_once(form):
                services.problem_update(
                    by=request.user,
                    problem=form.instance,
                    households=list(form.cleaned_data["households"]),
                    persons=list(form.cleaned_data["persons"].select_related("household")),
                )
        except ValidationError as error:
            form_with_service_errors(form, error)
        else:
            messages.success(request, _("Problem saved."))
            return redirect(problem)
    concerned_households, concerned_persons = problem_people(request, form)
    context = {
        "form": form,
        "problem": problem,
        "concerned_households": concerned_households,
        "concerned_persons": concerned_persons,
    }
    return render(request, "fieldwork/problem_form.html", context)


@login_required
@kept_offline
def problem_detail(request, pk):
    problem = selectors.problem_get(user=request.user, pk=pk)
    context = {
        "problem": problem,
        "history": selectors.problem_history(problem=problem),
        "may_record": permissions.holds(
            request.user, Capability.RECORD_FIELDWORK, problem.area_code
        ),
        "next_steps": [
            ProblemStatus(s) for s in ProblemStatus if s in STATUS_STEPS[problem.status]
        ],
    }
    return render(request, "fieldwork/problem_detail.html", context)


@login_required
@require_POST
def problem_move(request, pk):
    problem = selectors.problem_get(user=request.user, pk=pk)
    try:
        problem = services.problem_move(
            by=request.user,
            problem=problem,
            status=request.POST.get("status", ""),
            referred_to=request.POST.get("referred_to", ""),
            resolution=request.POST.get("resolution", ""),
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The problem is now: %(status)s.") % {"status": problem.get_status_display()}
        )
    return redirect(problem)


@login_required
@require_POST
def problem_answer(request, pk):
    problem = selectors.problem_get(user=request.user, pk=pk)
    try:
        services.problem_answer(
            by=request.user, problem=problem, answer=request.POST.get("referral_answer", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Answer recorded."))
    return redirect(problem)


# People


@login_required
def person_groups(request, pk):
    person = selectors.person_get(user=request.user, pk=pk)
    permissions.require(request.user, Capability.RECORD_FIELDWORK, person.area_code)
    form = KeyGroupForm(
        request.POST or None,
        initial={"groups": [t.group for t in person.key_groups.all()]},
    )
    if request.method == "POST" and form.is_valid():
        with saved_once(form) as receipt:
            services.key_groups_set(
                by=request.user, person=person, groups=form.cleaned_data["groups"]
            )
            receipt.leads_to(person.household)
        messages.success(request, _("Key groups of %(name)s saved.") % {"name": person.name})
        return redirect(person.household)
    return render(request, "fieldwork/person_groups.html", {"form": form, "person": person})


def notes_page(request, *, notes, may_write, save, context):
    """The notes page of a person or a contact: the history, and a form starting from the latest
    view for those who write notes. `save(note)` adds the note through its service."""
    latest = notes[0] if notes else None
    form = None
    if may_write:
        initial_note = (
            PersonNote(
                attitude=latest.attitude,
                influence=latest.influence,
                interests=latest.interests,
                motives=latest.motives,
                backbone=latest.backbone,
            )
            if latest
            else PersonNote()
        )
        form = PersonNoteForm(request.POST or None, instance=initial_note)
        if request.method == "POST" and form.is_valid():
            note = PersonNote(**{f: form.cleaned_data[f] for f in PersonNoteForm.Meta.fields})
            try:
                with saved_once(form) as receipt:
                    save(note)
                    receipt.leads_to(request.path)
            except ValidationError as error:
                form_with_service_errors(form, error)
            else:
                messages.success(request, _("Note saved."))
                return redirect(request.path)
    elif request.method == "POST":
        raise PermissionDenied
    return render(request, "fieldwork/person_notes.html", {**context, "notes": notes, "form": form})


@login_required
def person_notes(request, pk):
    person, notes = selectors.person_notes_get(user=request.user, pk=pk)
    return notes_page(
        request,
        notes=notes,
        may_write=permissions.holds(request.user, Capability.WRITE_PEOPLE_NOTES, person.area_code),
        save=lambda note: services.person_note_add(by=request.user, person=person, note=note),
        context={
            "name": person.name,
            "back": person.household.get_absolute_url(),
            "back_label": _("Household %(number)s") % {"number": person.household.number},
            "place": person.household.village.display_name,
        },
    )


@login_required
def contact_notes(request, pk):
    contact, notes = selectors.contact_notes_get(user=request.user, pk=pk)
    return notes_page(
        request,
        notes=notes,
        may_write=permissions.holds_anywhere(request.user, Capability.WRITE_PEOPLE_NOTES),
        save=lambda note: services.contact_note_add(by=request.user, contact=contact, note=note),
        context={
            "name": contact.name,
            "back": contact.get_absolute_url(),
            "back_label": _("Directory"),
            "place": contact.organisation or contact.area.display_name,
        },
    )


@login_required
def contact_notes_summary(request, pk):
    """The latest note on a contact, as a fragment the directory's contact page loads with htmx
    (directory imports nothing from fieldwork); 404 for those who may not see notes, so the page
    simply shows nothing there."""
    contact, notes = selectors.contact_notes_get(user=request.user, pk=pk)
    context = {"contact": contact, "latest": notes[0] if notes else None}
    return render(request, "fieldwork/_contact_notes_summary.html", context)


# Diary and attendance


@login_required
@kept_offline
def diary_month(request):
    villages = selectors.member_villages(user=request.user)
    if not villages.exists():
        raise Http404
    month = month_from(request.GET.get("month"))
    days = selectors.diary_month(member=request.user, month=month)
    context = {
        "month": month,
        "days": days,
        "in_village": sum(1 for d in days if d.presence == Presence.IN_VILLAGE),
        "required": selectors.required_days(village_code=villages[0].code),
        "previous": (month - datetime.timedelta(days=1)).strftime("%Y-%m"),
        "next": (month + datetime.timedelta(days=32)).strftime("%Y-%m"),
        "today": timezone.localdate(),
    }
    return render(request, "fieldwork/diary_month.html", context)


@login_required
@kept_offline
def diary_edit(request, day):
    villages = selectors.member_villages(user=request.user)
    if not villages.exists():
        raise Http404
    try:
        date = datetime.date.fromisoformat(day)
    except ValueError:
        raise Http404 from None
    if request.method == "POST":
        key_refuse_sent(request, kind="diary_day", leads_to=diary_page)
    entry = selectors.diary_day_get(member=request.user, day=date) or DiaryDay(
        member=request.user, day=date
    )
    form = DiaryForm(
        request.POST or None,
        request.FILES or None,
        instance=entry,
        villages=villages,
        initial={"village": villages.first()} if entry.pk is None else None,
    )
    if request.method == "POST" and form.is_valid():
        uploads = request.FILES.getlist("photos")
        new = entry.pk is None

        def write():
            return services.diary_save(
                by=request.user,
                entry=form.instance,
                photos=uploads,
                photo_key=offline_key_of(request.POST) or "",
            )

        try:
            with saved_once(form) as receipt:
                if new:
                    saved = made_once_per_key(
                        request, kind="diary_day", write=write, leads_to=diary_page
                    )
                else:
                    saved = write()
                receipt.leads_to(diary_page(saved))
        except ValidationError as error:
            form_with_service_errors(form, error)
        else:
            messages.success(request, _("Diary saved."))
            return redirect(reverse("fieldwork:diary") + f"?month={date:%Y-%m}")
    context = {
        "form": form,
        "entry": entry,
        "day": date,
        "visits": selectors.day_visits(member=request.user, day=date),
    }
    return render(request, "fieldwork/diary_form.html", context)


@login_required
def diary_photo(request, pk):
    photo = selectors.diary_photo_get(user=request.user, pk=pk)
    return photo_response(photo.image)


def supervised(request):
    """Attendance is for supervisors: 404 for anyone who supervises no area."""
    if not permissions.holds_anywhere(request.user, Capability.SUPERVISE):
        raise Http404


@login_required
def attendance(request):
    supervised(request)
    month = month_from(request.GET.get("month"))
    rows, pager = paging.numbered_page(
        request,
        selectors.attendance_month(user=request.user, month=month),
        param="page",
        size=ATTENDANCE_PER_PAGE,
    )
    context = {
        "month": month,
        "rows": rows,
        "page": rows,
        "pager": pager,
        "previous": (month - datetime.timedelta(days=1)).strftime("%Y-%m"),
        "next": (month + datetime.timedelta(days=32)).strftime("%Y-%m"),
    }
    return render(request, "fieldwork/attendance.html", context)


@login_required
def attendance_export(request):
    supervised(request)
    month = month_from(request.GET.get("month"))
    rows = selectors.attendance_month(user=request.user, month=month)
    # Team members' names and presence, no numbers: recorded and watermarked all the same.
    stamp = audit.export_stamp(user=request.user)
    content = exports.attendance_workbook(rows=rows, month=month, stamp=stamp)
    audit.export_record(
        stamp=stamp,
        request=request,
        what="fieldwork.attendance",
        area_code="",
        file_format="xlsx",
        rows=len(rows),
        masked=True,
        extra={"month": f"{month:%Y-%m}"},
    )
    return download(content, filename=f"attendance-{month:%Y-%m}.xlsx")


@login_required
def member_diary(request, member_id):
    supervised(request)
    month = month_from(request.GET.get("month"))
    member, days = selectors.member_diary_get(user=request.user, member_id=member_id, month=month)
    return render(
        request,
        "fieldwork/member_diary.html",
        {"member": member, "days": days, "month": month},
    )
