"""Every API operation, as every role of one village with a write token, aimed at another
village: its keys in the path, its codes in the filters and bodies. No answer is a server error
or shows the other village's marker or a full identity number; an operation on the other
village's record, or writing into it, is 404; nothing of it changes. An operation of the schema
missing from AIMED_AT_B fails the test until it says how to aim it.

The pages are walked the same way by demo/tests/test_every_url.py, whose helpers (the seeded
county, the marked village, the personas, the fingerprint) this walk shares.
"""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from villagedesk.api.tests.conftest import api_client_for
from villagedesk.api.v1 import api
from villagedesk.demo.tests.test_every_url import (  # noqa: F401 (the `county` fixture)
    MARK,
    ROLES,
    county,
    fingerprint,
    leaks,
    mark_village,
    persona,
)
from villagedesk.fieldwork.models import DiaryPhoto, Problem, Visit
from villagedesk.registry.models import ExportJob, Household, ImportJob, Person

LEDGER = "户编号,姓名\n001,张三\n".encode()
# The smallest GIF: a photo the upload accepts, had it reached its visit or diary day.
PHOTO = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"


def aimed_at_b(rows, village_b) -> dict:
    """(method, path) → (path parameters, query, body, statuses allowed) aimed at village B."""
    household, person = rows[Household], rows[Person]
    visit, problem, job, export = rows[Visit], rows[Problem], rows[ImportJob], rows[ExportJob]
    day = rows[DiaryPhoto].day_id
    to_b = {"village": village_b.code}
    missing = {404}
    return {
        ("GET", "/api/v1/areas"): ({}, {"within": village_b.code}, None, missing),
        ("GET", "/api/v1/areas/{code}"): ({"code": village_b.code}, {}, None, missing),
        ("GET", "/api/v1/areas/{code}/gaps"): ({"code": village_b.code}, {}, None, missing),
        ("GET", "/api/v1/households"): ({}, {**to_b, "q": MARK}, None, {200}),
        ("POST", "/api/v1/households"): ({}, {}, {**to_b, "number": "B-1"}, missing),
        ("GET", "/api/v1/households/{household_id}"): (
            {"household_id": household.pk},
            {},
            None,
            missing,
        ),
        ("PATCH", "/api/v1/households/{household_id}"): (
            {"household_id": household.pk},
            {},
            {"address": "x"},
            missing,
        ),
        ("POST", "/api/v1/households/{household_id}/members"): (
            {"household_id": household.pk},
            {},
            {"name": "x", "sex": "male", "birth_date": "2000-01-01", "relation": "son"},
            missing,
        ),
        ("GET", "/api/v1/households/{household_id}/eligibility"): (
            {"household_id": household.pk},
            {},
            None,
            missing,
        ),
        ("GET", "/api/v1/persons/{person_id}"): (
            {"person_id": person.pk},
            {"reveal": "id_number"},
            None,
            missing,
        ),
        ("PATCH", "/api/v1/persons/{person_id}"): (
            {"person_id": person.pk},
            {},
            {"name": "x"},
            missing,
        ),
        ("GET", "/api/v1/visits"): ({}, {**to_b, "q": MARK}, None, {200}),
        ("POST", "/api/v1/visits"): ({}, {}, {"household": household.pk}, missing),
        ("GET", "/api/v1/visits/{visit_id}"): ({"visit_id": visit.pk}, {}, None, missing),
        ("POST", "/api/v1/visits/{visit_id}/photo"): (
            {"visit_id": visit.pk},
            {},
            {"file": PHOTO},
            missing,
        ),
        ("POST", "/api/v1/diary"): ({}, {}, {**to_b, "day": "2024-05-06"}, missing),
        ("PATCH", "/api/v1/diary/{diary_id}"): ({"diary_id": day}, {}, {"work_done": "x"}, missing),
        ("POST", "/api/v1/diary/{diary_id}/photos"): (
            {"diary_id": day},
            {},
            {"file": PHOTO},
            missing,
        ),
        ("GET", "/api/v1/problems"): ({}, to_b, None, {200}),
        ("POST", "/api/v1/problems"): (
            {},
            {},
            {**to_b, "title": "x", "category": "infrastructure"},
            missing,
        ),
        ("GET", "/api/v1/problems/{problem_id}"): ({"problem_id": problem.pk}, {}, None, missing),
        ("PATCH", "/api/v1/problems/{problem_id}"): (
            {"problem_id": problem.pk},
            {},
            {"title": "x"},
            missing,
        ),
        ("POST", "/api/v1/imports"): ({}, {}, {"area": village_b.code, "file": LEDGER}, missing),
        ("GET", "/api/v1/imports/{import_id}"): ({"import_id": job.pk}, {}, None, missing),
        ("POST", "/api/v1/imports/{import_id}/load"): ({"import_id": job.pk}, {}, {}, missing),
        ("GET", "/api/v1/imports/{import_id}/report"): ({"import_id": job.pk}, {}, None, missing),
        ("POST", "/api/v1/exports"): (
            {},
            {},
            {"ledger": "person_roster", "area": village_b.code, "file_format": "csv"},
            missing,
        ),
        ("GET", "/api/v1/exports/{export_id}"): ({"export_id": export.pk}, {}, None, missing),
        ("GET", "/api/v1/exports/{export_id}/file"): (
            {"export_id": export.pk},
            {},
            None,
            missing,
        ),
        ("POST", "/api/v1/problems/{problem_id}/move"): (
            {"problem_id": problem.pk},
            {},
            {"status": "analysing"},
            missing,
        ),
    }


def operations() -> list[tuple[str, str]]:
    schema = api.get_openapi_schema()
    return [
        (method.upper(), path) for path, methods in schema["paths"].items() for method in methods
    ]


@pytest.mark.timeout(240)
@pytest.mark.parametrize("role", ROLES)
def test_no_role_of_one_village_reaches_another_village_through_the_api(
    county,  # noqa: F811
    role,
    settings,
    tmp_path,
):
    settings.MEDIA_ROOT = tmp_path
    village_a, village_b = county
    rows = mark_village(village_b)
    secrets = [
        MARK,
        *Person.objects.filter(area_code=village_b.code)
        .values_list("id_number", flat=True)
        .exclude(id_number=None)[:50],
    ]
    client = api_client_for(persona(village_a, role), raise_request_exception=False)
    aimed = aimed_at_b(rows, village_b)
    before = fingerprint(village_b)
    unknown = [op for op in operations() if op not in aimed]
    problems = []
    for method, template in operations():
        if (method, template) not in aimed:
            continue
        params, query, body, allowed = aimed[(method, template)]
        path = template.format(**params)
        if body is not None and "file" in body:
            name = "photo.gif" if body["file"] is PHOTO else "ledger.csv"
            body = {**body, "file": SimpleUploadedFile(name, body["file"])}
            response = client.post(path, body)
        else:
            response = client.generic(
                method,
                path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""),
                json.dumps(body) if body is not None else "",
                content_type="application/json",
                headers={"Idempotency-Key": f"walk-{role}"},
            )
        text = response.content.decode(errors="replace")
        if response.status_code not in allowed:
            problems.append(f"{method} {path}: {response.status_code}, not {sorted(allowed)}")
        found = leaks(text, secrets)
        if found:
            problems.append(f"{method} {path}: shows {found[:2]}")
    assert not unknown, f"API operations this walk does not aim: {unknown}"
    assert not problems, "\n".join(problems)
    assert fingerprint(village_b) == before
