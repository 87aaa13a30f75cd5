import datetime
import io
import json

import xlsxwriter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from python_calamine import CalamineWorkbook

from villagedesk.areas.models import Level
from villagedesk.fieldwork.services import may_record
from villagedesk.registry import selectors as registry_selectors
from villagedesk.core.masking import mask_phone
from villagedesk.registry.models import Household, Person
from villagedesk.registry.selectors import household_by_number
from villagedesk.registry.services import may_edit
from villagedesk.welfare import monitoring as monitoring_
from villagedesk.welfare import poverty, selectors, services
from villagedesk.welfare.catalogue import PARAMETERS
from villagedesk.welfare.codes import BenefitUnit, GapKind, MeasureKind, RiskType, Step
from villagedesk.welfare.forms import (
    EnrolmentForm,
    EnrolmentImportForm,
    GapCheckForm,
    GapReferForm,
    HelperForm,
    IncomeForm,
    MeasureForm,
    MonitoredEditForm,
    MonitoredForm,
    ParameterForm,
    RuleForm,
    StepForm,
)
from villagedesk.welfare.models import Measure, MonitoredHousehold, Parameter, ProcedureStep
from villagedesk.welfare.rules import (
    Context,
    RuleError,
    compile_rule,
    describe,
    explain_rows,
    field_catalogue,
)


def report_day(request) -> datetime.date:
    """The day a report is taken on: today in the current year, else the year's last day."""
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year") or today.year)
    except ValueError:
        year = today.year
    if not 2000 <= year <= today.year + 1:
        year = today.year
    return today if year == today.year else datetime.date(year, 12, 31)


def xlsx_response(filename: str, header: list[str], rows: list[list]) -> HttpResponse:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    bold = book.add_format({"bold": True})
    sheet.write_row(0, 0, header, bold)
    for i, row in enumerate(rows, start=1):
        sheet.write_row(i, 0, [str(v) if v is not None else "" for v in row])
    sheet.set_column(0, len(header) - 1, 18)
    book.close()
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def policy_list(request):
    day = report_day(request)
    policies = []
    for policy in selectors.policy_list():
        rule = policy.rule_on(day)
        fields = field_catalogue(services.subject_of(policy))
        policies.append((policy, rule, describe(rule.definition, fields) if rule else ""))
    care = selectors.policy_list(care=True)
    keeps_rules = request.user.is_superuser or bool(
        request.user.assigned_prefixes(services.RULE_ROLES)
    )
    return render(
        request,
        "welfare/policy_list.html",
        {"policies": policies, "care": care, "day": day, "keeps_rules": keeps_rules},
    )


def gap_context(request):
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
        "policies": selectors.policy_list(),
        "year": day.year,
        "query": urlencode({"policy": policy.code, "area": area.code, "year": day.year}),
        "kinds": GapKind,
        "villages": registry_selectors.village_list(user=request.user),
    }
    try:
        if area.level == Level.VILLAGE:
            lines = selectors.gap_lines(user=request.user, policy=policy, area=area, day=day)
            context["missing"] = [x for x in lines if x.kind == GapKind.ELIGIBLE_NOT_ENROLLED]
            context["wrong"] = [x for x in lines if x.kind == GapKind.ENROLLED_NOT_ELIGIBLE]
            context["may_check"] = may_edit(request.user, area.code)
            context["may_refer"] = may_record(request.user, area.code)
        else:
            context["rollup"] = selectors.gap_rollup(policy=policy, area=area, day=day)
    except RuleError as error:
        context["error"] = str(error)
    return render(request, "welfare/gap_report.html", context)


