"""Imports through the API over the web's ImportJob machinery: a file is checked at once,
loaded in the background once however often it is asked, its progress polled and its report
fetched; another user's import is 404."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from villagedesk.registry.models import Household, ImportJob
from villagedesk.registry.tests.importing import HEADERS, family, write_xlsx


@pytest.fixture(autouse=True)
def immediate_tasks(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


def submit(client, path, area):
    with open(path, "rb") as handle:
        data = {"file": SimpleUploadedFile(path.name, handle.read()), "area": area.code}
    return client.post("/api/v1/imports", data)


def test_a_file_is_checked_loaded_once_and_polled(api_for, cadre_a, village_a, tmp_path):
    client = api_for(cadre_a)
    submitted = submit(client, write_xlsx(tmp_path / "a.xlsx", family()), village_a)
    assert submitted.status_code == 201
    assert submitted.json()["status"] == "checked"
    assert not Household.objects.exists()
    pk = submitted.json()["id"]
    loaded = client.post(f"/api/v1/imports/{pk}/load", "{}", content_type="application/json")
    assert loaded.status_code == 202
    again = client.post(f"/api/v1/imports/{pk}/load", "{}", content_type="application/json")
    assert again.status_code == 409
    polled = client.get(f"/api/v1/imports/{pk}").json()
    assert (polled["status"], polled["percent"]) == ("done", 100)
    assert Household.objects.get().members.count() == 3


def test_a_file_with_errors_loads_only_when_asked_partial(api_for, cadre_a, village_a, tmp_path):
    rows = family()
    rows[0][HEADERS.index("出生日期")] = "1980-13-01"
    client = api_for(cadre_a)
    pk = submit(client, write_xlsx(tmp_path / "bad.xlsx", rows), village_a).json()["id"]
    job = client.get(f"/api/v1/imports/{pk}").json()
    assert job["errors"] and "1980-13-01" in job["issues"][0]["message"]
    refused = client.post(f"/api/v1/imports/{pk}/load", "{}", content_type="application/json")
    assert refused.status_code == 409
    report = client.get(f"/api/v1/imports/{pk}/report")
    assert report.status_code == 200
    assert report["Content-Disposition"].startswith('attachment; filename="bad-report.xlsx"')


def test_an_import_into_another_village_is_404(api_for, cadre_a, village_b, tmp_path):
    response = submit(api_for(cadre_a), write_xlsx(tmp_path / "a.xlsx", family()), village_b)
    assert response.status_code == 404
    assert not ImportJob.objects.exists()


def test_another_users_import_is_404(api_for, cadre_a, cadre_b, village_b, tmp_path):
    pk = submit(api_for(cadre_b), write_xlsx(tmp_path / "a.xlsx", family()), village_b).json()["id"]
    client = api_for(cadre_a)
    assert client.get(f"/api/v1/imports/{pk}").status_code == 404
    loaded = client.post(f"/api/v1/imports/{pk}/load", "{}", content_type="application/json")
    assert loaded.status_code == 404
    assert client.get(f"/api/v1/imports/{pk}/report").status_code == 404
