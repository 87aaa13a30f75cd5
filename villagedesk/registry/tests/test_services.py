"""Registry writes: each names its author in the history, and area codes follow the household."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied

from villagedesk.accounts.models import Assignment, Role, User
from villagedesk.fieldwork.codes import KeyGroup
from villagedesk.fieldwork.models import KeyGroupTag, PersonNote
from villagedesk.registry import services
from villagedesk.registry.codes import Education, Relation, Sex
from villagedesk.registry.imports.engine import run_import
from villagedesk.registry.models import Household, Person
from villagedesk.registry.tests.factories import HouseholdFactory
from villagedesk.registry.tests.importing import family, write_xlsx
from villagedesk.welfare.models import Enrolment, Policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def township_cadre(township, village_a, village_b):
    user = User.objects.create_user(username="township_cadre")
    Assignment.objects.create(
        user=user, area=township, role=Role.CADRE, starts_on=datetime.date(2020, 1, 1)
    )
    return user


def test_a_new_member_names_its_author_in_history(cadre_a, household_a):
    person = Person(
        household=household_a,
        name="张小红",
        sex=Sex.FEMALE,
        birth_date=datetime.date(1990, 1, 2),
        relation=Relation.DAUGHTER,
        education=Education.SENIOR,
    )
    services.person_save(by=cadre_a, person=person)
    record = person.history.get()
    assert (record.history_type, record.history_user) == ("+", cadre_a)
    assert person.area_code == household_a.area_code


def test_a_changed_member_names_its_author_in_history(cadre_a, household_a):
    head = household_a.head()
    head.phone = "13900001111"
    services.person_save(by=cadre_a, person=head)
    assert head.history.first().history_user == cadre_a


def test_a_changed_household_names_its_author_in_history(cadre_a, household_a):
    household_a.address = "大河村二组 8 号"
    services.household_update(by=cadre_a, household=household_a)
    assert household_a.history.first().history_user == cadre_a


def kept_about(household, recorder):
    """An enrolment of the household, a key-group tag and a note on its head."""
    policy = Policy.objects.create(
        code="moving", name_zh="随迁", name_en="moving", category="social_assistance"
    )
    head = household.members.first()
    return [
        Enrolment.objects.create(
            policy=policy, household=household, starts_on=datetime.date(2024, 1, 1)
        ),
        KeyGroupTag.objects.create(person=head, group=KeyGroup.COMMITTEE),
        PersonNote.objects.create(
            person=head, recorded_by=recorder, attitude="eager", influence="high"
        ),
    ]


def test_what_is_kept_about_a_household_follows_it_to_another_village(
    township_cadre, household_a, household_b, village_a, village_b
):
    """A household moved is seen by its new village's team with its enrolments, tags and notes,
    and no longer by the old one's; another household's rows stay where they were."""
    moving = kept_about(household_a, township_cadre)
    staying = Enrolment.objects.create(
        policy=moving[0].policy, household=household_b, starts_on=datetime.date(2024, 1, 1)
    )
    household_a.village = village_b
    household_a.group = village_b.groups.first()
    services.household_update(by=township_cadre, household=household_a)
    for row in moving:
        row.refresh_from_db()
    assert {type(row).__name__: row.area_code for row in moving} == {
        "Enrolment": village_b.code,
        "KeyGroupTag": village_b.code,
        "PersonNote": village_b.code,
    }
    staying.refresh_from_db()
    assert staying.area_code == household_b.area_code


def test_a_person_moved_to_a_household_elsewhere_takes_their_notes_along(
    cadre_a, township_cadre, household_a, village_b
):
    tag = kept_about(household_a, township_cadre)[1]
    elsewhere = HouseholdFactory(village=village_b, group=village_b.groups.first(), number="B-9")
    person = tag.person
    person.household = elsewhere
    person.relation = Relation.OTHER
    services.person_save(by=township_cadre, person=person)
    tag.refresh_from_db()
    assert tag.area_code == village_b.code


def test_members_follow_their_household_to_another_village(township_cadre, household_a, village_b):
    household_a.village = village_b
    household_a.group = village_b.groups.first()
    services.household_update(by=township_cadre, household=household_a)
    household_a.refresh_from_db()
    assert (household_a.area_code, household_a.county_code) == (village_b.code, "530128")
    members = Person.objects.filter(household=household_a)
    assert {m.area_code for m in members} == {village_b.code}
    assert {m.history.first().history_user for m in members} == {township_cadre}


def test_a_household_cannot_be_moved_to_a_village_the_user_does_not_keep(
    cadre_a, household_a, village_b
):
    household_a.village = village_b
    household_a.group = village_b.groups.first()
    with pytest.raises(PermissionDenied):
        services.household_update(by=cadre_a, household=household_a)


def test_an_import_names_the_importing_user_in_history(tmp_path, cadre_a, village_a):
    result = run_import(write_xlsx(tmp_path / "a.xlsx", family()), area=village_a, by=cadre_a)
    assert result.loaded, result.issues
    household = Household.objects.get(number="001")
    assert household.history.get().history_user == cadre_a
    assert {p.history.get().history_user for p in household.members.all()} == {cadre_a}
