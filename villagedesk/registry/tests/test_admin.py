"""The admin keeps the registry's evidence: the reveal log cannot be changed or removed there,
and persons removed there (alone or with their household) leave no full number in history."""

import pytest
from django.contrib import admin
from django.urls import reverse

from villagedesk.accounts.models import User
from villagedesk.core.masking import mask_id_number
from villagedesk.fieldwork.codes import KeyGroup
from villagedesk.fieldwork.models import KeyGroupTag
from villagedesk.registry import changes, services
from villagedesk.registry.admin import HouseholdAdmin
from villagedesk.registry.models import Household, Person, RevealLog
from villagedesk.registry.tests.factories import HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", password="pw-for-tests-1")


@pytest.fixture
def person(village_a):
    return PersonFactory(household=HouseholdFactory(village=village_a), phone="13912345678")


def test_a_superuser_cannot_remove_or_change_a_reveal(client, superuser, cadre_a, person):
    services.person_reveal(by=cadre_a, person=person, field="id_number")
    reveal = RevealLog.objects.get()
    client.force_login(superuser)
    delete = reverse("admin:registry_reveallog_delete", args=[reveal.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    change = reverse("admin:registry_reveallog_change", args=[reveal.pk])
    client.post(change, {"field": "phone"})
    assert RevealLog.objects.get().field == "id_number"
    assert client.get(reverse("admin:registry_reveallog_changelist")).status_code == 200


def test_removing_a_household_in_the_admin_masks_its_members_history(client, superuser, person):
    number = person.id_number
    client.force_login(superuser)
    household = person.household
    url = reverse("admin:registry_household_delete", args=[household.pk])
    assert client.post(url, {"post": "yes"}).status_code == 302
    history = Person.history.filter(id=person.pk)
    assert history.exists()
    assert {h.id_number for h in history} == {mask_id_number(number)}
    assert {h.phone for h in history} == {"139****5678"}


def test_removing_persons_in_the_admin_masks_their_history(client, superuser, person):
    number = person.id_number
    client.force_login(superuser)
    url = reverse("admin:registry_person_changelist")
    client.post(url, {"action": "delete_selected", "_selected_action": [person.pk], "post": "yes"})
    assert not Person.objects.filter(pk=person.pk).exists()
    assert {h.id_number for h in Person.history.filter(id=person.pk)} == {mask_id_number(number)}


def test_removing_a_son_in_the_admin_derives_the_family_again(client, superuser, person):
    household = person.household
    son = PersonFactory(household=household, name="张一", relation="son")
    other_son = PersonFactory(household=household, name="张二", relation="son")
    grandson = PersonFactory(household=household, name="张孙", relation="grandson")
    client.force_login(superuser)
    url = reverse("admin:registry_person_changelist")
    client.post(
        url, {"action": "delete_selected", "_selected_action": [other_son.pk], "post": "yes"}
    )
    grandson.refresh_from_db()
    assert grandson.father == son


def generation(county) -> int:
    return changes.generations([county.code[:6]])[county.code[:6]]


def test_writes_in_the_admin_make_the_countys_figures_out_of_date(
    client, superuser, person, county
):
    client.force_login(superuser)
    before = generation(county)
    url = reverse("admin:registry_person_changelist")
    client.post(url, {"action": "delete_selected", "_selected_action": [person.pk], "post": "yes"})
    assert generation(county) == before + 1
    household = person.household
    client.post(reverse("admin:registry_household_delete", args=[household.pk]), {"post": "yes"})
    assert generation(county) == before + 2


def test_a_household_moved_in_the_admin_takes_its_members_and_records_along(
    rf, superuser, person, village_b
):
    tag = KeyGroupTag.objects.create(person=person, group=KeyGroup.COMMITTEE)
    household = person.household
    household.village = village_b
    household.group = village_b.groups.first()
    request = rf.post("/")
    request.user = superuser
    HouseholdAdmin(Household, admin.site).save_model(request, household, form=None, change=True)
    person.refresh_from_db()
    tag.refresh_from_db()
    assert (person.area_code, tag.area_code) == (village_b.code, village_b.code)
