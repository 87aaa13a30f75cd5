import factory

from villagedesk.core.tests.tasks import waiting_tasks_run
from villagedesk.welfare.figures import figures_refresh
from villagedesk.welfare.models import IncomeLine, Parameter


class ParameterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Parameter

    year = 2025


class IncomeLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IncomeLine

    year = 2025
    kind = "wage"


def worker_runs() -> int:
    """Run the county figures tasks waiting for the background worker, as `db_worker` would."""
    return waiting_tasks_run("villagedesk.welfare.tasks.county_figures_refresh", figures_refresh)
