"""Import jobs: an upload checked in the request, then loaded by a background task.

Progress and cancellation go through small files beside the upload rather than the database:
while the import's transaction holds SQLite's write lock, no other connection could record
progress or a cancel request, and on PostgreSQL the rows would stay invisible until commit.
"""

import json
import logging
from pathlib import Path

from django.conf import settings
from django.core.files.base import File
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from villagedesk.accounts import permissions
from villagedesk.accounts.models import User
from villagedesk.accounts.permissions import Capability
from villagedesk.areas.models import Area
from villagedesk.core.codelists import fold
from villagedesk.core.scoping import prefix_match
from villagedesk.registry.imports.engine import (
    ImportCancelled,
    ImportResult,
    MappingError,
    blank_column_key,
    blank_columns,
    run_import,
    without_rejected,
)
from villagedesk.registry.imports.messages import internal_error
from villagedesk.registry.imports.preview import import_preview
from villagedesk.registry.imports.reading import ReadError
from villagedesk.registry.imports.report import write_report
from villagedesk.registry.models import ImportJob, ImportMapping

MAX_ISSUES_KEPT = 500
logger = logging.getLogger(__name__)


def state_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports" / "state"
    path.mkdir(parents=True, exist_ok=True)
    return path


def progress_path(job: ImportJob) -> Path:
    return state_dir() / f"{job.pk}.progress.json"


def cancel_path(job: ImportJob) -> Path:
    return state_dir() / f"{job.pk}.cancel"


def job_progress(job: ImportJob) -> tuple[int, int]:
    """Rows written so far and in all, as the running task last recorded them."""
    if job.finished:
        return job.done, job.total
    return recorded_progress(job)


def recorded_progress(job: ImportJob) -> tuple[int, int]:
    try:
        data = json.loads(progress_path(job).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return job.done, job.total
    return data["done"], data["total"]


def import_jobs_of(user: User):
    """The user's own imports into areas whose registry they keep now."""
    prefixes = permissions.prefixes(user, Capability.KEEP_REGISTRY)
    if not prefixes:
        return ImportJob.objects.none()
    return ImportJob.objects.filter(prefix_match(prefixes, "area__code"), user=user)


def import_job_list(*, user: User, limit: int = 10) -> list[ImportJob]:
    """The user's own latest imports into their areas, newest first."""
    return list(import_jobs_of(user).select_related("area")[:limit])


def import_job_get(*, user: User, pk: int) -> ImportJob:
    """One of the user's own imports into an area whose registry they keep; 404 for anyone
    else's, and for one into an area they no longer keep."""
    job = import_jobs_of(user).select_related("area").filter(pk=pk).first()
    if job is None:
        raise Http404
    return job


def loaded_villages(*, user: User, job: ImportJob) -> list[Area]:
    """The villages a finished import wrote households into, among those the user sees."""
    ids = job.counts.get("village_ids", []) if job.status == ImportJob.Status.DONE else []
    return list(Area.objects.visible_to(user).filter(pk__in=ids).order_by("code"))


def record_result(job: ImportJob, result: ImportResult) -> None:
    blank = blank_columns(result.sheets)
    job.issues = [
        {k: v for k, v in issue.items()}
        for issue in result.issues.head(MAX_ISSUES_KEPT).iter_rows(named=True)
    ]
    job.counts = {
        **result.counts,
        "errors": result.errors.height,
        "warnings": result.warnings.height,
        "rows": sum(sheet.frame.height for sheet in result.sheets),
        "headers": list(dict.fromkeys(h for sheet in result.sheets for h in sheet.headers if h)),
        "blank_columns": list(blank),
        "unread": result.unread,
    }
    job.columns = {
        **{
            fold(header): sheet.mapping.get(position, "")
            for sheet in result.sheets
            for position, header in enumerate(sheet.headers)
            if header
        },
        **{blank_column_key(letters): field for letters, field in blank.items()},
    }
    if result.loaded:
        households, _persons = without_rejected(result.households, result.persons, result.errors)
        village_ids = households["village_id"].drop_nulls().unique().sort()
        job.counts["village_ids"] = village_ids.to_list()
    report_path = Path(job.file.path).with_suffix(".report.xlsx")
    write_report(result, report_path)
    with report_path.open("rb") as handle:
        job.report.save(f"report-{job.pk}.xlsx", File(handle), save=False)
    report_path.unlink()


def import_check(*, by: User, area: Area, upload, columns: dict | None = None) -> ImportJob:
    """Save an upload and check it without writing; the job holds the mapping and issues."""
    permissions.require(by, Capability.KEEP_REGISTRY, area.code)
    job = ImportJob(user=by, area=area, original_name=upload.name[:255], columns=columns or {})
    job.file.save(Path(upload.name).name, upload, save=False)
    try:
        job.full_clean(exclude=["file", "report"])
        job.save()
    except BaseException:
        job.file.delete(save=False)
        raise
    return import_recheck(by=by, job=job, columns=columns or {})


def import_recheck(*, by: User, job: ImportJob, columns: dict) -> ImportJob:
    """Check the file again with the mapping as the user corrected it."""
    permissions.require(by, Capability.KEEP_REGISTRY, job.area.code)
    if not job.file:
        return job
    try:
        result = run_import(job.file.path, area=job.area, by=by, check_only=True, columns=columns)
        record_result(job, result)
        job.counts["preview"] = import_preview(result)
    except ReadError as error:
        # A file refused as unreadable or too large is not kept: the job keeps the reason.
        if not isinstance(error, MappingError):
            job.file.delete(save=False)
        job.status = ImportJob.Status.REJECTED
        job.message = str(error)
        job.save()
        return job
    except Exception:  # any failure of the check must end in a message, not an error page
        logger.exception("Checking import %s failed", job.pk)
        job.status = ImportJob.Status.REJECTED
        job.message = internal_error()
        job.save()
        return job
    job.columns = {**job.columns, **columns}
    job.status = ImportJob.Status.CHECKED
    job.message = ""
    job.save()
    return job


def mapping_save(*, by: User, name: str, columns: dict) -> ImportMapping:
    mapping, _created = ImportMapping.objects.update_or_create(
        owner=by, name=name.strip()[:100], defaults={"columns": columns}
    )
    return mapping


def import_queue(*, by: User, job: ImportJob, partial: bool) -> ImportJob:
    """Hand a checked file to the background worker; refused twice (a double submit)."""
    from villagedesk.registry.tasks import run_import_job

    permissions.require(by, Capability.KEEP_REGISTRY, job.area.code)
    # One conditional update: of two submits, only the first finds the job still checked.
    updated = ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.CHECKED).update(
        status=ImportJob.Status.QUEUED, partial=partial
    )
    if updated:
        run_import_job.enqueue(job_id=job.pk)
    job.refresh_from_db()
    return job


