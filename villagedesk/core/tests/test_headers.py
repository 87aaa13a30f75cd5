"""Security headers: a strict Content-Security-Policy with a nonce per response, a
Permissions-Policy, and nothing a logged-in user is sent kept in a cache."""

import re
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.urls import reverse
from playwright.sync_api import expect

from villagedesk.areas.models import PointOfInterest
from villagedesk.core.middleware import tile_origin
from villagedesk.registry.models import Household
from villagedesk.registry.tests.factories import HouseholdFactory

NONCE_IN_HEADER = re.compile(r"'nonce-([^']+)'")
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
DATA_TYPE = re.compile(r"""type=["']application/(?:ld\+)?json["']""")
NONCE_ATTRIBUTE = 'nonce="{{ request.csp_nonce }}"'


def policy(response) -> dict[str, list[str]]:
    directives = {}
    for part in response["Content-Security-Policy"].split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def test_pages_send_a_strict_content_security_policy(client):
    directives = policy(client.get(reverse("accounts:login")))
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]  # no nonce when the page has no inline script
    assert directives["style-src"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["form-action"] == ["'self'"]
    everything = [source for sources in directives.values() for source in sources]
    assert "'unsafe-eval'" not in everything
    assert "'unsafe-inline'" not in directives["script-src"] + directives["style-src"]


def test_map_tile_host_is_allowed_for_images_only(client, settings):
    settings.MAP_TILE_URL = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    directives = policy(client.get(reverse("accounts:login")))
    assert directives["img-src"] == ["'self'", "data:", "https://*.tiles.example.org"]
    assert directives["default-src"] == ["'self'"]


def test_tile_origin_of_this_site_adds_nothing():
    assert tile_origin("/tiles/{z}/{x}/{y}.png") is None
    assert tile_origin("") is None
    assert tile_origin("http://10.0.0.5:8080/{z}/{x}/{y}.png") == "http://10.0.0.5:8080"


def inline_script_nonces(html: str) -> list[str]:
    nonces = []
    for attributes in INLINE_SCRIPT.findall(html):
        if DATA_TYPE.search(attributes):
            continue  # json_script data is never run
        found = re.search(r'nonce="([^"]+)"', attributes)
        nonces.append(found.group(1) if found else "")
    return nonces


def test_nonce_differs_per_response_and_matches_the_inline_scripts(client, cadre_a):
    client.force_login(cadre_a)
    nonces = []
    for _ in range(2):
        response = client.get(reverse("fieldwork:coverage"))
        assert response.status_code == 200
        (nonce,) = NONCE_IN_HEADER.findall(response["Content-Security-Policy"])
        scripts = inline_script_nonces(response.content.decode())
        assert scripts and set(scripts) == {nonce}
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_permissions_policy_allows_only_the_position(client):
    header = client.get(reverse("accounts:login"))["Permissions-Policy"]
    features = dict(item.split("=") for item in header.split(", "))
    assert features.pop("geolocation") == "(self)"
    assert features["camera"] == "()" and features["microphone"] == "()"
    assert set(features.values()) == {"()"}


def test_referrer_stays_on_this_site(client):
    assert client.get(reverse("accounts:login"))["Referrer-Policy"] == "same-origin"


def test_page_for_logged_in_user_is_not_stored(client, cadre_a):
    """Pages kept for reading offline are revalidated instead (core/tests/test_offline.py)."""
    HouseholdFactory(village=cadre_a.assignments.get().area)
    client.force_login(cadre_a)
    response = client.get(reverse("registry:household-edit", args=[Household.objects.get().pk]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def test_export_download_is_not_stored(client, cadre_a):
    client.force_login(cadre_a)
    response = client.get(reverse("directory:contact-export-xlsx"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]


def test_photo_is_not_stored(client, cadre_a, village_a, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    point = PointOfInterest.objects.create(
        village=village_a, category="school", name="大河小学", latitude=25.55, longitude=102.47
    )
    point.photo.save("school.jpg", ContentFile(b"\xff\xd8\xff\xe0 not really a picture"))
    client.force_login(cadre_a)
    response = client.get(reverse("directory:point-photo", args=[point.pk]))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


def template_files() -> list[Path]:
    roots = [Path(d) for d in django_settings.TEMPLATES[0]["DIRS"]]
    roots += sorted(Path(django_settings.BASE_DIR, "villagedesk").glob("*/templates"))
    return sorted(path for root in roots for path in root.rglob("*.html"))


def test_templates_have_no_inline_handlers_and_nonce_every_inline_script():
    offending = []
    for path in template_files():
        html = path.read_text(encoding="utf-8")
        if EVENT_HANDLER.search(html):
            offending.append(f"{path}: inline event handler")
        for attributes in INLINE_SCRIPT.findall(html):
            if not DATA_TYPE.search(attributes) and NONCE_ATTRIBUTE not in attributes:
                offending.append(f"{path}: <script{attributes}> without the nonce")
    assert template_files()
    assert offending == []


# In Chromium, with the policy in force.

XSS_NAME = "<img src=x onerror=\"document.title='pwned'\">"


def csp_violations(page) -> list[str]:
    messages: list[str] = []
    page.on(
        "console",
        lambda message: (
            messages.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return messages


def browser_login(page, url):
    page.goto(f"{url}/accounts/login/")
    page.fill("#id_username", "cadre_a")
    page.fill("#id_password", "pw-for-tests-1")
    page.click("form:has(#id_password) button[type=submit]")
    page.wait_for_url(lambda address: "/login/" not in address)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_map_page_runs_under_the_policy_and_a_hostile_point_name_stays_inert(
    live_server, browser, cadre_a, village_a
):
    PointOfInterest.objects.create(
        village=village_a, category="school", name="大河小学", latitude=25.5531, longitude=102.4702
    )
    PointOfInterest.objects.create(
        village=village_a, category="other", name=XSS_NAME, latitude=25.5512, longitude=102.4671
    )
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.dismiss())
    browser_login(page, live_server.url)
    violations = csp_violations(page)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/directory/profile/{village_a.code}/")
    expect(page.locator("#village-map path.leaflet-interactive")).to_have_count(2)
    expect(page.locator("#chart-pyramid canvas")).to_have_count(1)
    page.wait_for_load_state("networkidle")
    assert page.title() != "pwned"
    assert errors == []
    # Only the hostile name's handler may have been refused; the page itself needs nothing.
    assert [v for v in violations if "inline event handler" not in v] == []
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_household_list_runs_under_the_policy(live_server, browser, cadre_a, village_a):
    HouseholdFactory(village=village_a)
    context = browser.new_context(viewport={"width": 1000, "height": 800})
    page = context.new_page()
    browser_login(page, live_server.url)
    violations = csp_violations(page)
    page.goto(f"{live_server.url}/registry/households/")
    page.fill("#id_q", "no such name")
    expect(page.locator("#results")).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert violations == []
    context.close()
