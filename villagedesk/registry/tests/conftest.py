import datetime

import pytest

from villagedesk.registry.codes import DisabilityCategory, Relation, Schooling, Sex
from villagedesk.registry.imports.engine import run_import
from villagedesk.registry.models import Person
from villagedesk.registry.tests.factories import HouseholdFactory, PersonFactory
from villagedesk.registry.tests.importing import HEADERS, family, write_xlsx


@pytest.fixture
def household_a(village_a):
    household = HouseholdFactory(village=village_a, group=village_a.groups.first(), number="A-001")
    PersonFactory(household=household, name="张三", relation=Relation.HEAD)
    PersonFactory(
        household=household,
        name="李梅",
        sex=Sex.FEMALE,
        relation=Relation.SPOUSE,
        birth_date=datetime.date(1982, 3, 4),
    )
    PersonFactory(
        household=household,
        name="张小明",
        relation=Relation.SON,
        birth_date=datetime.date(2014, 9, 1),
        education="",
        schooling=Schooling.GRADE_7,
    )
    return household


@pytest.fixture
def household_b(village_b):
    household = HouseholdFactory(village=village_b, group=village_b.groups.first(), number="B-001")
    PersonFactory(household=household, name="王五", relation=Relation.HEAD)
    return household


@pytest.fixture
def registered(tmp_path, village_a, household_a):
    """Village A with household A-001 and an imported family 002 whose spouse is chronically
    ill and disabled."""
    rows = family("002")
    rows[0][HEADERS.index("手机号码")] = "13912345678"
    result = run_import(write_xlsx(tmp_path / "seed.xlsx", rows), area=village_a)
    assert result.loaded, result.issues
    spouse = Person.objects.get(household__number="002", relation=Relation.SPOUSE)
    spouse.disability_category = DisabilityCategory.PHYSICAL
    spouse.disability_grade = 3
    spouse.chronic_illness = True
    spouse.save()
    return village_a
