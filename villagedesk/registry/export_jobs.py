"""Ledger exports as background jobs, for programs (the API): asked for in a request, written by
the worker through the web download's own audited export (`exports.ledger_export_audited`) as
the user who asked and in their language, then fetched by that user alone.

The refusals come before anything is queued: an area the user does not see, numbers in full
without `export_personal_data` or without a purpose. The worker asks again when it writes, so
that a right lost in between is not used.
"""

import logging
import tempfile
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from villagedesk.accounts.models import User
from villagedesk.areas.models import Area
from villagedesk.core.saving import validated_save
from villagedesk.core.scoping import prefix_match
from villagedesk.registry.exports import LEDGERS, full_numbers_purpose, ledger_export_audited
from villagedesk.registry.models import ExportJob

logger = logging.getLogger(__name__)


def export_jobs_of(user: User):
    """The user's own exports of areas they see now."""
    prefixes = user.area_prefixes()
    if not prefixes:
        return ExportJob.objects.none()
    return ExportJob.objects.filter(prefix_match(prefixes, "area__code"), user=user)


def export_job_get(*, user: User, pk: int) -> ExportJob:
    """One of the user's own exports of an area they see; 404 for anyone else's, and for one of
    an area they no longer see."""
    job = export_jobs_of(user).select_related("area").filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


def export_request(
    *,
    by: User,
    ledger: str,
    area: Area,
    file_format: str,
    household_status: str = "",
    full_numbers: bool = False,
    purpose: str = "",
) -> ExportJob:
    """Ask the worker for a ledger of an area the user sees, in the user's language. The same
    export asked again while the first is still waiting or being written is that first one (a
    double submit writes one file and one audit event)."""
    if not Area.objects.visible_to(by).filter(pk=area.pk).exists():
        raise PermissionDenied
    if ledger not in LEDGERS:
        raise ValidationError({"ledger": _("There is no such ledger.")})
    purpose = full_numbers_purpose(by=by, area=area, full_numbers=full_numbers, purpose=purpose)
    from villagedesk.registry.tasks import run_export_job

    wanted = {
        "user": by,
        "area": area,
        "ledger": ledger,
        "file_format": file_format,
        "household_status": household_status,
        "full_numbers": full_numbers,
        "purpose": purpose if full_numbers else "",
        "language": translation.get_language() or "zh-hans",
    }
    with transaction.atomic():
        waiting = (
            ExportJob.objects.select_for_update()
            .filter(**wanted, status__in=[ExportJob.Status.QUEUED, ExportJob.Status.RUNNING])
            .first()
        )
        if waiting is not None:
            return waiting
        job = ExportJob(**wanted)
        validated_save(job, by=by)
        transaction.on_commit(lambda: run_export_job.enqueue(job_id=job.pk))
    return job


def export_filename(job: ExportJob) -> str:
    """The name the web's download gives: the ledger's title, the area and the day."""
    with translation.override(job.language):
        title = LEDGERS[job.ledger].title
        return (
            f"{title}-{job.area.name}-{timezone.localdate(job.created_at):%Y%m%d}.{job.file_format}"
        )


def export_write(*, job_id: int) -> ExportJob:
    """The background task's body: write the ledger as the job's user, audited (the event names
    the user), and keep the file on the job. A refusal or failure is kept as a message."""
    job = ExportJob.objects.select_related("user", "area").get(pk=job_id)
    # One conditional update: a task run twice writes (and audits) the ledger once.
    started = ExportJob.objects.filter(pk=job.pk, status=ExportJob.Status.QUEUED).update(
        status=ExportJob.Status.RUNNING
    )
    if not started:
        return job
    with translation.override(job.language), tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"ledger.{job.file_format}"
        try:
            if not Area.objects.visible_to(job.user).filter(pk=job.area_id).exists():
                raise PermissionDenied
            rows = ledger_export_audited(
                by=job.user,
                name=job.ledger,
                area=job.area,
                path=path,
                file_format=job.file_format,
                status=job.household_status or None,
                full_numbers=job.full_numbers,
                purpose=job.purpose,
            )
        except PermissionDenied:
            return export_failed(job, _("You may no longer export this ledger of this area."))
        except Exception:  # any failure must end the job visibly
            logger.exception("export %s could not be written", job.pk)
            return export_failed(job, _("The ledger could not be written. Ask your administrator."))
        with path.open("rb") as handle:
            job.file.save(f"export-{job.pk}.{job.file_format}", File(handle), save=False)
    job.rows = rows
    job.status = ExportJob.Status.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "rows", "status", "finished_at"])
    return job


def export_failed(job: ExportJob, message: str) -> ExportJob:
    job.status = ExportJob.Status.FAILED
    job.message = message
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "message", "finished_at"])
    return job
