"""Deployment checks (`manage.py check --deploy`) for what Django's own checks let through.

With the manifest storage every page looks its static files up in the manifest that
`collectstatic` writes; without it (or with one older than the static files) every page, the
login page included, answers 500. DEBUG and the development key are only warnings in Django's
checks; serving personal data with either is an error here, and so are identity keys derived
from the development key and a cache that each server process keeps for itself. Missing or
malformed identity keys are refused at every command, not only at deployment: no identity
number could be written or read.
"""

import os
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.checks import CheckMessage, Error, Tags, register
from django.core.files.storage import storages

from villagedesk.core import sealing

MISSING_SHOWN = 5
COLLECT_HINT = "Run `manage.py collectstatic --noinput` after every install or upgrade."


def static_files_found() -> set[str]:
    """Every path collectstatic would collect, as the manifest names it."""
    ignore = apps.get_app_config("staticfiles").ignore_patterns
    found = set()
    for finder in finders.get_finders():
        for path, storage in finder.list(ignore):
            prefix = getattr(storage, "prefix", None)
            found.add((os.path.join(prefix, path) if prefix else path).replace(os.sep, "/"))
    return found


@register(Tags.staticfiles, deploy=True)
def static_manifest_complete(app_configs=None, **kwargs) -> list[CheckMessage]:
    """Refuse a manifest storage whose manifest is missing, unreadable or lacks a static file."""
    try:
        storage = storages["staticfiles"]
        if not isinstance(storage, ManifestFilesMixin):
            return []
        content = storage.read_manifest()
        paths, _ = storage.load_manifest()
    except (OSError, ValueError) as error:
        return [
            Error(
                f"The static files' manifest cannot be read: {error}",
                hint=COLLECT_HINT,
                id="villagedesk.E001",
            )
        ]
    if content is None:
        location = Path(settings.STATIC_ROOT) / storage.manifest_name
        return [
            Error(
                f"The static files' manifest {location} is missing: every page would answer 500.",
                hint=COLLECT_HINT,
                id="villagedesk.E002",
            )
        ]
    missing = sorted(static_files_found() - set(paths))
    if missing:
        shown = ", ".join(missing[:MISSING_SHOWN])
        more = f" and {len(missing) - MISSING_SHOWN} more" if len(missing) > MISSING_SHOWN else ""
        return [
            Error(
                f"The static files' manifest lacks {shown}{more}: pages using them answer 500.",
                hint=COLLECT_HINT,
                id="villagedesk.E003",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def not_debugging(app_configs=None, **kwargs) -> list[CheckMessage]:
    """Refuse DEBUG in production: error pages would show settings and personal data."""
    if settings.DEBUG:
        return [
            Error(
                "DEBUG is on: error pages would show settings, queries and personal data.",
                hint="Set DEBUG=false.",
                id="villagedesk.E004",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def secret_key_given(app_configs=None, **kwargs) -> list[CheckMessage]:
    """Refuse the key generated into var/ for development: production gives its own."""
    path = Path(settings.GENERATED_SECRET_KEY_FILE)
    try:
        generated = path.read_text(encoding="utf-8").strip()
    except OSError:
        return []
    if generated == settings.SECRET_KEY:
        return [
            Error(
                f"SECRET_KEY is the development key generated into {path}.",
                hint="Set SECRET_KEY or SECRET_KEY_FILE (see .env.example).",
                id="villagedesk.E005",
            )
        ]
    return []


@register(Tags.security)
def identity_keys_usable(app_configs=None, **kwargs) -> list[CheckMessage]:
    """Refuse, at every command, an installation whose identity numbers cannot be sealed or
    opened: keys missing (a given SECRET_KEY without IDENTITY_KEYS) or malformed."""
    try:
        sealing.keyring()
    except sealing.IdentityKeyError as error:
        return [
            Error(
                str(error),
                hint="Set IDENTITY_KEYS and IDENTITY_HASH_KEY (see docs/operations.md).",
                id="villagedesk.E006",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def identity_keys_given(app_configs=None, **kwargs) -> list[CheckMessage]:
    """Refuse identity keys derived from the development key: production gives its own."""
    if settings.IDENTITY_KEYS_DERIVED:
        return [
            Error(
                "IDENTITY_KEYS or IDENTITY_HASH_KEY is derived from the development key.",
                hint="Set IDENTITY_KEYS and IDENTITY_HASH_KEY (see docs/operations.md).",
                id="villagedesk.E007",
            )
        ]
    return []


@register(Tags.caches, deploy=True)
def cache_shared(app_configs=None, **kwargs) -> list[CheckMessage]:
    """Refuse a cache kept in each process's memory: the API's rate per token would hold once
    in every gunicorn worker, and figures kept in one worker would be counted again in each."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith(("LocMemCache", "DummyCache")):
        return [
            Error(
                "The cache is each server process's own memory: an access token may call the "
                "API at its rate in every worker.",
                hint="Set CACHE_URL=redis://127.0.0.1:6379/0 (see docs/operations.md).",
                id="villagedesk.E008",
            )
        ]
    return []
