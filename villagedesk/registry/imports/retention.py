"""Retention of uploaded ledgers and their error reports.

A ledger holds a village's identity numbers; once its import is settled the file has no use, so
it is kept `UPLOAD_RETENTION_DAYS` days (default 30) and then removed, its report with it. The
import's row stays, with its figures and a note that the file was removed. Files under the
imports folder that no import refers to (a request that died between saving and recording) go by
their age alike. A file refused before it could be checked is never kept at all (`jobs`).

Ledgers written for the API's exports (`registry.export_jobs`) hold numbers too, in full when
so asked: they go after the same days, the export's row staying with a note.

Only the registry keeps uploads: the contacts and enrolment imports read the upload in the
request and keep nothing, and photos are records, not uploads awaiting an import.
"""

import datetime
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext

from villagedesk.registry.models import ExportJob, ImportJob

# A job in these states still needs its file.
WORKING = {ImportJob.Status.QUEUED, ImportJob.Status.RUNNING}


@dataclass
class PruneResult:
    jobs: int = 0
    files: int = 0
    exports: int = 0


def imports_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def removal_note(day: datetime.date) -> str:
    # Written in the installation's language: the note is a record, read by whoever opens it.
    return gettext("The file and its report were removed on %(day)s.") % {"day": day.isoformat()}


def uploads_prune(*, days: int | None = None, dry_run: bool = False) -> PruneResult:
    """Remove uploaded ledgers, error reports, stray files under the imports folder and written
    exports older than `days` (the setting by default); the rows stay with their figures and a
    note.

    Running it twice removes nothing more.
    """
    days = settings.UPLOAD_RETENTION_DAYS if days is None else days
    now = timezone.now()
    cutoff = now - datetime.timedelta(days=days)
    result = PruneResult()
    old = (
        ImportJob.objects.filter(created_at__lt=cutoff)
        .exclude(status__in=WORKING)
        .exclude(file="", report="")
    )
    for job in old:
        result.jobs += 1
        for field in (job.file, job.report):
            if field:
                result.files += 1
                if not dry_run:
                    field.delete(save=False)
        if not dry_run:
            job.message = "\n".join(filter(None, [job.message, removal_note(now.date())]))
            job.save(update_fields=["file", "report", "message"])
    result.files += stray_files_prune(cutoff=cutoff, dry_run=dry_run)
    for export in ExportJob.objects.filter(created_at__lt=cutoff).exclude(file=""):
        result.exports += 1
        result.files += 1
        if not dry_run:
            export.file.delete(save=False)
            note = gettext("The file was removed on %(day)s.") % {"day": now.date().isoformat()}
            export.message = "\n".join(filter(None, [export.message, note]))
            export.save(update_fields=["file", "message"])
    return result


def stray_files_prune(*, cutoff: datetime.datetime, dry_run: bool) -> int:
    """Remove files under the imports folder older than the cutoff that no import refers to
    (a job's progress and cancel files go with its number)."""
    root = imports_root()
    if not root.exists():
        return 0
    needed = set()
    for pk, *names in ImportJob.objects.values_list("pk", "file", "report"):
        needed |= {root.parent / name for name in names if name}
        needed |= {root / "state" / f"{pk}.progress.json", root / "state" / f"{pk}.cancel"}
    removed = 0
    for path in root.rglob("*"):
        if not path.is_file() or path in needed:
            continue
        modified = datetime.datetime.fromtimestamp(path.stat().st_mtime, tz=datetime.UTC)
        if modified < cutoff:
            removed += 1
            if not dry_run:
                path.unlink(missing_ok=True)
    return removed
