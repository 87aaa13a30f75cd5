import datetime

import pytest

from villagedesk.registry.codes import HouseholdStatus, Relation, Sex
from villagedesk.registry.tests.factories import HouseholdFactory, PersonFactory


@pytest.fixture
def household_a(village_a):
    household = HouseholdFactory(
        village=village_a,
        group=village_a.groups.first(),
        number="A-001",
        status=HouseholdStatus.POOR,
    )
    PersonFactory(household=household, name="张三", relation=Relation.HEAD)
    PersonFactory(
        household=household,
        name="李梅",
        sex=Sex.FEMALE,
        relation=Relation.SPOUSE,
        birth_date=datetime.date(1982, 3, 4),
    )
    return household


@pytest.fixture
def household_b(village_b):
    household = HouseholdFactory(village=village_b, group=village_b.groups.first(), number="B-001")
    PersonFactory(household=household, name="王五", relation=Relation.HEAD)
    return household
