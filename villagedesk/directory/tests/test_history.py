"""Every write on the directory and the village profile names its author in the history, also
when a service runs outside a request (an import, a command)."""

import pytest

from villagedesk.areas.models import PointOfInterest, VillageNote
from villagedesk.directory import services
from villagedesk.directory.models import Contact, Organisation
from villagedesk.directory.tests.factories import ContactFactory

pytestmark = pytest.mark.django_db


def test_saving_a_contact_names_the_author(cadre_a, village_a):
    contact = services.contact_save(by=cadre_a, contact=Contact(area=village_a, name="孙立"))
    assert contact.history.get().history_user == cadre_a


def test_saving_an_organisation_names_the_author(cadre_a, village_a):
    organisation = Organisation(area=village_a, name="合作社", kind="cooperative", level=5)
    services.organisation_save(by=cadre_a, organisation=organisation)
    assert organisation.history.get().history_user == cadre_a


def test_removing_a_contact_names_who_removed_it(cadre_a, village_a):
    contact = ContactFactory(area=village_a)
    pk = contact.pk
    services.contact_delete(by=cadre_a, contact=contact)
    assert Contact.history.get(id=pk, history_type="-").history_user == cadre_a


def test_points_and_notes_name_their_author(committee_a, village_a):
    point = PointOfInterest(
        village=village_a, category="water", name="老井", latitude=25.5, longitude=102.5
    )
    services.point_save(by=committee_a, point=point)
    note = services.note_save(
        by=committee_a,
        note=VillageNote(village=village_a, topic="history", title="建村", body="清初"),
    )
    services.point_delete(by=committee_a, point=PointOfInterest.objects.get(pk=point.pk))
    assert note.history.get().history_user == committee_a
    assert [h.history_user for h in PointOfInterest.history.order_by("history_id")] == [
        committee_a,
        committee_a,
    ]
