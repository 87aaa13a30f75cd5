"""Issue 19, "Offline": the pages the service worker may keep (the cadre's village, its forms)
say so, every other answer to a logged-in user stays `no-store`, a revealed number above all,
and the worker keeps nothing sent `no-store`; the worker and the manifest are served from the
site's root; logging out has the browser drop what it kept."""

import json

import pytest
from django.http import HttpResponse
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone

from villagedesk.core.offline import keeping_sets_no_cookie
from villagedesk.registry.codes import Relation
from villagedesk.registry.tests.factories import HouseholdFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def household(village_a):
    household = HouseholdFactory(village=village_a, number="A-001")
    PersonFactory(household=household, name="张三", relation=Relation.HEAD)
    return household


def kept(response) -> bool:
    control = response.headers.get("Cache-Control", "")
    return response.status_code == 200 and "no-store" not in control and "no-cache" in control


def test_the_village_and_its_forms_may_be_kept_for_reading_offline(client, cadre_a, household):
    client.force_login(cadre_a)
    today = timezone.localdate().isoformat()
    for url in [
        reverse("registry:household-list"),
        household.get_absolute_url(),
        reverse("fieldwork:household-visits", args=[household.pk]),
        reverse("fieldwork:visit-create") + f"?household={household.pk}",
        reverse("fieldwork:problem-create"),
        reverse("fieldwork:diary-edit", args=[today]),
    ]:
        response = client.get(url)
        assert kept(response), url
        assert "private" in response["Cache-Control"], url


def test_a_revealed_number_is_never_kept(client, cadre_a, household):
    client.force_login(cadre_a)
    head = household.head()
    response = client.post(reverse("registry:person-reveal", args=[head.pk, "id_number"]))
    assert head.id_number in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    api = client.get(f"/api/v1/persons/{head.pk}", {"reveal": "id_number"})
    assert head.id_number in api.content.decode()
    assert "no-store" in api["Cache-Control"]


def test_pages_not_marked_are_not_kept(client, cadre_a, household):
    client.force_login(cadre_a)
    for url in [
        reverse("fieldwork:visit-list"),
        reverse("registry:household-edit", args=[household.pk]),
    ]:
        assert "no-store" in client.get(url)["Cache-Control"], url


def test_a_page_kept_offline_is_not_kept_for_another_village(client, cadre_a, village_b):
    other = HouseholdFactory(village=village_b, number="B-001")
    client.force_login(cadre_a)
    response = client.get(other.get_absolute_url())
    assert response.status_code == 404
    assert "no-store" in response["Cache-Control"]


def test_the_worker_is_served_from_the_root_and_keeps_nothing_sent_no_store(client):
    response = client.get(reverse("service-worker"))
    text = response.content.decode()
    assert reverse("service-worker") == "/sw.js"
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert json.dumps(static("js/offline.js")) in text
    assert "!/no-store/i.test(control)" in text
    assert "&quot;" not in text and "&#x27;" not in text


def test_the_manifest_names_the_app_in_the_users_language(client, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    manifest = client.get(reverse("manifest"), HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    assert manifest["name"] == "驻村工作台"
    assert manifest["start_url"] == "/" and manifest["display"] == "standalone"
    assert manifest["icons"][0]["src"] == static("favicon.svg")


def test_the_offline_page_is_there_for_pages_not_kept(client, cadre_a):
    client.force_login(cadre_a)
    assert kept(client.get(reverse("offline")))


def test_logging_out_clears_what_the_browser_kept(client, cadre_a):
    client.force_login(cadre_a)
    response = client.post(reverse("accounts:logout"))
    assert response["Clear-Site-Data"] == '"cache", "storage"'


def test_every_page_names_its_user_and_the_worker_only_when_logged_in(client, cadre_a):
    anonymous = client.get(reverse("accounts:login")).content.decode()
    assert "data-service-worker" not in anonymous and "offline-words" not in anonymous
    client.force_login(cadre_a)
    page = client.get(reverse("registry:household-list")).content.decode()
    assert f'data-user="{cadre_a.pk}"' in page
    assert 'id="offline-words"' in page and "data-logout" in page


def test_the_workers_background_keeping_sets_no_csrf_cookie(client, cadre_a, household, settings):
    """Landing after the user logged out and opened the login form, an answer to the worker's
    keeping must not put the old CSRF cookie back under that form."""
    client.force_login(cadre_a)
    url = reverse("registry:household-list")
    kept_page = client.get(url, HTTP_X_OFFLINE_KEEPING="1")
    assert kept(kept_page)
    assert 'name="csrfmiddlewaretoken"' in kept_page.content.decode()
    assert settings.CSRF_COOKIE_NAME not in kept_page.cookies
    assert settings.CSRF_COOKIE_NAME in client.get(url).cookies


def test_the_workers_background_keeping_sets_no_session_cookie(rf, settings):
    def answer(request):
        response = HttpResponse("page")
        response.set_cookie(settings.SESSION_COOKIE_NAME, "old-session")
        response.set_cookie(settings.CSRF_COOKIE_NAME, "old-secret")
        response.set_cookie("django_language", "zh-hans")
        return response

    middleware = keeping_sets_no_cookie(answer)
    kept_page = middleware(rf.get("/", HTTP_X_OFFLINE_KEEPING="1"))
    assert set(kept_page.cookies) == {"django_language"}
    asked = middleware(rf.get("/"))
    assert {settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME} <= set(asked.cookies)


def test_the_worker_names_its_keeping(client):
    worker = client.get(reverse("service-worker")).content.decode()
    assert 'const KEEPING_HEADER = "X-Offline-Keeping";' in worker
    assert '[KEEPING_HEADER]: "1"' in worker
