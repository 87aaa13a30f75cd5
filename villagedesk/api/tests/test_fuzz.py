"""schemathesis against the live schema: every operation with generated parameters and bodies
(a fixed seed, ten examples each), as a cadre with a write token over a village with
households, visits and problems. No answer is a server error, and every answer conforms to the
schema: its status is one the operation declares, with the declared body."""

import json

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from villagedesk.api.services import token_create
from villagedesk.api.v1 import api
from villagedesk.fieldwork.tests.factories import make_problem, make_visit

# Valid requests only (the coverage phase's deliberately malformed ones are for a later run),
# ten of each operation, from a fixed seed.
CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 20,
        "phases": {"coverage": {"enabled": False}},
        "generation": {"mode": "positive", "max-examples": 10},
    }
)
schema = schemathesis.openapi.from_dict(
    json.loads(json.dumps(api.get_openapi_schema())), config=CONFIG
)
schema.app = get_wsgi_application()

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def caller(settings, tmp_path, cadre_a, cadre_b, homes):
    settings.API_RATE = "100000/min"
    settings.MEDIA_ROOT = tmp_path
    make_visit(household=homes["a"], visitor=cadre_a)
    make_problem(village=homes["a"].village, by=cadre_a)
    make_problem(village=homes["b"].village, by=cadre_b)
    _token, secret = token_create(by=cadre_a, name="fuzz", scope="write", expires_at=None)
    # The WSGI handler closes the database connection before and after each request, as a
    # server should; the test's transaction lives on that connection, so it stays open (as
    # Django's test client keeps it).
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    # Schemathesis calls the WSGI application directly and does not undo a gzipped answer: the
    # answers are asked for uncompressed (compression has its own tests, core/test_page_weight).
    yield {
        "Authorization": f"Bearer {secret}",
        "Accept-Language": "zh-Hans",
        "Accept-Encoding": "identity",
    }
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=10,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_every_generated_request_as_its_schema_says(case, caller):
    case.call_and_validate(headers=caller, checks=CHECKS)
