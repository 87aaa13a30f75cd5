"""Background tasks of the registry, run by `manage.py db_worker`."""

from django_tasks import task

from villagedesk.registry.export_jobs import export_write
from villagedesk.registry.imports.jobs import import_execute
from villagedesk.registry.imports.retention import uploads_prune
from villagedesk.registry.models import ImportJob


@task()
def run_import_job(job_id: int) -> str:
    """Load a checked import; the job row and its progress file tell the user how it goes."""
    job = ImportJob.objects.select_related("area", "user").get(pk=job_id)
    return import_execute(job).status


@task()
def run_export_job(job_id: int) -> str:
    """Write a ledger asked for through the API; the job row tells the user how it goes."""
    return export_write(job_id=job_id).status


@task()
def prune_uploads() -> int:
    """Remove uploaded ledgers and reports past their retention; enqueue it daily."""
    return uploads_prune().files
