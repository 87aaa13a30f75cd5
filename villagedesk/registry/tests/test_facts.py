"""The registry facts the national rules test: validation, constraints and the data migration."""

import datetime
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from villagedesk.registry import services
from villagedesk.registry.codes import MigrantWork, PovertyStatus, Relation, Sex
from villagedesk.registry.models import Household, Person
from villagedesk.registry.tests.factories import HouseholdFactory, PersonFactory, SupporterFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "villagedesk.registry.migrations.0007_poverty_status_and_families_from_existing"
)


def test_poverty_status_has_the_national_codes():
    assert [PovertyStatus.national(s) for s in PovertyStatus] == ["0", "1", "3", "4"]


def household_errors(village, **fields) -> dict:
    household = Household(village=village, number="X-1", **fields)
    with pytest.raises(ValidationError) as error:
        household.full_clean()
    return error.value.message_dict


def test_a_main_cause_and_two_other_causes_are_valid(village_a):
    household = Household(
        village=village_a,
        number="X-1",
        main_cause="illness",
        other_cause_1="schooling",
        other_cause_2="lack_of_skills",
    )
    household.full_clean()
    assert household.other_causes == ["schooling", "lack_of_skills"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"other_cause_1": "illness"}, "main_cause"),
        ({"main_cause": "illness", "other_cause_2": "disaster"}, "other_cause_1"),
        ({"main_cause": "illness", "other_cause_1": "illness"}, "other_cause_1"),
        (
            {"main_cause": "illness", "other_cause_1": "disaster", "other_cause_2": "disaster"},
            "other_cause_2",
        ),
        (
            {"main_cause": "illness", "other_cause_1": "disaster", "other_cause_2": "illness"},
            "other_cause_2",
        ),
        ({"main_cause": "marriage"}, "main_cause"),
    ],
)
def test_causes_of_poverty_are_refused_out_of_order_twice_or_unknown(village_a, fields, field):
    assert field in household_errors(village_a, **fields)


def test_the_database_refuses_a_repeated_cause(village_a):
    household = HouseholdFactory(village=village_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        Household.objects.filter(pk=household.pk).update(
            main_cause="illness", other_cause_1="illness"
        )


def test_negative_deposits_are_refused(village_a):
    assert "deposits" in household_errors(village_a, deposits=Decimal("-1"))


def test_property_facts_default_to_no_and_deposits_to_not_recorded(village_a):
    household = HouseholdFactory(village=village_a)
    household.refresh_from_db()
    facts = (household.owns_vehicle, household.owns_business, household.public_payroll)
    assert facts == (False, False, False)
    assert (household.town_housing, household.deposits) == (False, None)


def test_a_place_of_migrant_work_needs_the_migrant_work(household_a):
    head = household_a.head()
    head.migrant_place = "广东省东莞市"
    with pytest.raises(ValidationError) as error:
        head.full_clean()
    assert "migrant_place" in error.value.message_dict
    head.migrant_work, head.migrant_months = MigrantWork.OUT_OF_PROVINCE, 10
    head.full_clean()


def test_the_database_refuses_a_place_without_migrant_work(household_a):
    with pytest.raises(IntegrityError), transaction.atomic():
        Person.objects.filter(pk=household_a.head().pk).update(migrant_place="东莞")


def test_a_person_is_healthy_when_none_of_the_health_facts_is_recorded(household_a):
    head = household_a.head()
    assert head.healthy
    head.chronic_illness = True
    assert not head.healthy


def test_the_service_checks_the_number_by_document_type(cadre_a, household_a):
    person = Person(
        household=household_a,
        name="陈大文",
        relation=Relation.OTHER,
        document_type="hk_macao_residence",
        id_number="11010519491231002X",
        education="senior",
    )
    with pytest.raises(ValidationError) as error:
        services.person_save(by=cadre_a, person=person)
    assert "id_number" in error.value.message_dict


def test_an_older_foreign_card_keeps_the_typed_sex_and_birth_date(cadre_a, household_a):
    person = Person(
        household=household_a,
        name="约翰",
        relation=Relation.OTHER,
        document_type="foreign_permanent",
        id_number="USA310090101001",
        sex=Sex.MALE,
        birth_date=datetime.date(1990, 1, 1),
        education="senior",
    )
    services.person_save(by=cadre_a, person=person)
    person.refresh_from_db()
    assert (person.id_number, person.birth_date) == ("USA310090101001", datetime.date(1990, 1, 1))


def test_a_supporter_supports_a_member_of_their_own_household(household_a, household_b):
    supporter = SupporterFactory.build(
        household=household_a, supported=household_b.head(), name="王小五"
    )
    with pytest.raises(ValidationError) as error:
        supporter.full_clean()
    assert "supported" in error.value.message_dict


def test_a_supporters_disability_grade_goes_with_its_category(household_a):
    supporter = SupporterFactory.build(
        household=household_a, supported=household_a.head(), disability_grade=2
    )
    with pytest.raises(ValidationError) as error:
        supporter.full_clean()
    assert "disability_category" in error.value.message_dict


def test_a_supporter_takes_the_households_area_code(household_a):
    supporter = SupporterFactory(supported=household_a.head())
    assert supporter.area_code == household_a.area_code


@pytest.mark.parametrize(
    ("status", "attribute", "expected"),
    [
        ("poor", "", "not_out"),
        ("poor", "dibao_poor", "not_out"),
        ("exited", "ordinary_exited", "out_enjoying"),
        ("exited", "", "out_enjoying"),
        ("monitored", "ordinary_exited", "out_enjoying"),
        ("monitored", "", ""),
        ("not_poor", "", ""),
        ("not_poor", "ordinary_exited", "out_enjoying"),
    ],
)
def test_the_migration_maps_type_and_attribute_to_poverty_status(status, attribute, expected):
    assert migration.poverty_status_for(status, attribute) == expected


def test_the_migration_fills_poverty_status_and_families_of_existing_rows(village_a):
    poor = HouseholdFactory(village=village_a, status="poor")
    monitored = HouseholdFactory(village=village_a, status="monitored")
    head = PersonFactory(household=poor)
    wife = PersonFactory(household=poor, sex=Sex.FEMALE, relation=Relation.SPOUSE)
    migration.forward(apps, None)
    poor.refresh_from_db()
    monitored.refresh_from_db()
    head.refresh_from_db()
    assert (poor.poverty_status, monitored.poverty_status) == ("not_out", "")
    assert head.spouse == wife
