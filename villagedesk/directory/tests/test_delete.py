"""Removing contacts and points of interest: a confirmation step, then a POST, in the history."""

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from villagedesk.areas.models import PointOfInterest
from villagedesk.directory import services
from villagedesk.directory.models import Contact, Link, LinkKind
from villagedesk.directory.tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


def point_in(village, name="小学"):
    return PointOfInterest.objects.create(
        village=village, category="school", name=name, latitude=25.5, longitude=102.5
    )


def contact_delete_url(contact):
    return reverse("directory:contact-delete", args=[contact.pk])


def point_delete_url(point):
    return reverse("directory:point-delete", args=[point.pk])


def test_contact_page_offers_removal_to_whoever_keeps_it(client, cadre_a, village_a, village_b):
    mine = ContactFactory(area=village_a)
    theirs = ContactFactory(area=village_b, phone="13900000001")
    client.force_login(cadre_a)
    assert contact_delete_url(mine) in client.get(mine.get_absolute_url()).content.decode()
    assert contact_delete_url(theirs) not in client.get(theirs.get_absolute_url()).content.decode()


def test_removing_a_contact_asks_first_then_removes_it_with_its_links(client, cadre_a, village_a):
    contact = ContactFactory(area=village_a, name="孙立")
    other = ContactFactory(area=village_a, name="李红", phone="13900000002")
    Link.objects.create(source=other, target=contact, kind=LinkKind.WORKS_WITH)
    client.force_login(cadre_a)
    question = client.get(contact_delete_url(contact))
    assert question.status_code == 200
    assert 'method="post"' in question.content.decode() and "孙立" in question.content.decode()
    assert Contact.objects.filter(pk=contact.pk).exists()

    response = client.post(contact_delete_url(contact))
    assert response.status_code == 302
    assert response.url == reverse("directory:contact-list")
    assert not Contact.objects.filter(pk=contact.pk).exists()
    assert not Link.objects.exists()
    removed = Contact.history.get(id=contact.pk, history_type="-")
    assert removed.history_user == cadre_a
    assert Link.history.get(history_type="-").history_user == cadre_a


def test_a_contact_of_another_village_cannot_be_removed(client, cadre_a, village_b):
    private = ContactFactory(area=village_b, private=True)
    shared = ContactFactory(area=village_b, phone="13900000003")
    client.force_login(cadre_a)
    assert client.get(contact_delete_url(private)).status_code == 404
    assert client.post(contact_delete_url(private)).status_code == 404
    # A shared entry is read-only outside the area that keeps it.
    assert client.get(contact_delete_url(shared)).status_code == 403
    assert client.post(contact_delete_url(shared)).status_code == 403
    assert Contact.objects.count() == 2


def test_the_service_refuses_a_user_who_does_not_keep_the_contact(cadre_b, village_a):
    contact = ContactFactory(area=village_a)
    with pytest.raises(PermissionDenied):
        services.contact_delete(by=cadre_b, contact=contact)
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_a_contact_the_teams_notes_still_need_is_not_removed(client, cadre_a, village_a):
    contact = ContactFactory(area=village_a)
    # The team's notes belong to fieldwork, above the directory: looked up by name only.
    apps.get_model("fieldwork", "PersonNote").objects.create(
        contact=contact,
        attitude="eager",
        influence="high",
        recorded_by=cadre_a,
        area_code=village_a.code,
    )
    client.force_login(cadre_a)
    response = client.post(contact_delete_url(contact))
    assert response.status_code == 200
    assert "still refer to this entry" in response.content.decode()
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_removing_a_point_asks_first_then_removes_it(client, cadre_a, village_a):
    point = point_in(village_a)
    client.force_login(cadre_a)
    edit_page = client.get(reverse("directory:point-edit", args=[point.pk])).content.decode()
    assert point_delete_url(point) in edit_page
    assert client.get(point_delete_url(point)).status_code == 200
    assert PointOfInterest.objects.filter(pk=point.pk).exists()

    response = client.post(point_delete_url(point))
    assert response.status_code == 302
    assert response.url == reverse("directory:profile", args=[village_a.code]) + "#map"
    assert not PointOfInterest.objects.exists()
    removed = PointOfInterest.history.get(id=point.pk, history_type="-")
    assert removed.history_user == cadre_a


def test_a_point_of_another_village_is_404(client, cadre_a, village_b):
    point = point_in(village_b)
    client.force_login(cadre_a)
    assert client.get(point_delete_url(point)).status_code == 404
    assert client.post(point_delete_url(point)).status_code == 404
    assert PointOfInterest.objects.filter(pk=point.pk).exists()


def test_a_supervisor_who_only_reads_the_profile_cannot_remove_a_point(
    client, county_supervisor, village_a
):
    point = point_in(village_a)
    client.force_login(county_supervisor)
    assert client.get(point_delete_url(point)).status_code == 403
    assert client.post(point_delete_url(point)).status_code == 403
    with pytest.raises(PermissionDenied):
        services.point_delete(by=county_supervisor, point=point)
    assert PointOfInterest.objects.filter(pk=point.pk).exists()