@login_required
def gap_export(request):
    policy, area, day = gap_context(request)
    try:
        if area.level == Level.VILLAGE:
            lines = selectors.gap_lines(user=request.user, policy=policy, area=area, day=day)
            header = [
                _("gap"),
                _("village"),
                _("household number"),
                _("person"),
                _("conditions not met"),
                _("checked"),
            ]
            rows = [
                [
                    GapKind(x.kind).label,
                    x.household.village.name,
                    x.household.number,
                    x.person.name if x.person else "",
                    "; ".join(f"{f.text} ({f.value})" for f in x.failing),
                    x.check.reason if x.check else "",
                ]
                for x in lines
            ]
        else:
            header = [
                _("village"),
                _("eligible"),
                GapKind.ELIGIBLE_NOT_ENROLLED.label,
                GapKind.ENROLLED_NOT_ELIGIBLE.label,
            ]
            rows = [
                [r.area.name, r.eligible, r.not_enrolled, r.not_eligible]
                for r in selectors.gap_rollup(policy=policy, area=area, day=day)
            ]
    except RuleError as error:
        messages.error(request, str(error))
        return redirect(reverse("welfare:gap-report") + "?" + request.GET.urlencode())
    return xlsx_response(
        f"gaps-{policy.code}-{area.code}-{day.year}.xlsx", [str(h) for h in header], rows
    )


def gap_subject(request):
    """The gap line a form names, in the user's areas, explained afresh (never trusting the
    form for what the line says)."""
    policy = selectors.policy_get(code=request.POST.get("policy", ""))
    household = registry_selectors.household_get(
        user=request.user, pk=_int(request.POST.get("household"))
    )
    person = None
    if request.POST.get("person"):
        person = registry_selectors.person_get(
            user=request.user, pk=_int(request.POST.get("person"))
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


def gap_explanation(*, policy, household, person, day):
    compiled = selectors.policy_compiled(policy=policy, area=household.village, day=day)
    subject = (
        Person.objects.filter(pk=person.pk) if person else Household.objects.filter(pk=household.pk)
    )
    return explain_rows(compiled, subject)[(person or household).pk]


@login_required
@require_POST
def gap_check(request):
    """Mark a line checked. The fingerprint is recomputed here, never taken from the form."""
    policy, household, person, kind, day, back = gap_subject(request)
    form = GapCheckForm(request.POST)
    try:
        explanation = gap_explanation(policy=policy, household=household, person=person, day=day)
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
        )
    except (ValidationError, RuleError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("Marked as checked."))
    return redirect(back)


@login_required
@require_POST
def gap_refer(request):
    """Turn a line into a fieldwork problem, or with a due date into a follow-up."""
    policy, household, person, kind, day, back = gap_subject(request)
    form = GapReferForm(request.POST)
    try:
        explanation = gap_explanation(policy=policy, household=household, person=person, day=day)
        if explanation.eligible != (kind == GapKind.ELIGIBLE_NOT_ENROLLED):
            raise ValidationError(_("This line is no longer in the gap report."))
        if not form.is_valid():
            raise ValidationError([e for errors in form.errors.values() for e in errors])
        failing = [
            (
                _("%(condition)s: %(value)s (standard %(standard)s)")
                if line.expected
                else "%(condition)s: %(value)s"
            )
            % {"condition": line.text, "value": line.value, "standard": line.expected}
            for line in explanation.lines
            if line.outcome is not True and line.value != ""
        ]
        problem = services.gap_refer(
            by=request.user,
            policy=policy,
            household=household,
            person=person,
            kind=kind,
            failing=failing,
            due_on=form.cleaned_data["due_on"] if form.cleaned_data["follow_up"] else None,
        )
    except PermissionDenied:
        messages.error(request, _("You do not record problems in this village."))
    except (ValidationError, RuleError) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, _("Problem recorded: %(title)s") % {"title": problem.title})
    return redirect(back)


def _int(text) -> int:
    try:
        return int(text)
    except (TypeError, ValueError):
        raise Http404 from None


@login_required
def household_explain(request, pk):
    household = registry_selectors.household_get(user=request.user, pk=pk)
    day = report_day(request)
    results = selectors.household_explanations(user=request.user, household=household, day=day)
    helper = selectors.helper_history(household=household).filter(ends_on__isnull=True).first()
    if helper:
        reveal = request.user.may_reveal(household.area_code)
        helper.phone_shown = helper.phone if reveal else mask_phone(helper.phone)
    return render(
        request,
        "welfare/household_explain.html",
        {
            "household": household,
            "results": results,
            "day": day,
            "focus": request.GET.get("policy", ""),
            "kinds": GapKind,
            "helper": helper,
        },
    )


