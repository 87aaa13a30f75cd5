"""Production serves: static files collected into a manifest, pages rendered with DEBUG off,
gunicorn answering, and `check --deploy` refusing what would make every page answer 500."""

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.checks import run_checks
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from villagedesk.core import checks
from villagedesk.settings import caches_from_url

PRODUCTION_STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
STATIC_URL_PATTERN = re.compile(r"""(?:src|href)="(/static/[^"]+)\"""")
HASHED = re.compile(r"\.[0-9a-f]{12}\.(?:js|css|svg|png)$")
MANIFEST = "staticfiles.json"
# The test database and the browser fixture's async escape hatch are not production's.
IDENTITY_KEY = "cHJvZHVjdGlvbi1rZXktb2YtMzItYnl0ZXMtLS0tLS0="
LEFT_OUT_OF_PRODUCTION = {"DATABASE_URL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}


@pytest.fixture(scope="module")
def collected(tmp_path_factory) -> Path:
    """The project's static files collected as in production (hashed, compressed, a manifest)."""
    root = tmp_path_factory.mktemp("static")
    with override_settings(STATIC_ROOT=root, STORAGES=PRODUCTION_STORAGES):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


@pytest.fixture
def production(settings, collected):
    settings.DEBUG = False
    settings.STATIC_ROOT = collected
    settings.STORAGES = PRODUCTION_STORAGES
    settings.SECRET_KEY = "a-key-given-by-the-environment-" + "x" * 40
    return settings


def static_urls(html: str) -> list[str]:
    return STATIC_URL_PATTERN.findall(html)


def assert_served_hashed(response):
    assert response.status_code == 200
    urls = static_urls(response.content.decode())
    assert urls
    assert [url for url in urls if not HASHED.search(url)] == []


def test_collectstatic_resolves_every_reference_of_the_vendored_files(collected):
    manifest = json.loads((collected / MANIFEST).read_text())["paths"]
    assert "vendor/leaflet-1.9.4.css" in manifest
    css = (collected / manifest["vendor/leaflet-1.9.4.css"]).read_text()
    assert re.search(r'url\("images/layers\.[0-9a-f]{12}\.png"\)', css)
    assert "sourceMappingURL" not in (collected / "vendor/leaflet-1.9.4.js").read_text()


def test_login_page_renders_with_debug_off(client, production):
    assert_served_hashed(client.get(reverse("accounts:login")))


def test_home_page_renders_with_debug_off(client, production, cadre_a):
    client.force_login(cadre_a)
    assert_served_hashed(client.get(reverse("reports:home")))


def test_village_map_renders_with_debug_off(client, production, cadre_a, village_a):
    client.force_login(cadre_a)
    response = client.get(reverse("directory:profile", args=[village_a.code]))
    assert_served_hashed(response)
    assert any("leaflet-1.9.4." in url for url in static_urls(response.content.decode()))


def production_environment(static_root: Path, var_dir: Path) -> dict[str, str]:
    """This process's environment with the settings production sets, and its own SQLite."""
    return {
        **{k: v for k, v in os.environ.items() if k not in LEFT_OUT_OF_PRODUCTION},
        "DEBUG": "false",
        "SECRET_KEY": "a-key-given-by-the-environment-" + "x" * 40,
        "IDENTITY_KEYS": f"prod:{IDENTITY_KEY}",
        "IDENTITY_HASH_KEY": IDENTITY_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(static_root),
        "VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "villagedesk.settings",
    }


def gunicorn_started(collected: Path, var_dir: Path) -> tuple[subprocess.Popen, str]:
    """Start gunicorn with production settings on a port the system picks; return it and its URL."""
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "villagedesk.wsgi",
        "--bind=127.0.0.1:0",
        "--workers=1",
        "--graceful-timeout=2",
        "--no-control-socket",
    ]
    server = subprocess.Popen(  # noqa: S603  (our own interpreter and arguments)
        command,
        cwd=django_settings.BASE_DIR,
        env=production_environment(collected, var_dir),
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        line = server.stderr.readline()
        found = re.search(r"Listening at: (http://127\.0\.0\.1:\d+)", line)
        if found:
            return server, found.group(1)
        if not line and server.poll() is not None:
            break
    server.kill()
    raise AssertionError(f"gunicorn did not start: {server.stderr.read()}")


def test_gunicorn_serves_login_page_and_static_files_after_collectstatic(collected, tmp_path):
    server, url = gunicorn_started(collected, tmp_path)
    try:
        with urllib.request.urlopen(f"{url}/accounts/login/", timeout=10) as page:  # noqa: S310
            assert page.status == 200
            html = page.read().decode()
            assert "Content-Security-Policy" in page.headers
        stylesheet = next(u for u in static_urls(html) if u.endswith(".css"))
        assert HASHED.search(stylesheet)
        with urllib.request.urlopen(f"{url}{stylesheet}", timeout=10) as asset:  # noqa: S310
            assert asset.status == 200
            assert "immutable" in asset.headers["Cache-Control"]
            assert b".topbar" in asset.read()
    finally:
        server.send_signal(signal.SIGTERM)
        server.communicate(timeout=10)


@pytest.fixture
def deploying(settings, tmp_path):
    """Production settings with a given key and an empty STATIC_ROOT."""
    settings.DEBUG = False
    settings.STORAGES = PRODUCTION_STORAGES
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()
    settings.SECRET_KEY = "a-key-given-by-the-environment-" + "x" * 40
    settings.IDENTITY_KEYS = f"prod:{IDENTITY_KEY}"
    settings.IDENTITY_HASH_KEY = IDENTITY_KEY
    settings.IDENTITY_KEYS_DERIVED = False
    settings.CACHES = caches_from_url("redis://127.0.0.1:6379/0")
    return settings


def error_ids(messages) -> list[str]:
    return [message.id for message in messages]


def test_check_deploy_fails_without_static_manifest(tmp_path):
    checked = subprocess.run(  # noqa: S603  (our own interpreter and manage.py)
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=django_settings.BASE_DIR,
        env=production_environment(tmp_path / "static", tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert checked.returncode == 1
    assert "villagedesk.E002" in checked.stderr


def test_check_deploy_passes_with_collected_static_files(deploying, collected):
    deploying.STATIC_ROOT = collected
    messages = run_checks(include_deployment_checks=True)
    assert [m.id for m in messages if m.id.startswith("villagedesk.")] == []


def test_unreadable_manifest_is_refused(deploying):
    (deploying.STATIC_ROOT / MANIFEST).write_text("{not json", encoding="utf-8")
    assert error_ids(checks.static_manifest_complete()) == ["villagedesk.E001"]


def test_manifest_older_than_static_files_is_refused(deploying, collected):
    stored = json.loads((collected / MANIFEST).read_text())
    del stored["paths"]["js/villagedesk.js"]
    (deploying.STATIC_ROOT / MANIFEST).write_text(json.dumps(stored), encoding="utf-8")
    messages = checks.static_manifest_complete()
    assert error_ids(messages) == ["villagedesk.E003"]
    assert "js/villagedesk.js" in messages[0].msg


def test_manifest_is_not_asked_for_without_manifest_storage(deploying, settings):
    settings.STORAGES = {
        **PRODUCTION_STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    assert checks.static_manifest_complete() == []


def test_debug_is_refused_at_deployment(deploying):
    deploying.DEBUG = True
    assert error_ids(checks.not_debugging()) == ["villagedesk.E004"]


def test_development_key_is_refused_at_deployment(deploying, tmp_path):
    key_file = tmp_path / "secret_key"
    key_file.write_text("generated-for-development\n", encoding="utf-8")
    deploying.GENERATED_SECRET_KEY_FILE = key_file
    assert checks.secret_key_given() == []
    deploying.SECRET_KEY = "generated-for-development"
    assert error_ids(checks.secret_key_given()) == ["villagedesk.E005"]


def test_a_cache_of_each_process_is_refused_at_deployment(deploying):
    assert checks.cache_shared() == []
    deploying.CACHES = caches_from_url("")
    assert error_ids(checks.cache_shared()) == ["villagedesk.E008"]
