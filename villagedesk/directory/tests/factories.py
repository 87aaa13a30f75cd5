import factory

from villagedesk.areas.models import Level
from villagedesk.core.tests.tasks import waiting_tasks_run
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
    return waiting_tasks_run("villagedesk.directory.tasks.network_figures_refresh", figures_refresh)
