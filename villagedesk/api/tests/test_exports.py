"""Ledger exports through the API over the web's form and audited export: asked for, written in
the background as the user who asked (the audit event names them), polled and fetched by that
user alone; numbers masked unless the caller may export them in full and states a purpose."""

import datetime
import json
import os

import pytest
import time_machine
from django.utils import timezone

from villagedesk.audit.models import AuditEvent, Kind
from villagedesk.core.masking import mask_id_number
from villagedesk.registry.imports.retention import uploads_prune
from villagedesk.registry.models import ExportJob

EXPORTS = "/api/v1/exports"


@pytest.fixture(autouse=True)
def immediate_tasks(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


def ask(client, area, **fields):
    body = {"ledger": "person_roster", "area": area.code, "file_format": "csv", **fields}
    return client.post(EXPORTS, json.dumps(body), content_type="application/json")


def exports():
    return list(AuditEvent.objects.filter(kind=Kind.EXPORT))


def written(client, response) -> str:
    pk = response.json()["id"]
    fetched = client.get(f"{EXPORTS}/{pk}/file")
    assert fetched.status_code == 200
    return b"".join(fetched.streaming_content).decode("utf-8-sig")


def test_a_ledger_is_written_in_the_background_polled_and_fetched(
    api_for, cadre_a, village_a, homes, django_capture_on_commit_callbacks
):
    client = api_for(cadre_a)
    with django_capture_on_commit_callbacks(execute=True):
        asked = ask(client, village_a, file_format="xlsx")
    assert asked.status_code == 202
    polled = client.get(f"{EXPORTS}/{asked.json()['id']}").json()
    assert (polled["status"], polled["percent"], polled["rows"]) == ("done", 100, 1)
    fetched = client.get(f"{EXPORTS}/{polled['id']}/file")
    assert fetched["Content-Disposition"].startswith(
        "attachment; filename*=utf-8''Person%20roster-"
    )
    assert b"".join(fetched.streaming_content)[:2] == b"PK"
    [event] = exports()
    assert (event.user, event.area, event.details["masked"]) == (cadre_a, village_a.code, True)


def test_numbers_are_masked_by_default(
    api_for, cadre_a, village_a, homes, django_capture_on_commit_callbacks
):
    client = api_for(cadre_a)
    with django_capture_on_commit_callbacks(execute=True):
        asked = ask(client, village_a)
    text = written(client, asked)
    number = homes["head_a"].id_number
    assert number not in text
    assert mask_id_number(number) in text
    assert "张秀英" in text


def test_numbers_in_full_with_the_right_and_a_purpose(
    api_for, cadre_a, village_a, homes, django_capture_on_commit_callbacks
):
    client = api_for(cadre_a)
    with django_capture_on_commit_callbacks(execute=True):
        asked = ask(client, village_a, full_numbers=True, purpose="年度核查")
    assert homes["head_a"].id_number in written(client, asked)
    [event] = exports()
    assert (event.details["masked"], event.details["purpose"]) == (False, "年度核查")


def test_numbers_in_full_are_refused_without_the_right(api_for, committee_a, village_a, homes):
    response = ask(api_for(committee_a), village_a, full_numbers=True, purpose="check")
    assert response.status_code == 422
    assert response.json()["code"] == "refused"
    assert (
        "You may not export personal numbers in full"
        in response.json()["details"]["full_numbers"][0]
    )
    assert not ExportJob.objects.exists()


def test_numbers_in_full_are_refused_without_a_purpose(api_for, cadre_a, village_a, homes):
    response = ask(api_for(cadre_a), village_a, full_numbers=True, purpose="  ")
    assert response.status_code == 422
    assert "State the purpose" in response.json()["details"]["purpose"][0]
    assert not ExportJob.objects.exists()


def test_the_refusal_speaks_the_callers_language(api_for, cadre_a, village_a, homes):
    response = ask(api_for(cadre_a, language="zh-Hans"), village_a, full_numbers=True)
    assert response.status_code == 422
    assert "State the purpose" not in response.content.decode()


def test_an_export_of_another_village_is_404(api_for, cadre_a, village_b, homes):
    response = ask(api_for(cadre_a), village_b)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert not ExportJob.objects.exists()


def test_another_users_export_is_404(
    api_for, cadre_a, cadre_b, village_b, homes, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        pk = ask(api_for(cadre_b), village_b).json()["id"]
    client = api_for(cadre_a)
    assert client.get(f"{EXPORTS}/{pk}").status_code == 404
    assert client.get(f"{EXPORTS}/{pk}/file").status_code == 404


def test_a_colleagues_export_of_the_same_village_is_404(
    api_for, cadre_a, committee_a, village_a, homes, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        pk = ask(api_for(cadre_a), village_a).json()["id"]
    client = api_for(committee_a)
    assert client.get(f"{EXPORTS}/{pk}").status_code == 404
    assert client.get(f"{EXPORTS}/{pk}/file").status_code == 404


def test_asked_twice_while_waiting_it_is_one_export(
    api_for, cadre_a, village_a, homes, django_capture_on_commit_callbacks
):
    client = api_for(cadre_a)
    with django_capture_on_commit_callbacks() as queued:
        first, second = ask(client, village_a), ask(client, village_a)
    assert first.json()["id"] == second.json()["id"]
    assert len(queued) == 1
    assert ExportJob.objects.count() == 1
    other = ask(client, village_a, file_format="xlsx")
    assert other.json()["id"] != first.json()["id"]


def test_the_file_is_not_ready_while_the_export_waits(api_for, cadre_a, village_a, homes):
    client = api_for(cadre_a)
    pk = ask(client, village_a).json()["id"]
    assert client.get(f"{EXPORTS}/{pk}").json()["status"] == "queued"
    response = client.get(f"{EXPORTS}/{pk}/file")
    assert response.status_code == 409
    assert response.json()["code"] == "export_not_ready"


def test_a_right_lost_before_the_worker_writes_fails_the_export(
    api_for, cadre_a, village_a, homes, django_capture_on_commit_callbacks
):
    client = api_for(cadre_a)
    with django_capture_on_commit_callbacks() as queued:
        pk = ask(client, village_a, full_numbers=True, purpose="check").json()["id"]
    cadre_a.assignments.update(role="village_committee")
    queued[0]()
    job = client.get(f"{EXPORTS}/{pk}").json()
    assert (job["status"], job["has_file"]) == ("failed", False)
    assert exports() == []


def test_a_written_ledger_is_removed_after_the_retention(
    api_for, cadre_a, village_a, homes, settings, django_capture_on_commit_callbacks
):
    settings.UPLOAD_RETENTION_DAYS = 30
    client = api_for(cadre_a)
    with time_machine.travel(timezone.now() - datetime.timedelta(days=31)):
        with django_capture_on_commit_callbacks(execute=True):
            pk = ask(client, village_a, full_numbers=True, purpose="check").json()["id"]
    path = ExportJob.objects.get(pk=pk).file.path
    result = uploads_prune()
    assert (result.exports, result.files) == (1, 1)
    assert not os.path.exists(path)
    response = client.get(f"{EXPORTS}/{pk}/file")
    assert (response.status_code, response.json()["code"]) == (409, "export_removed")
    assert "removed on" in client.get(f"{EXPORTS}/{pk}").json()["message"]


def test_a_task_run_twice_writes_and_audits_once(
    api_for, cadre_a, village_a, homes, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        pk = ask(api_for(cadre_a), village_a).json()["id"]
    queued[0]()
    queued[0]()
    assert ExportJob.objects.get(pk=pk).status == ExportJob.Status.DONE
    assert len(exports()) == 1
