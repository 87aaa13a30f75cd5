"""People notes on directory contacts: the team's own judgement, like notes on registry persons."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.urls import reverse

from villagedesk.directory.tests.factories import ContactFactory
from villagedesk.fieldwork import services
from villagedesk.fieldwork.models import PersonNote

pytestmark = pytest.mark.django_db


@pytest.fixture
def town_official(township):
    """A township official, kept by the township and shared with every village below it."""
    return ContactFactory(area=township, name="赵镇长")


def add_note(client, contact, **data):
    url = reverse("fieldwork:contact-notes", args=[contact.pk])
    return client.post(url, {"attitude": "eager", "influence": "high", **data})


def test_cadre_adds_notes_on_a_contact_and_keeps_history(client, cadre_a, village_a, town_official):
    client.force_login(cadre_a)
    add_note(client, town_official, attitude="aside", interests="关心产业项目")
    add_note(client, town_official, backbone="on")
    notes = list(PersonNote.objects.order_by("recorded_at"))
    assert [n.attitude for n in notes] == ["aside", "eager"]
    assert all(n.contact == town_official and n.person is None for n in notes)
    assert {n.area_code for n in notes} == {village_a.code}  # the team's village
    page = client.get(reverse("fieldwork:contact-notes", args=[town_official.pk])).content
    assert "关心产业项目" in page.decode()


def test_the_contact_page_loads_the_notes_summary_from_fieldwork(client, cadre_a, town_official):
    client.force_login(cadre_a)
    add_note(client, town_official, interests="关心产业项目")
    page = client.get(town_official.get_absolute_url()).content.decode()
    summary_url = reverse("fieldwork:contact-notes-summary", args=[town_official.pk])
    assert summary_url in page
    summary = client.get(summary_url).content.decode()
    assert reverse("fieldwork:contact-notes", args=[town_official.pk]) in summary


def test_village_committee_gets_404_on_contact_notes(client, committee_a, town_official):
    client.force_login(committee_a)
    for name in ("fieldwork:contact-notes", "fieldwork:contact-notes-summary"):
        assert client.get(reverse(name, args=[town_official.pk])).status_code == 404
    assert add_note(client, town_official).status_code == 404
    assert not PersonNote.objects.exists()


def test_village_committee_cannot_write_contact_notes_through_the_service(
    committee_a, town_official
):
    with pytest.raises(PermissionDenied):
        services.contact_note_add(
            by=committee_a,
            contact=town_official,
            note=PersonNote(attitude="eager", influence="high"),
        )


def test_another_village_team_does_not_see_the_notes(client, cadre_a, cadre_b, town_official):
    client.force_login(cadre_a)
    add_note(client, town_official, interests="关心产业项目")
    client.force_login(cadre_b)
    page = client.get(reverse("fieldwork:contact-notes", args=[town_official.pk]))
    assert page.status_code == 200
    assert "关心产业项目" not in page.content.decode()


def test_supervisor_reads_the_teams_notes(client, cadre_a, county_supervisor, town_official):
    client.force_login(cadre_a)
    add_note(client, town_official, interests="关心产业项目")
    client.force_login(county_supervisor)
    page = client.get(reverse("fieldwork:contact-notes", args=[town_official.pk])).content
    assert "关心产业项目" in page.decode()


def test_a_private_contact_of_another_village_is_404(client, cadre_a, village_b):
    hidden = ContactFactory(area=village_b, name="小河村会计", private=True)
    client.force_login(cadre_a)
    assert client.get(reverse("fieldwork:contact-notes", args=[hidden.pk])).status_code == 404
    assert add_note(client, hidden).status_code == 404


def test_bad_input_keeps_what_was_typed(client, cadre_a, town_official):
    client.force_login(cadre_a)
    response = add_note(client, town_official, attitude="", interests="关心产业项目")
    assert response.status_code == 200
    assert "关心产业项目" in response.content.decode()
    assert not PersonNote.objects.exists()


def test_a_note_is_on_a_person_or_a_contact_never_both(cadre_a, household_a, town_official):
    with pytest.raises(IntegrityError):
        PersonNote.objects.create(
            person=household_a.members.first(),
            contact=town_official,
            attitude="eager",
            influence="high",
            recorded_by=cadre_a,
        )