@login_required
def enrolment_list(request):
    enrolments = selectors.enrolment_list(user=request.user)[:500]
    return render(request, "welfare/enrolment_list.html", {"enrolments": enrolments})


@login_required
def enrolment_create(request):
    form = EnrolmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        household = household_by_number(
            user=request.user, village_code=data["village"], number=data["household_number"]
        )
        if household is None:
            form.add_error("household_number", _("No household with this number in this village."))
        else:
            enrolment = form.instance
            enrolment.household = household
            if data["id_number"]:
                enrolment.person = household.members.filter(
                    id_number=data["id_number"].upper()
                ).first()
                if enrolment.person is None:
                    form.add_error("id_number", _("No member of this household has this number."))
            if not form.errors:
                try:
                    services.enrolment_create(by=request.user, enrolment=enrolment)
                except PermissionDenied:
                    form.add_error(None, _("You do not keep this household's village."))
                except ValidationError as error:
                    form.add_error(None, error)
                else:
                    messages.success(request, _("Enrolment saved."))
                    return redirect("welfare:enrolment-list")
    return render(request, "welfare/enrolment_form.html", {"form": form})


def read_xlsx(upload) -> list[dict]:
    sheet = CalamineWorkbook.from_filelike(upload).get_sheet_by_index(0).to_python()
    if not sheet:
        return []
    header = [str(h).strip() for h in sheet[0]]
    return [
        dict(zip(header, row, strict=False))
        for row in sheet[1:]
        if any(v not in ("", None) for v in row)
    ]


@login_required
def enrolment_import(request):
    form = EnrolmentImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            rows = read_xlsx(form.cleaned_data["file"])
        except Exception:  # noqa: BLE001 -- any unreadable upload gets the same message
            form.add_error("file", _("This file cannot be read as .xlsx."))
        else:
            created, errors = services.enrolment_import(
                by=request.user, policy=form.cleaned_data["policy"], rows=rows
            )
            if not errors:
                messages.success(request, _("%(n)s enrolments imported.") % {"n": created})
                return redirect("welfare:enrolment-list")
    return render(request, "welfare/enrolment_import.html", {"form": form, "errors": errors})


@login_required
def care_list(request, code):
    policy = selectors.policy_get(code=code)
    if policy.category != "care":
        raise Http404
    area = selectors.report_area(user=request.user, code=request.GET.get("area", ""))
    day = report_day(request)
    error, persons = "", []
    try:
        persons = list(selectors.care_list(policy=policy, area=area, day=day)[:1000])
    except RuleError as exc:
        error = str(exc)
    for person in persons:
        if not request.user.may_reveal(person.household.area_code):
            person.helper_phone = mask_phone(person.helper_phone or "")
    if request.GET.get("format") == "xlsx":
        header = [
            _("village"),
            _("household number"),
            _("name"),
            _("age"),
            _("helper"),
            _("unit"),
            _("phone"),
            _("last visit"),
        ]
        rows = [
            [p.household.village.name, p.household.number, p.name, p.age_on(day)]
            + [p.helper_name, p.helper_unit, p.helper_phone, p.last_visit]
            for p in persons
        ]
        return xlsx_response(f"{code}-{area.code}.xlsx", [str(h) for h in header], rows)
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
            "villages": registry_selectors.village_list(user=request.user),
        },
    )


@login_required
def poverty_status(request):
    area = selectors.report_area(user=request.user, code=request.GET.get("area", ""))
    day = report_day(request)
    context = {
        "area": area,
        "day": day,
        "checks": poverty.EXIT_CHECKS,
        "villages": registry_selectors.village_list(user=request.user),
    }
    try:
        threshold = (
            Parameter.objects.filter(
                name="exit_incidence_percent", year=day.year, area_prefix__in=_prefixes(area.code)
            )
            .order_by("-area_prefix")
            .values_list("value", flat=True)
            .first()
        )
        context["threshold"] = threshold
        context["figures"] = poverty.village_figures(
            area=area, day=day, threshold_percent=float(threshold or 0)
        )
        if area.level == Level.VILLAGE:
            households = Household.objects.filter(area_code=area.code).exclude(status="not_poor")
            context["rows"] = poverty.household_status_rows(
                area=area, day=day, households=households
            )
    except RuleError as error:
        context["error"] = str(error)
    return render(request, "welfare/poverty_status.html", context)


