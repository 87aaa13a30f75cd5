"""Sessions end after SESSION_IDLE_MINUTES without use, and SESSION_COOKIE_AGE after login."""

import datetime

import pytest
import time_machine
from django.urls import reverse

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def log_in(client):
    response = client.post(
        reverse("accounts:login"), {"username": "cadre_a", "password": "pw-for-tests-1"}
    )
    assert response.status_code == 302


def test_a_session_unused_past_the_idle_limit_ends_with_a_message(client, cadre_a, settings):
    with time_machine.travel(START, tick=False) as clock:
        log_in(client)
        clock.shift(datetime.timedelta(minutes=settings.SESSION_IDLE_MINUTES, seconds=1))
        response = client.get(reverse("registry:household-list"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login") + "?next=")
        assert "_auth_user_id" not in client.session
        page = client.get(response["Location"]).content.decode()
        assert "logged out after 30 minutes without activity" in page


def test_use_within_the_idle_limit_keeps_the_session(client, cadre_a, settings):
    with time_machine.travel(START, tick=False) as clock:
        log_in(client)
        for _ in range(4):
            clock.shift(datetime.timedelta(minutes=settings.SESSION_IDLE_MINUTES - 1))
            assert client.get(reverse("registry:household-list")).status_code == 200


def test_the_idle_limit_is_a_setting(client, cadre_a, settings):
    settings.SESSION_IDLE_MINUTES = 5
    with time_machine.travel(START, tick=False) as clock:
        log_in(client)
        clock.shift(datetime.timedelta(minutes=6))
        assert client.get(reverse("registry:household-list")).status_code == 302


def test_a_session_ends_at_its_absolute_age_however_busy(client, cadre_a, settings):
    assert settings.SESSION_COOKIE_AGE == 12 * 3600
    with time_machine.travel(START, tick=False) as clock:
        log_in(client)
        for _ in range(12 * 3):
            clock.shift(datetime.timedelta(minutes=20))
            assert client.get(reverse("registry:household-list")).status_code == 200
        clock.shift(datetime.timedelta(minutes=1))
        response = client.get(reverse("registry:household-list"))
        assert response.status_code == 302
        assert "_auth_user_id" not in client.session


def test_an_htmx_request_after_the_idle_limit_reloads_the_login_page(client, cadre_a, settings):
    with time_machine.travel(START, tick=False) as clock:
        log_in(client)
        clock.shift(datetime.timedelta(minutes=31))
        response = client.get(reverse("registry:household-list"), HTTP_HX_REQUEST="true")
        assert response["HX-Redirect"].startswith(reverse("accounts:login"))


def test_a_session_without_a_login_time_gets_one_and_still_times_out(client, cadre_a):
    with time_machine.travel(START, tick=False) as clock:
        client.force_login(cadre_a)
        assert client.get(reverse("registry:household-list")).status_code == 200
        clock.shift(datetime.timedelta(minutes=31))
        assert client.get(reverse("registry:household-list")).status_code == 302


def test_the_service_worker_keeping_pages_is_not_activity(client, cadre_a, settings):
    with time_machine.travel(START, tick=False) as clock:
        log_in(client)
        clock.shift(datetime.timedelta(minutes=settings.SESSION_IDLE_MINUTES - 1))
        kept = client.get(reverse("registry:household-list"), HTTP_X_OFFLINE_KEEPING="1")
        assert kept.status_code == 200
        # Idle since the login, not since the keeping.
        clock.shift(datetime.timedelta(minutes=2))
        assert client.get(reverse("registry:household-list")).status_code == 302
