import factory
from django_tasks_db.models import DBTaskResult

from villagedesk.areas.models import Level
from villagedesk.directory.figures import figures_refresh
from villagedesk.directory.models import Contact, Organisation, OrganisationKind


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"单位{n}")
    kind = OrganisationKind.DEPARTMENT
    level = Level.COUNTY


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    name = "王芳"
    phone = "13812345678"


def worker_runs() -> int:
    """Run the network tasks waiting for the background worker, as `db_worker` would."""
    waiting = list(
        DBTaskResult.objects.ready().filter(
            task_path="villagedesk.directory.tasks.network_figures_refresh"
        )
    )
    for task in waiting:
        figures_refresh(**task.args_kwargs["kwargs"])
        task.delete()
    return len(waiting)
