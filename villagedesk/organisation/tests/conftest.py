import datetime

import pytest

from villagedesk.registry.codes import Relation
from villagedesk.registry.tests.factories import HouseholdFactory, PersonFactory


@pytest.fixture
def person_a(village_a):
    household = HouseholdFactory(village=village_a, group=village_a.groups.first(), number="A-900")
    return PersonFactory(
        household=household,
        name="张建国",
        relation=Relation.HEAD,
        birth_date=datetime.date(1990, 5, 1),
    )


@pytest.fixture
def person_b(village_b):
    household = HouseholdFactory(village=village_b, group=village_b.groups.first(), number="B-001")
    return PersonFactory(household=household, name="王五", relation=Relation.HEAD)
