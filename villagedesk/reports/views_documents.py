"""Reports as .docx: the page that asks for one, its progress while the worker writes it, and
the download."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from villagedesk.core.concurrency import saved_once
from villagedesk.core.forms import form_with_service_errors
from villagedesk.reports import jobs, services
from villagedesk.reports.forms import ReportForm


@login_required
def document_start(request):
    villages = jobs.report_villages(user=request.user)
    townships = jobs.report_townships(user=request.user)
    members = list(jobs.report_members(user=request.user)[:500])
    if not villages.exists() and not townships.exists():
        raise Http404
    initial = {"village": request.GET.get("village", "")}
    form = ReportForm(
        request.POST or None,
        initial=initial,
        villages=villages[:500],
        townships=townships[:500],
        members=members,
    )
    if request.method == "POST" and form.is_valid():
        try:
            arguments = form.request_arguments(villages=villages, townships=townships)
            with saved_once(form) as receipt:
                job = services.report_request(by=request.user, **arguments)
                page = reverse("reports:document-progress", args=[job.pk])
                receipt.leads_to(page)
        except PermissionDenied:
            form.add_error(None, _("You may not have this report written."))
        except ValidationError as error:
            form_with_service_errors(form, error)
        else:
            return redirect(page)
    context = {"form": form, "jobs": jobs.report_job_list(user=request.user)}
    return render(request, "reports/document_start.html", context)


@login_required
def document_progress(request, pk):
    job = jobs.report_job_get(user=request.user, pk=pk)
    template = "reports/document_progress.html"
    if request.htmx:
        template += "#status"
    return render(request, template, {"job": job})


@login_required
def document_download(request, pk):
    job = jobs.report_job_get(user=request.user, pk=pk)
    if not job.file:
        raise Http404
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename())
