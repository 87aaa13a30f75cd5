"""A disability certificate number is the identity number and two digits: it is sealed at rest
like the identity number, in the persons and their history, rotated with the keys, and masked in
the history of a person removed."""

import base64
import io

import pytest
from django.core.management import call_command
from django.db import connection

from villagedesk.registry import services
from villagedesk.registry.imports.engine import run_import
from villagedesk.registry.models import Person
from villagedesk.registry.tests.factories import HouseholdFactory, PersonFactory
from villagedesk.registry.tests.importing import HEADERS, family, write_xlsx

pytestmark = pytest.mark.django_db

OLD_KEY = base64.b64encode(b"o" * 32).decode()
NEW_KEY = base64.b64encode(b"n" * 32).decode()


def raw_certificates(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT disability_certificate FROM {table} "  # noqa: S608
            "WHERE disability_certificate IS NOT NULL AND disability_certificate <> ''"
        )
        return [value for (value,) in cursor.fetchall()]


def stored_anywhere() -> list[str]:
    return raw_certificates("registry_person") + raw_certificates("registry_historicalperson")


def disabled(person: Person) -> Person:
    person.disability_category, person.disability_grade = "physical", 2
    person.disability_certificate = person.id_number + "42"
    return person


def test_a_saved_certificate_is_sealed_in_the_person_and_its_history(cadre_a, household_a):
    head = services.person_save(by=cadre_a, person=disabled(household_a.head()))
    certificate = head.disability_certificate
    stored = stored_anywhere()
    assert len(stored) == 2  # the person and the history row of this save
    assert not [value for value in stored if head.id_number in value]
    assert Person.objects.get(pk=head.pk).disability_certificate == certificate
    assert Person.history.filter(id=head.pk).first().disability_certificate == certificate


def test_an_imported_certificate_is_sealed(tmp_path, village_a, cadre_a):
    rows = family()
    headers = [*HEADERS, "残疾类别", "残疾等级", "残疾证号"]
    rows = [
        [*row, "肢体残疾", "二级", row[3] + "42"] if i == 0 else [*row, "", "", ""]
        for i, row in enumerate(rows)
    ]
    run_import(write_xlsx(tmp_path / "a.xlsx", rows, headers), area=village_a, by=cadre_a)
    head = Person.objects.get(relation="head")
    assert head.disability_certificate == head.id_number + "42"
    stored = stored_anywhere()
    assert len(stored) == 2
    assert not [value for value in stored if head.id_number in value]


def test_rotation_seals_the_certificates_again_and_the_old_key_can_go(settings, village_a):
    settings.IDENTITY_KEYS = f"old:{OLD_KEY}"
    household = HouseholdFactory(village=village_a, number="O-1")
    person = PersonFactory(household=household, name="张三")
    disabled(person).save()
    certificate = person.disability_certificate
    settings.IDENTITY_KEYS = f"new:{NEW_KEY},old:{OLD_KEY}"
    call_command("rotate_identity_keys", stdout=io.StringIO())
    assert stored_anywhere() and all(value.startswith("new:") for value in stored_anywhere())
    settings.IDENTITY_KEYS = f"new:{NEW_KEY}"
    assert Person.objects.get(pk=person.pk).disability_certificate == certificate


def test_a_removed_persons_history_keeps_the_certificate_masked(cadre_a, household_a):
    head = services.person_save(by=cadre_a, person=disabled(household_a.head()))
    certificate = head.disability_certificate
    son = household_a.members.exclude(pk=head.pk).exclude(relation="spouse").first()
    son = services.person_save(by=cadre_a, person=disabled(son))
    pk, number = son.pk, son.id_number
    services.person_delete(by=cadre_a, person=son)
    kept = [
        v for v in Person.history.filter(id=pk).values_list("disability_certificate", flat=True)
    ]
    assert len(kept) == 3 and kept[0] and not [value for value in kept if number in value]
    assert Person.history.filter(id=head.pk).first().disability_certificate == certificate
