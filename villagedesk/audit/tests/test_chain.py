"""The audit log: chained rows, a verifying command that finds a tampered or removed row,
retention of at least six months, a read-only admin, and the PostgreSQL guard."""

import datetime

import pytest
import time_machine
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from villagedesk.accounts.models import User
from villagedesk.audit.chain import chain_verify, link_hash
from villagedesk.audit.checks import audit_retention_long_enough
from villagedesk.audit.models import AuditEvent, Kind
from villagedesk.audit.services import events_prune, record

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)


def events(count=3, **kwargs):
    return [
        record(kind=Kind.EXPORT, username=f"u{n}", details={"rows": n}, **kwargs)
        for n in range(count)
    ]


def tamper(sql, params):
    """Change the table behind the application's back, as a database owner could."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")


def test_each_event_is_chained_to_the_one_before():
    first, second = events(2)
    assert first.previous_hash == ""
    assert second.previous_hash == first.hash
    stored = AuditEvent.objects.get(pk=second.pk)
    assert stored.hash == link_hash(first.hash, stored)


def test_audit_verify_passes_an_intact_chain(capsys):
    events(3)
    call_command("audit_verify")
    assert "intact: 3 events" in capsys.readouterr().out


def test_a_row_changed_by_sql_is_detected(capsys):
    _, middle, _ = events(3)
    tamper("UPDATE audit_auditevent SET details = %s WHERE id = %s", ['{"rows": 999}', middle.pk])
    with pytest.raises(SystemExit) as exit_status:
        call_command("audit_verify")
    assert exit_status.value.code == 1
    assert f"broken at event {middle.pk}" in capsys.readouterr().err


def test_a_row_removed_by_sql_is_detected():
    _, middle, last = events(3)
    tamper("DELETE FROM audit_auditevent WHERE id = %s", [middle.pk])
    report = chain_verify()
    assert (report.broken.pk, report.reason, report.checked) == (last.pk, "link", 1)


def test_details_never_hold_a_full_number():
    event = record(
        kind=Kind.EXPORT,
        username="110101199003071234",
        details={
            "purpose": "check 11010119900307123X and 13912345678",
            "n": [13912345678],
            "certificate": "残疾证 11010119900307123x42。",
        },
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.details["purpose"] == "check 110101********123X and 139****5678"
    assert stored.details["certificate"] == "残疾证 110101**********3x42。"
    assert stored.username == "110101********1234"
    assert chain_verify().broken is None


@pytest.mark.parametrize(("days", "refused"), [(30, True), (182, True), (183, False), (400, False)])
def test_a_retention_under_six_months_is_refused_at_start_up(settings, days, refused):
    settings.AUDIT_RETENTION_DAYS = days
    errors = audit_retention_long_enough()
    assert bool(errors) is refused
    assert all(error.id == "audit.E001" for error in errors)


def test_prune_keeps_six_months_and_the_chain_verifies_from_the_oldest_kept(settings, capsys):
    settings.AUDIT_RETENTION_DAYS = 183
    now = datetime.datetime.now(tz=datetime.UTC)
    with time_machine.travel(now - datetime.timedelta(days=200), tick=False):
        events(2)
    with time_machine.travel(now - datetime.timedelta(days=180), tick=False):
        kept = events(1)[0]
    events(2)
    call_command("audit_prune")
    assert "2 audit events older than 183 days deleted" in capsys.readouterr().out
    assert AuditEvent.objects.order_by("id").first() == kept
    assert chain_verify().checked == 3


def test_prune_never_goes_below_six_months(settings):
    settings.AUDIT_RETENTION_DAYS = 10  # refused by the check; the prune holds to 183 days
    now = datetime.datetime.now(tz=datetime.UTC)
    with time_machine.travel(now - datetime.timedelta(days=100), tick=False):
        events(1)
    assert events_prune() == 0


def test_the_admin_shows_events_read_only_even_to_a_superuser(client):
    event = events(1)[0]
    client.force_login(User.objects.create_superuser("root", password="pw-for-tests-1"))
    assert client.get(reverse("admin:audit_auditevent_changelist")).status_code == 200
    change = client.get(reverse("admin:audit_auditevent_change", args=[event.pk]))
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
    assert client.get(reverse("admin:audit_auditevent_add")).status_code == 403
    delete = reverse("admin:audit_auditevent_delete", args=[event.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    bulk = client.post(
        reverse("admin:audit_auditevent_changelist"),
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )
    assert bulk.status_code in {200, 302}
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@on_postgresql
def test_postgresql_refuses_update_and_delete():
    event = events(1)[0]
    for sql in (
        "UPDATE audit_auditevent SET username = 'x' WHERE id = %s",
        "DELETE FROM audit_auditevent WHERE id = %s",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(sql, [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).username == "u0"


@on_postgresql
def test_postgresql_refuses_a_cut_off_younger_than_six_months():
    event = events(1)[0]
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('villagedesk.audit_prune_before', %s, true)",
                [(datetime.datetime.now(tz=datetime.UTC) + datetime.timedelta(days=1)).isoformat()],
            )
            cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
