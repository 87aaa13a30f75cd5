import datetime

import factory

from villagedesk.organisation.codes import Stage
from villagedesk.organisation.models import PartyMember, TenHouseholdGroup


class PartyMemberFactory(factory.django.DjangoModelFactory):
    """A full member recorded before the roster was kept: probation and full membership dated."""

    class Meta:
        model = PartyMember

    person = None
    name = factory.LazyAttribute(lambda m: m.person.name if m.person else "党员甲")
    stage = Stage.FULL
    probationary_on = datetime.date(2010, 7, 1)
    full_on = datetime.date(2011, 7, 1)


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TenHouseholdGroup

    name = factory.Sequence(lambda n: f"第{n}联户组")
