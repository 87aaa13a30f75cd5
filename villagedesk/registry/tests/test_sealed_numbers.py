"""Identity numbers are sealed at rest, in the persons and their history, and still found: by the
whole number, by its tail, by the import; the keys rotate without losing a number."""

import base64
import io

import pytest
from django.core.exceptions import FieldError, ValidationError
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.db.migrations.loader import MigrationLoader

from villagedesk.core.sealing import IdentityKeyError, identity_hash, tail_hash
from villagedesk.registry import services
from villagedesk.registry.imports.engine import run_import
from villagedesk.registry.models import Person
from villagedesk.registry.selectors import HouseholdFilters, household_list
from villagedesk.registry.tests.factories import HouseholdFactory, PersonFactory
from villagedesk.registry.tests.importing import family, write_xlsx

pytestmark = pytest.mark.django_db

OLD_KEY = base64.b64encode(b"o" * 32).decode()
NEW_KEY = base64.b64encode(b"n" * 32).decode()


def raw_numbers(table: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id_number FROM {table} WHERE id_number IS NOT NULL")  # noqa: S608
        return [value for (value,) in cursor.fetchall()]


def found(user, query):
    households = household_list(user=user, filters=HouseholdFilters(q=query))
    return sorted(m.name for h in households for m in h.members.all())


def test_the_database_holds_no_plain_number_of_a_saved_person(cadre_a, household_a):
    head = household_a.head()
    head.phone = "13812345678"
    services.person_save(by=cadre_a, person=head)
    numbers = set(household_a.members.values_list("id_number", flat=True))
    stored = raw_numbers("registry_person") + raw_numbers("registry_historicalperson")
    assert len(stored) == 3 + 4 and len(numbers) == 3  # three persons, four history rows
    assert not [value for value in stored for number in numbers if number in value]
    assert Person.objects.get(pk=head.pk).id_number in numbers


def test_the_database_holds_no_plain_number_of_an_imported_person(tmp_path, village_a, cadre_a):
    result = run_import(write_xlsx(tmp_path / "a.xlsx", family()), area=village_a, by=cadre_a)
    assert result.counts["persons_created"] == 3
    numbers = set(Person.objects.values_list("id_number", flat=True))
    stored = raw_numbers("registry_person") + raw_numbers("registry_historicalperson")
    assert len(stored) == 6 and all(len(number) == 18 for number in numbers)
    assert not [value for value in stored for number in numbers if number in value]
    for person in Person.objects.all():
        assert person.id_number_hash == identity_hash(person.id_number)


def test_a_number_is_not_looked_up_in_clear(household_a):
    number = household_a.head().id_number
    with pytest.raises(FieldError, match="sealed"):
        Person.objects.filter(id_number=number).exists()
    assert Person.objects.filter(id_number=None).count() == 0


def alone(village, name, number):
    return PersonFactory(household=HouseholdFactory(village=village), name=name, id_number=number)


def test_the_whole_number_and_its_tails_find_the_person(cadre_a, village_a):
    number = alone(village_a, "甲", "53012819800517101X").id_number
    for typed in (number, number[-4:], number[-5:], number[-6:], number[-11:], number.lower()):
        assert found(cadre_a, typed) == ["甲"], typed


def test_a_longer_tail_tells_apart_numbers_that_share_the_last_four(cadre_a, village_a):
    first = alone(village_a, "甲", "53012819800517101X")
    second = alone(village_a, "乙", "53012819820304101X")
    assert first.id_number_hash[:8] == second.id_number_hash[:8] == tail_hash("101X")
    assert found(cadre_a, "101X") == ["乙", "甲"]
    assert found(cadre_a, "17101X") == ["甲"]
    assert found(cadre_a, "4101x") == ["乙"]
    assert found(cadre_a, "9101X") == []
    assert found(cadre_a, "53012819800517102X") == []


def test_a_tail_does_not_find_a_person_outside_the_users_areas(cadre_a, village_b):
    alone(village_b, "丙", "53012819800517101X")
    assert found(cadre_a, "101X") == []
    assert found(cadre_a, "17101X") == []
    assert found(cadre_a, "53012819800517101X") == []


def test_the_same_number_twice_is_refused_by_the_database(household_a):
    number = household_a.head().id_number
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonFactory(household=household_a, relation="other", id_number=number)


def test_the_same_number_twice_is_refused_with_a_message(cadre_a, household_a):
    taken = household_a.head().id_number
    person = Person(household=household_a, name="王", relation="other", education="junior")
    person.id_number = taken.lower()
    with pytest.raises(ValidationError, match="already registered in household A-001"):
        services.person_save(by=cadre_a, person=person)


def test_a_reimport_finds_the_persons_by_their_sealed_numbers(tmp_path, village_a, cadre_a):
    path = write_xlsx(tmp_path / "a.xlsx", family())
    run_import(path, area=village_a, by=cadre_a)
    again = run_import(path, area=village_a, by=cadre_a)
    assert again.counts["persons_created"] == 0
    assert again.counts["persons_unchanged"] == 3
    assert Person.objects.count() == 3


def test_a_number_given_by_an_import_to_a_registered_person_gets_its_hashes(
    tmp_path, village_a, cadre_a
):
    rows = family()
    number = rows[2][3]
    rows[2][3] = ""
    run_import(write_xlsx(tmp_path / "a.xlsx", rows), area=village_a, by=cadre_a)
    assert Person.objects.get(name="张小明").id_number_hash is None
    rows[2][3] = number
    result = run_import(write_xlsx(tmp_path / "b.xlsx", rows), area=village_a, by=cadre_a)
    assert result.counts["persons_updated"] == 1
    son = Person.objects.get(name="张小明")
    assert son.id_number == number
    assert son.id_number_hash == identity_hash(number)
    assert "张小明" in found(cadre_a, number[-6:])
    assert not [v for v in raw_numbers("registry_historicalperson") if number in v]


@pytest.fixture
def household_old(settings, village_a):
    """A household of three sealed under the key "old" only."""
    settings.IDENTITY_KEYS = f"old:{OLD_KEY}"
    household = HouseholdFactory(village=village_a, number="O-1")
    PersonFactory(household=household, name="张三")
    PersonFactory(household=household, name="张二", relation="other")
    PersonFactory(household=household, name="张一", relation="other")
    return household


def test_rotation_seals_every_number_under_the_new_key_and_the_old_key_can_go(
    settings, cadre_a, household_old
):
    numbers = {p.pk: p.id_number for p in Person.objects.all()}
    settings.IDENTITY_KEYS = f"new:{NEW_KEY},old:{OLD_KEY}"
    PersonFactory(household=household_old, name="新", relation="other")  # sealed under "new"
    call_command("rotate_identity_keys", "--batch-size", "2", stdout=(out := io.StringIO()))
    assert "registry_person: 3 sealed again under the key 'new'" in out.getvalue()
    assert "registry_historicalperson: 3 sealed again" in out.getvalue()
    assert "0 left to seal again" in out.getvalue()
    stored = raw_numbers("registry_person") + raw_numbers("registry_historicalperson")
    assert len(stored) == 8 and all(value.startswith("new:") for value in stored)
    settings.IDENTITY_KEYS = f"new:{NEW_KEY}"
    assert {p.pk: p.id_number for p in Person.objects.filter(pk__in=numbers)} == numbers
    history = Person.history.filter(id__in=numbers).values_list("id", "id_number")
    assert dict(history) == numbers
    head = Person.objects.get(name="张三")
    assert found(cadre_a, head.id_number[-6:]) == ["张一", "张三", "张二", "新"]
    call_command("rotate_identity_keys", stdout=(again := io.StringIO()))
    assert "registry_person: 0 sealed again" in again.getvalue()


def test_a_dry_run_counts_the_numbers_under_each_key_and_changes_none(settings, household_old):
    settings.IDENTITY_KEYS = f"new:{NEW_KEY},old:{OLD_KEY}"
    call_command("rotate_identity_keys", "--dry-run", stdout=(out := io.StringIO()))
    assert "registry_person: numbers by key: 'old' 3" in out.getvalue()
    assert "6 left to seal again under the key 'new'" in out.getvalue()
    assert all(value.startswith("old:") for value in raw_numbers("registry_person"))


def test_an_interrupted_rotation_is_finished_by_the_next_run(settings, household_old):
    settings.IDENTITY_KEYS = f"new:{NEW_KEY},old:{OLD_KEY}"

    def interrupt(table, done):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        services.identity_keys_rotate(batch_size=2, progress=interrupt)
    under_new = [v for v in raw_numbers("registry_person") if v.startswith("new:")]
    assert len(under_new) == 2
    assert services.identity_keys_rotate(batch_size=2) == {
        "registry_person": 1,
        "registry_historicalperson": 3,
    }


def test_a_number_under_a_key_no_longer_listed_is_a_clear_error(settings, household_old):
    settings.IDENTITY_KEYS = f"new:{NEW_KEY}"
    with pytest.raises(IdentityKeyError, match="'old', which IDENTITY_KEYS does not list"):
        list(Person.objects.values_list("id_number", flat=True))
    with pytest.raises(CommandError, match="'old', which IDENTITY_KEYS does not list"):
        call_command("rotate_identity_keys", stdout=io.StringIO())


def test_a_wrong_key_under_the_right_id_is_a_clear_error(settings, household_old):
    settings.IDENTITY_KEYS = f"old:{NEW_KEY}"
    with pytest.raises(IdentityKeyError, match="does not open with the key of that id"):
        Person.objects.get(name="张三")


# Migrating back unapplies every later migration of the apps that depend on the registry, and the
# flush after a transactional test writes every app's permissions again: minutes on a busy machine.
@pytest.mark.timeout(300)
@pytest.mark.django_db(transaction=True)
def test_the_migration_seals_the_numbers_stored_in_clear_and_unseals_them_backwards(village_a):
    household = HouseholdFactory(village=village_a, number="M-1")
    number = PersonFactory(household=household).id_number
    graph = MigrationLoader(connection).graph
    sealing = next(key for key in graph.nodes if key[1].endswith("_identity_numbers_sealed"))
    ((app, before),) = graph.node_map[sealing].parents
    call_command("migrate", app, before, verbosity=0)
    assert raw_numbers("registry_person") == raw_numbers("registry_historicalperson") == [number]
    call_command("migrate", verbosity=0)
    stored = raw_numbers("registry_person") + raw_numbers("registry_historicalperson")
    assert len(stored) == 2 and not [value for value in stored if number in value]
    person = Person.objects.get()
    assert person.id_number == number
    assert person.id_number_hash == identity_hash(number)
    assert Person.history.get().id_number == number
