"""Acts recorded without the code that does them knowing the log: logins, permission changes
and writes of personal data."""

import datetime

import pytest
from django.urls import reverse

from villagedesk.accounts.models import Assignment, Role
from villagedesk.audit.models import AuditEvent, Kind
from villagedesk.registry import services as registry
from villagedesk.registry.tests.factories import HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db


def kinds(after=0):
    events = AuditEvent.objects.filter(id__gt=after).order_by("id")
    return list(events.values_list("kind", "username"))


def test_a_failed_login_a_login_and_a_logout_are_recorded(client, cadre_a):
    before = AuditEvent.objects.order_by("id").values_list("id", flat=True).last() or 0
    login = reverse("accounts:login")
    client.post(login, {"username": "cadre_a", "password": "wrong"})
    client.post(login, {"username": "cadre_a", "password": "pw-for-tests-1"})
    client.post(reverse("accounts:logout"))
    assert kinds(before) == [
        (Kind.LOGIN_FAILED, "cadre_a"),
        (Kind.LOGIN, "cadre_a"),
        (Kind.LOGOUT, "cadre_a"),
    ]
    failed = AuditEvent.objects.get(kind=Kind.LOGIN_FAILED)
    assert failed.user is None and failed.client_address == "127.0.0.1"


def test_assignments_given_changed_and_taken_are_permission_changes(cadre_a, village_b):
    assignment = Assignment.objects.create(
        user=cadre_a, area=village_b, role=Role.CADRE, starts_on=datetime.date(2025, 1, 1)
    )
    assignment.ends_on = datetime.date(2025, 6, 30)
    assignment.save()
    assignment.delete()
    changes = AuditEvent.objects.filter(kind=Kind.PERMISSION_CHANGE, area=village_b.code).order_by(
        "id"
    )
    assert [e.details["action"] for e in changes] == ["created", "changed", "deleted"]
    assert changes[1].details["ends_on"] == "2025-06-30"
    assert changes[0].details["user"] == cadre_a.pk


def test_a_write_of_a_person_is_recorded_with_its_author(cadre_a, village_a):
    person = PersonFactory.build(household=HouseholdFactory(village=village_a))
    registry.person_save(by=cadre_a, person=person)
    event = AuditEvent.objects.get(kind=Kind.PERSONAL_DATA_WRITE, object_type="registry.person")
    assert (event.user, event.object_id, event.area) == (
        cadre_a,
        str(person.pk),
        village_a.code,
    )
    assert event.details == {"action": "created"}
