"""Import pages: upload, preview with mapping and errors, progress, report."""

import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from villagedesk.accounts import permissions
from villagedesk.accounts.permissions import Capability
from villagedesk.core.codelists import fold
from villagedesk.core.concurrency import saved_once
from villagedesk.core.spreadsheets import download
from villagedesk.registry.exports import LEDGERS, ledger_export_audited
from villagedesk.registry.import_forms import (
    ImportUploadForm,
    LedgerExportForm,
    LoadForm,
    MappingForm,
)
from villagedesk.registry.imports import jobs
from villagedesk.registry.imports.engine import blank_column_key
from villagedesk.registry.imports.messages import column_shown, unread_line, value_shown
from villagedesk.registry.imports.messages import render as render_issue
from villagedesk.registry.imports.preview import preview_shown
from villagedesk.registry.imports.template import accepted_headers, example_village
from villagedesk.registry.imports.template import import_template as template_xlsx
from villagedesk.registry.models import ImportJob


def shown_issues(job: ImportJob) -> list[dict]:
    """The issues kept on the job, with the column as the sheet shows it (letters and header)
    and the message in the user's language; the numbers they quote masked (the engine masks
    them, and a job kept from before it did is shown alike)."""
    shown = []
    for kept in job.issues:
        issue = {**kept, "value": value_shown(kept["field"], kept["value"])}
        message = render_issue(**{k: issue[k] for k in ("code", "field", "value", "param")})
        shown.append({**issue, "shown_column": column_shown(issue), "message": message})
    return shown


def mapping_form_of(job: ImportJob, data=None) -> MappingForm:
    """The columns of the job's file, each with the field it is read as."""
    return MappingForm(
        data,
        headers=job.counts.get("headers", []),
        blank_columns=job.counts.get("blank_columns", []),
        columns=job.columns,
    )


@login_required
def import_start(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        mapping = form.cleaned_data["mapping"]
        try:
            with saved_once(form) as receipt:
                job = jobs.import_check(
                    by=request.user,
                    area=form.cleaned_data["area"],
                    upload=form.cleaned_data["file"],
                    columns=mapping.columns if mapping else None,
                )
                receipt.leads_to("registry:import-detail", pk=job.pk)
        except PermissionDenied:
            form.add_error("area", _("You do not keep the registry of this area."))
        else:
            return redirect("registry:import-detail", pk=job.pk)
    recent = jobs.import_job_list(user=request.user)
    headers = accepted_headers()
    context = {
        "form": form,
        "recent": recent,
        "header_groups": [
            (_("The household's columns"), [h for h in headers if h["household"]]),
            (_("Each member's columns"), [h for h in headers if not h["household"]]),
        ],
    }
    return render(request, "registry/import_start.html", context)


@login_required
def import_template(request):
    """The ledger to fill in, its example household in one of the user's villages; only for a
    user who imports."""
    if not permissions.holds_anywhere(request.user, Capability.KEEP_REGISTRY):
        raise Http404
    return download(
        template_xlsx(village=example_village(request.user)),
        filename=_("household-ledger-template") + ".xlsx",
    )


@login_required
def import_detail(request, pk):
    job = jobs.import_job_get(user=request.user, pk=pk)
    checking = job.status == ImportJob.Status.CHECKED or (
        job.status == ImportJob.Status.REJECTED and job.finished_at is None
    )
    if not checking:
        return redirect("registry:import-progress", pk=job.pk)
    mapping_form = mapping_form_of(job)
    unread = job.counts.get("unread", [])
    unread_keys = {
        fold(column["header"]) if column["header"] else blank_column_key(column["column"])
        for column in unread
    }
    context = {
        "job": job,
        "mapping_form": mapping_form,
        "mapping_rows": [
            (label, field, key in unread_keys) for key, label, field in mapping_form.header_fields()
        ],
        "unread": unread_line(unread) if unread else "",
        "load_form": LoadForm(),
        "issues": shown_issues(job),
        "preview": preview_shown(job.counts["preview"], area=job.area)
        if "preview" in job.counts
        else None,
    }
    return render(request, "registry/import_preview.html", context)


@login_required
@require_POST
def import_remap(request, pk):
    job = jobs.import_job_get(user=request.user, pk=pk)
    form = mapping_form_of(job, request.POST)
    if form.is_valid() and job.status in {ImportJob.Status.CHECKED, ImportJob.Status.REJECTED}:
        columns = form.columns()
        jobs.import_recheck(by=request.user, job=job, columns=columns)
        if form.cleaned_data["save_as"].strip():
            jobs.mapping_save(by=request.user, name=form.cleaned_data["save_as"], columns=columns)
            messages.success(request, _("The mapping was saved."))
    return redirect("registry:import-detail", pk=job.pk)


@login_required
@require_POST
def import_load(request, pk):
    job = jobs.import_job_get(user=request.user, pk=pk)
    form = LoadForm(request.POST)
    partial = form.is_valid() and form.cleaned_data["partial"]
    if job.status == ImportJob.Status.CHECKED and job.counts.get("errors") and not partial:
        messages.error(
            request, _("The file has errors: correct them, or load the valid households only.")
        )
        return redirect("registry:import-detail", pk=job.pk)
    jobs.import_queue(by=request.user, job=job, partial=partial)
    return redirect("registry:import-progress", pk=job.pk)


@login_required
def import_progress(request, pk):
    job = jobs.import_job_get(user=request.user, pk=pk)
    done, total = jobs.job_progress(job)
    percent = (
        100 if job.status == ImportJob.Status.DONE else (int(100 * done / total) if total else 0)
    )
    context = {
        "job": job,
        "done": done,
        "total": total,
        "percent": percent,
        "villages": jobs.loaded_villages(user=request.user, job=job),
    }
    template = "registry/import_progress.html"
    if request.htmx:
        template += "#status"
    return render(request, template, context)


@login_required
@require_POST
def import_cancel(request, pk):
    job = jobs.import_job_get(user=request.user, pk=pk)
    jobs.import_cancel(by=request.user, job=job)
    return redirect("registry:import-progress", pk=job.pk)


@login_required
def import_report(request, pk):
    job = jobs.import_job_get(user=request.user, pk=pk)
    if not job.report:
        raise Http404
    name = f"{job.original_name.rsplit('.', 1)[0]}-report.xlsx"
    return FileResponse(job.report.open("rb"), as_attachment=True, filename=name)


@login_required
def ledger_export(request):
    """Download a ledger of an area the user sees, as an audited act: numbers masked unless
    the user asks for them in full, may export them and states a purpose."""
    # A POST: the export is a recorded act, and its stated purpose stays out of URLs and logs.
    form = LedgerExportForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        area = data["area"]
        handle = tempfile.NamedTemporaryFile(suffix=f".{data['file_format']}")  # noqa: SIM115
        ledger_export_audited(
            by=request.user,
            request=request,
            name=data["ledger"],
            area=area,
            path=handle.name,
            file_format=data["file_format"],
            status=data["status"] or None,
            full_numbers=data["full_numbers"],
            purpose=data["purpose"],
        )
        handle.seek(0)
        name = f"{LEDGERS[data['ledger']].title}-{area.name}-{timezone.localdate():%Y%m%d}"
        return FileResponse(handle, as_attachment=True, filename=f"{name}.{data['file_format']}")
    return render(request, "registry/ledger_export.html", {"form": form})