def _prefixes(code: str) -> list[str]:
    return [code[:n] for n in (2, 4, 6, 9, 12)]


@login_required
def rule_edit(request, code):
    policy = selectors.policy_get(code=code)
    if not (request.user.is_superuser or request.user.assigned_prefixes(services.RULE_ROLES)):
        raise PermissionDenied
    current = policy.rules.order_by("-version").first()
    initial = {
        "definition": json.dumps(current.definition, ensure_ascii=False, indent=2)
        if current
        else "{}"
    }
    form = RuleForm(request.POST or None, request.FILES or None, initial=initial)
    preview = None
    if request.method == "POST" and form.is_valid():
        definition = form.cleaned_data["definition"]
        day = form.cleaned_data["effective_from"]
        area = selectors.report_area(user=request.user)
        try:
            services.rule_check(policy=policy, definition=definition)
            compiled = compile_rule(
                definition,
                name=policy.code,
                subject=services.subject_of(policy),
                context=Context(area=area, day=day),
            )
            preview = compiled.queryset().count()
            if "save" in request.POST:
                rule = services.rule_save(
                    by=request.user, policy=policy, definition=definition, effective_from=day
                )
                messages.success(request, _("Version %(v)s saved.") % {"v": rule.version})
                return redirect("welfare:rule-edit", code=policy.code)
        except (ValidationError, RuleError) as error:
            form.add_error("definition", getattr(error, "messages", [str(error)]))
    if request.GET.get("format") == "json" and current:
        response = HttpResponse(
            json.dumps(current.definition, ensure_ascii=False, indent=2),
            content_type="application/json",
        )
        response["Content-Disposition"] = (
            f'attachment; filename="{policy.code}-v{current.version}.json"'
        )
        return response
    return render(
        request,
        "welfare/rule_edit.html",
        {
            "policy": policy,
            "form": form,
            "preview": preview,
            "versions": policy.rules.all(),
            "unit": BenefitUnit(policy.benefit_unit).label,
        },
    )


