import datetime
import itertools

import factory

from villagedesk.registry.codes import Education, Relation, Sex, SupporterRelation
from villagedesk.registry.identity import check_character
from villagedesk.registry.models import Household, Person, Supporter

_sequence = itertools.count(1)


def make_id_number(birth_date: datetime.date, sex: str, area: str = "530128") -> str:
    """A valid number for the birth date and sex, unique within the test run."""
    serial = next(_sequence) % 500
    sequence_digit = serial * 2 + (1 if sex == Sex.MALE else 0)
    first17 = f"{area}{birth_date:%Y%m%d}{sequence_digit:03d}"
    return first17 + check_character(first17)


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    number = factory.Sequence(lambda n: f"{n:05d}")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = "张三"
    sex = Sex.MALE
    birth_date = datetime.date(1980, 5, 17)
    relation = Relation.HEAD
    education = Education.JUNIOR
    id_number = factory.LazyAttribute(lambda p: make_id_number(p.birth_date, p.sex))


class SupporterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Supporter

    supported = factory.SubFactory(PersonFactory)
    household = factory.SelfAttribute("supported.household")
    name = "张大山"
    relation = SupporterRelation.CHILD
    birth_date = datetime.date(1975, 6, 1)