def import_cancel(*, by: User, job: ImportJob) -> None:
    """Ask the running task to stop; it rolls back everything it wrote."""
    permissions.require(by, Capability.KEEP_REGISTRY, job.area.code)
    if not job.finished:
        cancel_path(job).touch()


def import_execute(job: ImportJob) -> ImportJob:
    """The background task's body: load the file, recording progress, honouring a cancel."""
    if job.status != ImportJob.Status.QUEUED:
        return job
    job.status = ImportJob.Status.RUNNING
    job.save(update_fields=["status"])
    progress = progress_path(job)

    def report_progress(done: int, total: int) -> None:
        progress.write_text(json.dumps({"done": done, "total": total}), encoding="utf-8")
        if cancel_path(job).exists():
            raise ImportCancelled

    try:
        if cancel_path(job).exists():
            raise ImportCancelled
        result = run_import(
            job.file.path,
            area=job.area,
            by=job.user,
            partial=job.partial,
            columns=job.columns,
            progress=report_progress,
        )
    except ImportCancelled:
        job.status = ImportJob.Status.CANCELLED
        job.message = _("Cancelled: nothing was written.")
    except ReadError as error:
        job.status = ImportJob.Status.REJECTED
        job.message = str(error)
    except Exception:  # any failure must end the job visibly; the transaction rolled back
        logger.exception("Import %s failed", job.pk)
        job.status = ImportJob.Status.FAILED
        job.message = internal_error()
    else:
        try:
            record_result(job, result)
        except Exception:  # the load stands (or nothing was written); the job must still end
            logger.exception("Recording the result of import %s failed", job.pk)
        if result.loaded:
            job.status = ImportJob.Status.DONE
        else:
            job.status = ImportJob.Status.REJECTED
            job.message = _("The file has errors; nothing was written.")
    done, total = recorded_progress(job)
    job.done, job.total = (total, total) if job.status == ImportJob.Status.DONE else (done, total)
    job.finished_at = timezone.now()
    job.save()
    for path in (progress, cancel_path(job)):
        path.unlink(missing_ok=True)
    return job
