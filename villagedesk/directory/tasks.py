"""Background tasks of the directory, run by `manage.py db_worker`."""

from django_tasks import task

from villagedesk.directory.figures import figures_refresh


@task()
def network_figures_refresh(key: str) -> None:
    """Compute the key people of one network (named by its key) and store them."""
    figures_refresh(key)
