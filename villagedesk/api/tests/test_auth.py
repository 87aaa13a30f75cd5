"""Who may call: personal access tokens (hashed, scoped, expiring, revocable), the session of
the product's own pages (CSRF on writes), and a throttle per token; every refusal in the one
error body, in the caller's language."""

import datetime

from django.core.cache import cache
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from villagedesk.api.models import AccessToken
from villagedesk.api.services import secret_digest, token_create, token_revoke
from villagedesk.api.tests.conftest import ApiClient
from villagedesk.audit.models import AuditEvent, Kind

AREAS = "/api/v1/areas"


def test_a_token_is_kept_only_as_its_hash(cadre_a):
    token, secret = token_create(by=cadre_a, name="医保", scope="read", expires_at=None)
    stored = AccessToken.objects.get(pk=token.pk)
    assert secret not in {stored.digest, stored.prefix, stored.name}
    assert stored.digest == secret_digest(secret)
    assert secret.startswith(stored.prefix)


def test_a_token_answers_as_its_user(cadre_a, village_a):
    _token, secret = token_create(by=cadre_a, name="t", scope="read", expires_at=None)
    response = ApiClient(secret).get(AREAS)
    assert response.status_code == 200
    assert [a["code"] for a in response.json()["items"]] == [village_a.code]


def test_no_token_is_401_with_the_error_body(db):
    response = ApiClient().get(AREAS)
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert set(response.json()) == {"code", "message", "details"}


def test_the_message_is_in_the_callers_language(db):
    english = ApiClient(language="en").get(AREAS)
    chinese = ApiClient(language="zh-Hans").get(AREAS)
    assert english.json()["message"].startswith("Send a valid access token")
    assert english["Content-Language"] == "en"
    assert chinese["Content-Language"] == "zh-hans"


def test_a_wrong_secret_is_401(cadre_a):
    token_create(by=cadre_a, name="t", scope="read", expires_at=None)
    assert ApiClient("vd_not-a-token").get(AREAS).status_code == 401


def test_an_expired_token_is_401(cadre_a):
    past = timezone.now() - datetime.timedelta(seconds=1)
    _token, secret = token_create(by=cadre_a, name="t", scope="read", expires_at=past)
    assert ApiClient(secret).get(AREAS).status_code == 401


def test_a_revoked_token_is_401(cadre_a):
    token, secret = token_create(by=cadre_a, name="t", scope="read", expires_at=None)
    token_revoke(by=cadre_a, token=token)
    assert ApiClient(secret).get(AREAS).status_code == 401


def test_a_token_of_an_inactive_user_is_401(cadre_a):
    _token, secret = token_create(by=cadre_a, name="t", scope="read", expires_at=None)
    cadre_a.is_active = False
    cadre_a.save()
    assert ApiClient(secret).get(AREAS).status_code == 401


def test_a_read_token_cannot_write(cadre_a, village_a):
    _token, secret = token_create(by=cadre_a, name="t", scope="read", expires_at=None)
    response = ApiClient(secret).post(
        "/api/v1/households",
        {"village": village_a.code, "number": "9"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "read_only_token"


def test_use_is_noted_at_most_once_a_minute(cadre_a):
    token, secret = token_create(by=cadre_a, name="t", scope="read", expires_at=None)
    client = ApiClient(secret)
    client.get(AREAS)
    first = AccessToken.objects.get(pk=token.pk).last_used_at
    assert first is not None
    client.get(AREAS)
    assert AccessToken.objects.get(pk=token.pk).last_used_at == first


def test_making_and_revoking_a_token_are_audited(cadre_a):
    token, _secret = token_create(by=cadre_a, name="医保", scope="write", expires_at=None)
    token_revoke(by=cadre_a, token=token)
    events = AuditEvent.objects.filter(kind=Kind.PERMISSION_CHANGE, object_type="api.accesstoken")
    assert [e.details["action"] for e in events.order_by("id")] == [
        "token_created",
        "token_revoked",
    ]
    assert all(e.user_id == cadre_a.pk for e in events)


def test_the_session_of_the_pages_reads(cadre_a, village_a):
    client = ApiClient(enforce_csrf_checks=True)
    client.force_login(cadre_a)
    assert client.get(AREAS).status_code == 200


def test_a_session_write_without_its_csrf_token_is_refused(cadre_a, village_a):
    client = ApiClient(enforce_csrf_checks=True)
    client.force_login(cadre_a)
    response = client.post(
        "/api/v1/households",
        {"village": village_a.code, "number": "9"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"


def test_a_session_write_with_its_csrf_token_passes(cadre_a, village_a):
    client = ApiClient(enforce_csrf_checks=True)
    client.force_login(cadre_a)
    client.get("/accounts/tokens/")
    csrf = client.cookies["csrftoken"].value
    response = client.post(
        "/api/v1/households",
        {"village": village_a.code, "number": "9"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf,
    )
    assert response.status_code == 201


def test_each_token_is_throttled_on_its_own(cadre_a, settings):
    settings.API_RATE = "3/min"
    cache.clear()
    _t, first = token_create(by=cadre_a, name="a", scope="read", expires_at=None)
    _t, second = token_create(by=cadre_a, name="b", scope="read", expires_at=None)
    statuses = [ApiClient(first).get(AREAS).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    throttled = ApiClient(first).get(AREAS)
    assert throttled.json()["code"] == "throttled"
    assert int(throttled["Retry-After"]) > 0
    assert ApiClient(second).get(AREAS).status_code == 200


def test_a_session_owing_its_code_is_401_not_a_redirect(cadre_a):
    TOTPDevice.objects.create(user=cadre_a, name="authenticator", confirmed=True)
    client = ApiClient()
    client.force_login(cadre_a)
    response = client.get(AREAS)
    assert response.status_code == 401
    assert response.json()["code"] == "second_factor_due"
    assert set(response.json()) == {"code", "message", "details"}
    assert "Location" not in response
    assert client.get("/accounts/tokens/").status_code == 302


def test_a_session_owing_an_app_its_role_requires_is_401(county_supervisor, settings):
    settings.OTP_REQUIRED_ROLES = ["county_supervisor"]
    client = ApiClient()
    client.force_login(county_supervisor)
    response = client.post("/api/v1/households", "{}", content_type="application/json")
    assert response.status_code == 401
    assert response.json()["code"] == "second_factor_due"
    assert response["Content-Type"] == "application/json; charset=utf-8"


def test_a_token_is_answered_whatever_its_users_session_owes(cadre_a):
    TOTPDevice.objects.create(user=cadre_a, name="authenticator", confirmed=True)
    _t, secret = token_create(by=cadre_a, name="t", scope="read", expires_at=None)
    client = ApiClient(secret)
    client.force_login(cadre_a)
    assert client.get(AREAS).status_code == 200
