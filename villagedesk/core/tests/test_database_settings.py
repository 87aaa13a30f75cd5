"""Workers keep their database connection unless told otherwise, and check it before use."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings

PRINT_DATABASE = (
    "import json; from django.conf import settings; d = settings.DATABASES['default']; "
    "print(json.dumps([d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS']]))"
)


def database_settings(tmp_path, **env) -> list:
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in {"DB_CONN_MAX_AGE", "DATABASE_URL"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="villagedesk.settings",
        VAR_DIR=str(tmp_path),
        DATABASE_URL="postgres://villagedesk@127.0.0.1:5432/villagedesk",
        **env,
    )
    run = subprocess.run(  # noqa: S603  (our own interpreter and code)
        [sys.executable, "-c", PRINT_DATABASE],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(run.stdout)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, [600, True]),
        ({"DB_CONN_MAX_AGE": "0"}, [0, True]),
        ({"DB_CONN_MAX_AGE": "60"}, [60, True]),
    ],
)
def test_connections_are_kept_by_default_and_checked_before_use(tmp_path, env, expected):
    assert database_settings(tmp_path, **env) == expected
