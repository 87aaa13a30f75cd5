"""The committed schema is the API's, the docs page works under the Content-Security-Policy,
and docs/api.md's example client gets one visit for two sendings of one key."""

import importlib.util
import json
from pathlib import Path

from django.conf import settings

from villagedesk.api.management.commands.api_schema import SCHEMA_PATH, schema_text
from villagedesk.api.services import token_create
from villagedesk.fieldwork.models import Visit

DOCS = Path(settings.BASE_DIR) / "docs"


def test_the_committed_schema_is_the_apis(db):
    """A change of the API must come with docs/api/openapi.json: run `manage.py api_schema`."""
    assert SCHEMA_PATH.read_text(encoding="utf-8") == schema_text(), (
        "The API changed: run `.venv/bin/python manage.py api_schema` and commit the schema"
    )


def test_the_live_schema_is_openapi_3_with_chinese_examples(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    text = json.dumps(schema, ensure_ascii=False)
    assert "老人说今年腿脚不好" in text
    assert "Idempotency-Key" in text


def test_the_docs_page_loads_its_scripts_from_this_site(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    body = response.content.decode()
    assert "cdn" not in body.lower()
    assert "/static/ninja/swagger-ui-bundle.js" in body
    assert "<script>" not in body


def example_client():
    path = DOCS / "api" / "visit_twice.py"
    spec = importlib.util.spec_from_file_location("visit_twice", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return path.read_text(encoding="utf-8"), module


def test_docs_api_md_shows_the_example_client_as_it_is():
    text, _module = example_client()
    assert text in (DOCS / "api.md").read_text(encoding="utf-8")


def test_the_example_client_gets_one_visit_for_two_sendings(live_server, cadre_a, homes, capsys):
    _text, module = example_client()
    _token, secret = token_create(by=cadre_a, name="app", scope="write", expires_at=None)
    assert module.main(live_server.url, secret, homes["a"].pk) == 0
    assert "first: 201" in capsys.readouterr().out
    assert Visit.objects.count() == 1
