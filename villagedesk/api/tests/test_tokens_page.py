"""The access-token page: a user makes a token (its secret shown once, then never again) and
revokes their own; another user's token is 404."""

import re

from django.urls import reverse

from villagedesk.api.models import AccessToken
from villagedesk.api.services import secret_digest, token_create
from villagedesk.core.concurrency import form_token_new

SECRET = re.compile(r"vd_[A-Za-z0-9_-]{20,}")


def test_a_new_token_shows_its_secret_once(client, cadre_a):
    client.force_login(cadre_a)
    response = client.post(
        reverse("api:token-list"), {"name": "医保系统", "scope": "write", "expires_in": 90}
    )
    secret = SECRET.search(response.content.decode()).group()
    token = AccessToken.objects.get()
    assert (token.user, token.scope, token.digest) == (cadre_a, "write", secret_digest(secret))
    assert token.expires_at is not None
    later = client.get(reverse("api:token-list")).content.decode()
    assert "医保系统" in later
    assert secret not in later


def test_a_token_form_sent_twice_makes_one_token(client, cadre_a):
    client.force_login(cadre_a)
    data = {"name": "t", "scope": "read", "expires_in": 30, "form_token": form_token_new()}
    client.post(reverse("api:token-list"), data)
    client.post(reverse("api:token-list"), data)
    assert AccessToken.objects.count() == 1


def test_a_user_revokes_their_token(client, cadre_a):
    token, _secret = token_create(by=cadre_a, name="t", scope="read", expires_at=None)
    client.force_login(cadre_a)
    client.post(reverse("api:token-revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_another_users_token_is_404(client, cadre_a, cadre_b):
    token, _secret = token_create(by=cadre_b, name="t", scope="read", expires_at=None)
    client.force_login(cadre_a)
    assert client.post(reverse("api:token-revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_page_needs_a_login(client):
    response = client.get(reverse("api:token-list"))
    assert response.status_code == 302
