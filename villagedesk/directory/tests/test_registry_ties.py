"""A directory entry may be a registry person of its village, and a user's own entry."""

import pytest
from django.urls import reverse

from villagedesk.directory.models import Contact
from villagedesk.directory.tests.factories import ContactFactory
from villagedesk.registry.tests.factories import HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def villager_a(village_a):
    household = HouseholdFactory(village=village_a, group=village_a.groups.first(), number="A-9")
    return PersonFactory(household=household, name="张三")


@pytest.fixture
def villager_b(village_b):
    household = HouseholdFactory(village=village_b, group=village_b.groups.first(), number="B-9")
    return PersonFactory(household=household, name="王五")


def entry(area, **fields):
    return {"name": "张三", "kind": "current", "area": area.pk, **fields}


def test_a_contact_is_tied_to_a_person_of_its_village(client, cadre_a, village_a, villager_a):
    client.force_login(cadre_a)
    response = client.post(
        reverse("directory:contact-create"), entry(village_a, person=villager_a.pk)
    )
    assert response.status_code == 302
    contact = Contact.objects.get()
    assert contact.person == villager_a
    page = client.get(contact.get_absolute_url()).content.decode()
    assert villager_a.household.get_absolute_url() in page


def test_a_person_of_another_village_is_not_a_choice(client, cadre_a, village_a, villager_b):
    client.force_login(cadre_a)
    response = client.post(
        reverse("directory:contact-create"), entry(village_a, person=villager_b.pk)
    )
    assert response.status_code == 200
    assert 'value="张三"' in response.content.decode()
    assert not Contact.objects.exists()


def test_the_registry_tie_is_not_shown_outside_the_village(client, cadre_b, village_a, villager_a):
    contact = ContactFactory(area=village_a, name="张三", person=villager_a)
    client.force_login(cadre_b)
    page = client.get(contact.get_absolute_url()).content.decode()
    assert villager_a.household.number not in page


def test_this_is_me_makes_the_entry_the_users_own(client, cadre_a, village_a):
    client.force_login(cadre_a)
    data = entry(village_a, name="刘书记", is_me="on")
    assert client.post(reverse("directory:contact-create"), data).status_code == 302
    assert Contact.objects.get().user == cadre_a
    second = client.post(
        reverse("directory:contact-create"), entry(village_a, name="刘二", is_me="on")
    )
    assert second.status_code == 200
    assert "already have your own entry" in second.content.decode()
    assert Contact.objects.count() == 1
