"""Background tasks of the reports, run by `manage.py db_worker`."""

from django_tasks import task

from villagedesk.reports.services import report_write


@task()
def write_report(job_id: int) -> str:
    """Write a report asked for; the job row tells the user how far it is."""
    return report_write(job_id=job_id).status
