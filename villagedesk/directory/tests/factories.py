import factory

from villagedesk.areas.models import Level
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