@login_required
def parameter_list(request):
    """Local figures per area and year, set by administrators and county supervisors; the
    year's values of their areas and the areas above, and the latest changes."""
    areas = services.parameter_areas(by=request.user)
    if not areas.exists():
        raise PermissionDenied
    day = report_day(request)
    names = {name: label for name, label in PARAMETERS.items()}
    for name in Parameter.objects.values_list("name", flat=True).distinct():
        names.setdefault(name, name)
    form = ParameterForm(
        request.POST or None,
        areas=areas,
        names=names,
        initial={"year": day.year, "area": areas.order_by("level", "code").first()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.parameter_set(
                by=request.user,
                name=data["name"],
                area=data["area"],
                year=data["year"],
                value=data["value"],
                note=data["note"],
            )
        except PermissionDenied:
            form.add_error("area", _("You do not set parameters for this area."))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Parameter saved."))
            return redirect(reverse("welfare:parameter-list") + f"?year={data['year']}")
    codes = set(areas.values_list("code", flat=True))
    above = {code[:n].ljust(12, "0") for code in codes for n in (2, 4, 6, 9)}
    shown = Parameter.objects.filter(area__code__in=codes | above).select_related("area")
    history = (
        Parameter.history.filter(area__code__in=codes | above)
        .select_related("history_user", "area")
        .order_by("-history_date")[:30]
    )
    parameters = list(shown.filter(year=day.year).order_by("name", "area__code"))
    for parameter in parameters:
        parameter.label = names.get(parameter.name, parameter.name)
    return render(
        request,
        "welfare/parameter_list.html",
        {"form": form, "day": day, "parameters": parameters, "history": history},
    )


@login_required
def monitoring(request):
    area = selectors.report_area(user=request.user, code=request.GET.get("area", ""))
    day = report_day(request)
    cases = [
        c
        for c in monitoring_.monitored_list(user=request.user, year=day.year)
        if c.area_code.startswith(area.prefix)
    ]
    context = {
        "area": area,
        "day": day,
        "cases": cases,
        "villages": registry_selectors.village_list(user=request.user),
        "overdue": monitoring_.overdue_cases(cases=cases, day=day),
        "missing_measures": monitoring_.without_developmental_measure(
            area=area, cases=cases, day=day
        ),
    }
    try:
        context["unmonitored"] = list(monitoring_.meeting_not_monitored(area=area, day=day)[:500])
    except RuleError as error:
        context["error"] = str(error)
    if request.GET.get("notice") and area.level == Level.VILLAGE:
        context["notice"] = monitoring_.public_notice(
            cases=[c for c in cases if not c.risk_eliminated_on], day=day
        )
        context["notice_days"] = monitoring_.resolved(
            monitoring_.parameter_values(name="notice_days", area=area, year=day.year), area.code
        )
        return render(request, "welfare/monitoring_notice.html", context)
    return render(request, "welfare/monitoring.html", context)


@login_required
def monitored_create(request):
    form = MonitoredForm(request.POST or None, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        household = household_by_number(
            user=request.user, village_code=data["village"], number=data["household_number"]
        )
        if household is None:
            form.add_error("household_number", _("No household with this number in this village."))
        else:
            case = form.instance
            case.household = household
            case.risk_types = data["risk_types"]
            try:
                monitoring_.monitored_create(by=request.user, monitored=case)
            except PermissionDenied:
                form.add_error(None, _("You do not keep this household's village."))
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("Monitoring case opened."))
                return redirect("welfare:monitored-detail", pk=case.pk)
    return render(request, "welfare/monitored_form.html", {"form": form})


def monitored_get(user, pk) -> MonitoredHousehold:
    case = (
        MonitoredHousehold.objects.within(user.area_prefixes())
        .select_related("household", "household__village")
        .filter(pk=pk)
        .first()
    )
    if case is None:
        raise Http404
    return case


def case_history(case: MonitoredHousehold) -> list[dict]:
    """The case's changes, newest first: the case itself, its steps and its measures."""
    verbs = {"+": _("added"), "~": _("changed"), "-": _("withdrawn")}
    entries = []
    for record in case.history.select_related("history_user"):
        changed = ""
        if record.history_type == "~" and record.prev_record:
            fields = record.diff_against(record.prev_record).changed_fields
            changed = ", ".join(
                str(MonitoredHousehold._meta.get_field(f).verbose_name) for f in fields
            )
        entries.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "what": _("Case %(verb)s") % {"verb": verbs[record.history_type]},
                "detail": changed,
            }
        )
    steps = ProcedureStep.history.filter(monitored_id=case.pk).select_related("history_user")
    for record in steps:
        entries.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "what": _("Step %(verb)s") % {"verb": verbs[record.history_type]},
                "detail": f"{Step(record.step).label} {record.done_on:%Y-%m-%d}",
            }
        )
    measures = Measure.history.filter(monitored_id=case.pk).select_related("history_user")
    for record in measures:
        entries.append(
            {
                "when": record.history_date,
                "who": record.history_user,
                "what": _("Measure %(verb)s") % {"verb": verbs[record.history_type]},
                "detail": f"{MeasureKind(record.kind).label} {record.started_on:%Y-%m-%d}",
            }
        )
    return sorted(entries, key=lambda e: e["when"], reverse=True)


