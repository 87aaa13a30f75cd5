"""The gap report: who meets a policy's rule but is not enrolled and who is enrolled but does not
meet it, per village or rolled up over an area; its export; and the two things done with a line
(mark it checked, refer it to fieldwork)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from villagedesk.accounts import permissions
from villagedesk.accounts.permissions import Capability
from villagedesk.audit import services as audit
from villagedesk.audit.watermark import table_xlsx_watermarked
from villagedesk.core.converters import number_or_404
from villagedesk.core.spreadsheets import download
from villagedesk.registry import selectors as registry_selectors
from villagedesk.welfare import exports, selectors, services
from villagedesk.welfare.codes import GapKind
from villagedesk.welfare.forms import GapCheckForm, GapReferForm
from villagedesk.welfare.rules import RuleError
from villagedesk.welfare.rules.dates import IncomeWindow
from villagedesk.welfare.views.request_values import report_day
from villagedesk.welfare.views.service_errors import errors_as_messages


def gap_context(request):
    """The policy, area and day a gap page asks for (the area one the user sees)."""
    policy = selectors.policy_get(code=request.GET.get("policy") or "dibao")
    area = selectors.report_area(user=request.user, code=request.GET.get("area", ""))
    return policy, area, report_day(request)


@login_required
def gap_report(request):
    policy, area, day = gap_context(request)
    context = {
        "policy": policy,
        "area": area,
        "day": day,
        "window": IncomeWindow(day),
        "policies": selectors.policy_list(),
        "year": day.year,
        "query": urlencode({"policy": policy.code, "area": area.code, "year": day.year}),
        "kinds": GapKind,
        "villages": permissions.village_list(request.user),
    }
    try:
        if area.is_village:
            lines = selectors.gap_lines(user=request.user, policy=policy, area=area, day=day)
            context["missing"] = [x for x in lines if x.kind == GapKind.ELIGIBLE_NOT_ENROLLED]
            context["wrong"] = [x for x in lines if x.kind == GapKind.ENROLLED_NOT_ELIGIBLE]
            context["may_check"] = permissions.holds(
                request.user, Capability.KEEP_REGISTRY, area.code
            )
            context["may_refer"] = permissions.holds(
                request.user, Capability.RECORD_FIELDWORK, area.code
            )
        else:
            rollup = selectors.gap_rollup_shown(
                user=request.user, policy=policy, area=area, day=day
            )
            context["rollup"], context["stored"] = rollup.rows, rollup.stored
    except RuleError as error:
        context["error"] = str(error)
    return render(request, "welfare/gap_report.html", context)


@login_required
def gap_export(request):
    """The report as a spreadsheet: a village's lines, or the roll-up as the report shows it
    (from the stored figures over a large area, with their time)."""
    policy, area, day = gap_context(request)
    report = reverse("welfare:gap-report") + "?" + request.GET.urlencode()
    try:
        if area.is_village:
            header, rows = exports.gap_lines_table(
                selectors.gap_lines(user=request.user, policy=policy, area=area, day=day)
            )
        else:
            rollup = selectors.gap_rollup_shown(
                user=request.user, policy=policy, area=area, day=day
            )
            if rollup.stored is not None and not rollup.stored.computed:
                messages.info(
                    request,
                    _(
                        "The figures of this area are being computed in the background: "
                        "export them again in a moment."
                    ),
                )
                return redirect(report)
            header, rows = exports.gap_rollup_table(rollup.rows, stored=rollup.stored)
    except RuleError as error:
        messages.error(request, str(error))
        return redirect(report)
    # Names of persons and households, no numbers: an audited export all the same.
    stamp = audit.export_stamp(user=request.user)
    content = table_xlsx_watermarked(header=header, rows=rows, stamp=stamp)
    audit.export_record(
        stamp=stamp,
        request=request,
        what="welfare.gap_lines" if area.is_village else "welfare.gap_rollup",
        area_code=area.code,
        file_format="xlsx",
        rows=len(rows),
        masked=True,
        extra={"policy": policy.code, "year": day.year},
    )
    return download(content, filename=f"gaps-{policy.code}-{area.code}-{day.year}.xlsx")


def gap_subject(request):
    """The gap line a form names, in the user's areas (404 outside them), and the report to go
    back to. What the line says is explained afresh, never taken from the form."""
    policy = selectors.policy_get(code=request.POST.get("policy", ""))
    household = registry_selectors.household_get(
        user=request.user, pk=number_or_404(request.POST.get("household"))
    )
    person = None
    if request.POST.get("person"):
        person = registry_selectors.person_get(
            user=request.user, pk=number_or_404(request.POST.get("person"))
        )
        if person.household_id != household.pk:
            raise Http404
    kind = request.POST.get("kind")
    if kind not in GapKind.values:
        raise Http404
    day = report_day(request)
    back = (
        reverse("welfare:gap-report")
        + "?"
        + urlencode({"policy": policy.code, "area": household.area_code, "year": day.year})
    )
    return policy, household, person, kind, day, back


@login_required
@require_POST
def gap_check(request):
    """Mark a line checked. The fingerprint is recomputed here, never taken from the form."""
    policy, household, person, kind, day, back = gap_subject(request)
    form = GapCheckForm(request.POST)
    with errors_as_messages(request):
        explanation = selectors.gap_explanation(
            user=request.user, policy=policy, household=household, person=person, day=day
        )
        if not form.is_valid():
            raise ValidationError(form.errors["reason"])
        services.gap_check(
            by=request.user,
            policy=policy,
            household=household,
            person=person,
            kind=kind,
            reason=form.cleaned_data["reason"],
            fingerprint=explanation.fingerprint,
            rule=policy.rule_on(day, household.village),
        )
        messages.success(request, _("Marked as checked."))
    return redirect(back)


@login_required
@require_POST
def gap_refer(request):
    """Turn a line into a fieldwork problem, or with a due date into a follow-up."""
    policy, household, person, kind, day, back = gap_subject(request)
    form = GapReferForm(request.POST)
    with errors_as_messages(request, refused=_("You do not record problems in this village.")):
        explanation = selectors.gap_explanation(
            user=request.user, policy=policy, household=household, person=person, day=day
        )
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        problem = services.gap_refer(
            by=request.user,
            policy=policy,
            household=household,
            person=person,
            kind=kind,
            explanation=explanation,
            due_on=form.cleaned_data["due_on"] if form.cleaned_data["follow_up"] else None,
        )
        messages.success(request, _("Problem recorded: %(title)s") % {"title": problem.title})
    return redirect(back)
