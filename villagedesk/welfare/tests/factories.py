import factory
from django_tasks_db.models import DBTaskResult

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
    waiting = list(
        DBTaskResult.objects.ready().filter(
            task_path="villagedesk.welfare.tasks.county_figures_refresh"
        )
    )
    for task in waiting:
        figures_refresh(**task.args_kwargs["kwargs"])
        task.delete()
    return len(waiting)