@login_required
def monitored_detail(request, pk):
    case = monitored_get(request.user, pk)
    step_form = StepForm(request.POST if "step" in request.POST else None)
    measure_form = MeasureForm(request.POST if "kind" in request.POST else None)
    if request.method == "POST":
        try:
            if "step" in request.POST and step_form.is_valid():
                monitoring_.step_record(
                    by=request.user,
                    monitored=case,
                    step=step_form.cleaned_data["step"],
                    done_on=step_form.cleaned_data["done_on"],
                )
            elif "kind" in request.POST and measure_form.is_valid():
                monitoring_.measure_add(
                    by=request.user, monitored=case, measure=measure_form.instance
                )
            elif "redate" in request.POST:
                record = case.steps.filter(pk=_int(request.POST["redate"])).first()
                done_on = parse_date(request.POST.get("done_on", "") or "")
                if record is None or done_on is None:
                    raise ValidationError(_("Give the step's new date."))
                monitoring_.step_redate(by=request.user, record=record, done_on=done_on)
            elif "withdraw" in request.POST:
                record = case.steps.filter(pk=_int(request.POST["withdraw"])).first()
                if record is None:
                    raise Http404
                monitoring_.step_remove(by=request.user, record=record)
            elif "remove_measure" in request.POST:
                measure = case.measures.filter(pk=_int(request.POST["remove_measure"])).first()
                if measure is None:
                    raise Http404
                monitoring_.measure_remove(by=request.user, measure=measure)
            elif "eliminate" in request.POST:
                monitoring_.risk_eliminate(
                    by=request.user, monitored=case, day=timezone.localdate()
                )
            else:
                raise ValidationError(_("Check the form."))
        except PermissionDenied:
            messages.error(request, _("You do not keep this household's village."))
        except (ValidationError, RuleError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        except ValueError:
            messages.error(request, _("Give the step's new date."))
        else:
            messages.success(request, _("Saved."))
            return redirect("welfare:monitored-detail", pk=case.pk)
    return render(
        request,
        "welfare/monitored_detail.html",
        {
            "case": case,
            "steps": case.steps.all(),
            "measures": case.measures.all(),
            "step_form": step_form,
            "measure_form": measure_form,
            "risk_labels": [RiskType(r).label for r in case.risk_types if r in RiskType.values],
            "history": case_history(case),
        },
    )


@login_required
def monitored_edit(request, pk):
    """Edit an open case: category, risk types, how it was found, first lead and consent."""
    case = monitored_get(request.user, pk)
    form = MonitoredEditForm(
        request.POST or None, instance=case, initial={"risk_types": case.risk_types}
    )
    if request.method == "POST" and form.is_valid():
        case.risk_types = form.cleaned_data["risk_types"]
        try:
            monitoring_.monitored_update(by=request.user, monitored=case)
        except PermissionDenied:
            form.add_error(None, _("You do not keep this household's village."))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("welfare:monitored-detail", pk=case.pk)
    return render(request, "welfare/monitored_edit.html", {"case": case, "form": form})


@login_required
def helper_edit(request, pk):
    """Name or change the household's helper; earlier helpers stay listed with their dates."""
    household = registry_selectors.household_get(user=request.user, pk=pk)
    helpers = list(selectors.helper_history(household=household))
    current = next((h for h in helpers if h.ends_on is None), None)
    initial = {"starts_on": timezone.localdate()}
    if current:
        initial.update(name=current.name, unit=current.unit, phone=current.phone)
    form = HelperForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.helper_set(by=request.user, household=household, **form.cleaned_data)
        except PermissionDenied:
            form.add_error(None, _("You do not keep this household's village."))
        except ValidationError as error:
            form.add_error("phone" if getattr(error, "code", "") == "phone" else None, error)
        else:
            messages.success(request, _("Helper saved."))
            return redirect("welfare:household-explain", household.pk)
    reveal = request.user.may_reveal(household.area_code)
    for helper in helpers:
        helper.phone_shown = helper.phone if reveal else mask_phone(helper.phone)
    return render(
        request,
        "welfare/helper_form.html",
        {"household": household, "form": form, "helpers": helpers},
    )


@login_required
def income_edit(request, pk):
    household = registry_selectors.household_get(user=request.user, pk=pk)
    day = report_day(request)
    lines = dict(household.income_lines.filter(year=day.year).values_list("kind", "amount"))
    form = IncomeForm(request.POST or None, initial=lines)
    if request.method == "POST" and form.is_valid():
        try:
            services.income_set(
                by=request.user, household=household, year=day.year, amounts=form.cleaned_data
            )
        except PermissionDenied:
            form.add_error(None, _("You do not keep this household's village."))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Income saved."))
            return redirect(
                reverse("welfare:household-explain", args=[household.pk]) + f"?year={day.year}"
            )
    return render(
        request, "welfare/income_form.html", {"household": household, "form": form, "day": day}
    )
