"""Write the API's OpenAPI schema to docs/api/openapi.json (or print it), so that a change of
the API shows as a change of that file."""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from villagedesk.api.v1 import api

SCHEMA_PATH = Path(settings.BASE_DIR) / "docs" / "api" / "openapi.json"


def schema_text() -> str:
    return json.dumps(api.get_openapi_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


class Command(BaseCommand):
    help = "Write the API's OpenAPI schema to docs/api/openapi.json (--check: only compare)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="exit 1 if the committed schema differs"
        )

    def handle(self, *args, check=False, **options):
        text = schema_text()
        if check:
            if not SCHEMA_PATH.exists() or SCHEMA_PATH.read_text(encoding="utf-8") != text:
                self.stderr.write(
                    "docs/api/openapi.json differs from the API: run manage.py api_schema"
                )
                raise SystemExit(1)
            self.stdout.write("docs/api/openapi.json is the API's schema.")
            return
        SCHEMA_PATH.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {SCHEMA_PATH}")
