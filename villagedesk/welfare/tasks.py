"""Background tasks of welfare, run by `manage.py db_worker`."""

from django_tasks import task

from villagedesk.welfare.figures import figures_refresh


@task()
def county_figures_refresh(key: str) -> None:
    """Compute one county's gap or poverty figures (named by their key) and store them."""
    figures_refresh(key)
