"""A reveal is an audit event, and deleting a person keeps its reveal log while its change
history keeps no full number."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from villagedesk.audit.models import AuditEvent, Kind
from villagedesk.core.masking import mask_id_number
from villagedesk.registry import services
from villagedesk.registry.models import Person, RevealLog
from villagedesk.registry.tests.factories import HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(village_a):
    return PersonFactory(household=HouseholdFactory(village=village_a), phone="13912345678")


def test_a_reveal_is_an_audit_event_without_the_number(client, cadre_a, person):
    client.force_login(cadre_a)
    url = reverse("registry:person-reveal", args=[person.pk, "id_number"])
    assert person.id_number in client.post(url).content.decode()
    event = AuditEvent.objects.get(kind=Kind.REVEAL)
    assert (event.user, event.object_id, event.area) == (
        cadre_a,
        str(person.pk),
        person.area_code,
    )
    assert event.details == {"field": "id_number", "person": mask_id_number(person.id_number)}
    assert event.client_address == "127.0.0.1"


def test_deleting_a_person_keeps_the_reveal_log_with_the_masked_number(cadre_a, person):
    services.person_reveal(by=cadre_a, person=person, field="phone")
    number = person.id_number
    services.person_delete(by=cadre_a, person=person)
    log = RevealLog.objects.get()
    assert log.person is None and log.person_masked == mask_id_number(number)
    assert AuditEvent.objects.filter(kind=Kind.REVEAL).count() == 1


def test_deleting_a_person_masks_the_numbers_in_its_history(cadre_a, person):
    person.name = "改名"
    services.person_save(by=cadre_a, person=person)
    number, pk = person.id_number, person.pk
    services.person_delete(by=cadre_a, person=person)
    history = Person.history.filter(id=pk).order_by("history_id")
    assert [h.history_type for h in history] == ["+", "~", "-"]
    assert {h.id_number for h in history} == {mask_id_number(number)}
    assert {h.phone for h in history} == {"139****5678"}
    assert history.last().history_user == cadre_a


def test_deleting_a_person_leaves_other_histories_alone(cadre_a, person, village_a):
    other = PersonFactory(household=HouseholdFactory(village=village_a), phone="13800001111")
    services.person_delete(by=cadre_a, person=person)
    assert Person.history.get(id=other.pk).phone == "13800001111"


def test_a_cadre_of_another_village_cannot_delete_a_person(cadre_b, person):
    with pytest.raises(PermissionDenied):
        services.person_delete(by=cadre_b, person=person)
    assert Person.objects.filter(pk=person.pk).exists()
