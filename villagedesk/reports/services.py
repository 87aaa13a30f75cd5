"""Writes of the reports: a report asked for, and the background work that writes it."""

import datetime
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from villagedesk.accounts import permissions
from villagedesk.accounts.models import User
from villagedesk.accounts.permissions import Capability
from villagedesk.areas.models import Area, Level
from villagedesk.core.saving import validated_save
from villagedesk.reports.contents import report_contents
from villagedesk.reports.documents import report_docx
from villagedesk.reports.models import ReportJob, ReportKind

logger = logging.getLogger(__name__)

AREA_LEVEL = {
    ReportKind.MEMBER_MONTH: Level.VILLAGE,
    ReportKind.VILLAGE_MONTH: Level.VILLAGE,
    ReportKind.VILLAGE_QUARTER: Level.VILLAGE,
    ReportKind.TOWNSHIP_MONTH: Level.TOWNSHIP,
}


def may_write_report(*, user: User, kind: str, area: Area, member: User | None) -> bool:
    """Whether the user may have this report written: `make_reports` over the area; a team
    member's record only by the member or by one who supervises the village."""
    if not permissions.holds(user, Capability.MAKE_REPORTS, area.code):
        return False
    if kind == ReportKind.MEMBER_MONTH:
        return member == user or permissions.holds(user, Capability.SUPERVISE, area.code)
    return True


def report_request(
    *,
    by: User,
    kind: str,
    area: Area,
    since: datetime.date,
    until: datetime.date,
    member: User | None = None,
) -> ReportJob:
    """Ask the worker for a report in the user's language. The same report asked again while
    the first is still being written is that first one (a double submit writes one)."""
    if area.level != AREA_LEVEL[ReportKind(kind)]:
        raise ValidationError(_("This report is not written for an area of that level."))
    if not may_write_report(user=by, kind=kind, area=area, member=member):
        raise PermissionDenied
    from villagedesk.reports.tasks import write_report

    language = translation.get_language() or "zh-hans"
    with transaction.atomic():
        waiting = (
            ReportJob.objects.select_for_update()
            .filter(
                user=by,
                kind=kind,
                area=area,
                member=member,
                since=since,
                until=until,
                language=language,
                status__in=[ReportJob.Status.QUEUED, ReportJob.Status.RUNNING],
            )
            .first()
        )
        if waiting is not None:
            return waiting
        job = ReportJob(
            user=by,
            kind=kind,
            area=area,
            member=member,
            since=since,
            until=until,
            language=language,
        )
        validated_save(job, by=by)
        transaction.on_commit(lambda: write_report.enqueue(job_id=job.pk))
    return job


def progress_of(job: ReportJob):
    def report_progress(done: int, total: int) -> None:
        ReportJob.objects.filter(pk=job.pk).update(done=done, total=total)

    return report_progress


def report_write(*, job_id: int) -> ReportJob:
    """The background task's body: read the records as the job's user sees them, in the job's
    language, and keep the .docx on the job. A failure is kept as a message on the job."""
    job = ReportJob.objects.select_related("user", "area", "member").get(pk=job_id)
    if job.status != ReportJob.Status.QUEUED:
        return job
    ReportJob.objects.filter(pk=job.pk).update(status=ReportJob.Status.RUNNING)
    with translation.override(job.language):
        try:
            report = report_contents(job, progress_of(job))
            content = report_docx(report, author=str(job.user))
        except Exception:
            logger.exception("report %s could not be written", job.pk)
            job.refresh_from_db()
            job.status = ReportJob.Status.FAILED
            job.message = _("The report could not be written. Ask your administrator.")
            job.finished_at = timezone.now()
            job.save(update_fields=["status", "message", "finished_at"])
            return job
    job.refresh_from_db()
    job.file.save(job.filename(), ContentFile(content), save=False)
    job.status = ReportJob.Status.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "status", "finished_at"])
    return job
