import datetime
import ipaddress

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from villagedesk.accounts.models import LoginFailure
from villagedesk.accounts.network import client_address

pytestmark = pytest.mark.django_db


def login(client, username, password, **extra):
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, **extra
    )


def test_login_page_in_both_languages(client):
    assert "Log in to Village Desk" in client.get(reverse("accounts:login")).content.decode()
    client.cookies["django_language"] = "zh-hans"
    assert "登录" in client.get(reverse("accounts:login")).content.decode()


def test_good_login_goes_home(client, cadre_a):
    response = login(client, "cadre_a", "pw-for-tests-1")
    assert response.status_code == 302 and response["Location"] == reverse("reports:home")


def test_next_to_another_site_is_ignored(client, cadre_a):
    response = client.post(
        reverse("accounts:login") + "?next=https://evil.example/",
        {"username": "cadre_a", "password": "pw-for-tests-1", "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("reports:home")


def test_wrong_password_says_so_and_is_recorded(client, cadre_a):
    response = login(client, "cadre_a", "nope")
    assert "username or password is wrong" in response.content.decode()
    assert LoginFailure.objects.filter(username="cadre_a").count() == 1


def test_repeated_failures_lock_the_name_even_with_the_right_password(client, cadre_a, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        login(client, "cadre_a", "nope")
    response = login(client, "cadre_a", "pw-for-tests-1")
    assert response.status_code == 429
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_five_failures_for_a_name_then_a_429(client, cadre_a, settings):
    assert settings.LOGIN_FAILURE_LIMIT == 5
    for _ in range(5):
        assert login(client, "cadre_a", "nope").status_code == 200
    assert login(client, "cadre_a", "nope").status_code == 429


def test_one_failure_short_of_the_limit_still_logs_in(client, cadre_a, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        login(client, "cadre_a", "nope")
    assert login(client, "cadre_a", "pw-for-tests-1").status_code == 302


def test_the_password_is_not_even_checked_while_throttled(client, cadre_a, settings, monkeypatch):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        login(client, "cadre_a", "nope")
    checked = []
    monkeypatch.setattr(
        "django.contrib.auth.forms.authenticate", lambda *args, **kwargs: checked.append(kwargs)
    )
    assert login(client, "cadre_a", "nope").status_code == 429
    assert login(client, "cadre_a", "pw-for-tests-1").status_code == 429
    assert checked == []
    assert LoginFailure.objects.filter(username="cadre_a").count() == settings.LOGIN_FAILURE_LIMIT


def test_a_name_is_throttled_whatever_its_case(client, cadre_a, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        login(client, "CADRE_A", "nope")
    assert login(client, "Cadre_A", "pw-for-tests-1").status_code == 429


def test_one_address_guessing_many_names_is_throttled(client, cadre_a, settings):
    for n in range(settings.LOGIN_FAILURE_LIMIT * 4):
        login(client, f"guess{n}", "nope", REMOTE_ADDR="203.0.113.9")
    assert login(client, "cadre_a", "pw-for-tests-1", REMOTE_ADDR="203.0.113.9").status_code == 429
    assert login(client, "cadre_a", "pw-for-tests-1", REMOTE_ADDR="203.0.113.10").status_code == 302


def test_failures_older_than_the_window_are_forgiven(client, cadre_a, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        login(client, "cadre_a", "nope")
    minutes = settings.LOGIN_FAILURE_WINDOW_MINUTES + 1
    LoginFailure.objects.update(at=timezone.now() - datetime.timedelta(minutes=minutes))
    assert login(client, "cadre_a", "pw-for-tests-1").status_code == 302


def test_success_clears_earlier_failures(client, cadre_a, settings):
    for _ in range(settings.LOGIN_FAILURE_LIMIT - 1):
        login(client, "cadre_a", "nope")
    login(client, "cadre_a", "pw-for-tests-1")
    assert not LoginFailure.objects.filter(username="cadre_a").exists()


def test_logout_needs_a_post(client, cadre_a):
    client.force_login(cadre_a)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_language_choice_is_remembered_in_cookie_and_account(client, cadre_a):
    client.force_login(cadre_a)
    response = client.post(reverse("accounts:language-set"), {"language": "zh-hans", "next": "/"})
    assert response.cookies["django_language"].value == "zh-hans"
    cadre_a.refresh_from_db()
    assert cadre_a.language == "zh-hans"
    assert "首页" in client.get(reverse("reports:home")).content.decode()


def test_language_follows_the_user_to_a_new_device(client, cadre_a):
    cadre_a.language = "zh-hans"
    cadre_a.save()
    response = login(client, "cadre_a", "pw-for-tests-1")
    assert response.cookies["django_language"].value == "zh-hans"


def test_unknown_language_is_ignored(client, cadre_a):
    client.force_login(cadre_a)
    client.post(reverse("accounts:language-set"), {"language": "xx"})
    cadre_a.refresh_from_db()
    assert cadre_a.language == ""


def staff(user):
    user.is_staff = True
    user.is_superuser = True
    user.save()
    return user


def admin_login(client, username, password, **extra):
    return client.post(
        reverse("admin:login"), {"username": username, "password": password}, **extra
    )


def test_the_admin_login_is_the_application_login(client, cadre_a):
    staff(cadre_a)
    response = admin_login(client, "cadre_a", "pw-for-tests-1")
    assert response.status_code == 302 and response["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_locked_account_cannot_log_in_at_the_admin(client, cadre_a, settings):
    staff(cadre_a)
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        login(client, "cadre_a", "nope")
    response = admin_login(client, "cadre_a", "pw-for-tests-1")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_failures_at_the_admin_count_towards_the_limit(client, cadre_a, settings):
    staff(cadre_a)
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        assert admin_login(client, "cadre_a", "nope").status_code == 200
    assert login(client, "cadre_a", "pw-for-tests-1").status_code == 429


PROXY = "10.0.0.2"


def test_failures_of_one_client_behind_the_proxy_do_not_lock_out_another(client, cadre_a, settings):
    settings.TRUSTED_PROXIES = [ipaddress.ip_network(PROXY)]
    for n in range(20):
        login(client, f"guess{n}", "nope", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")
    other = login(
        client, "cadre_a", "pw-for-tests-1", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.8"
    )
    assert other.status_code == 302
    again = login(client, "guess99", "nope", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert again.status_code == 429


def forwarded(remote, header=None):
    request = RequestFactory().get("/", REMOTE_ADDR=remote)
    if header is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = header
    return client_address(request)


def test_the_forwarded_header_of_an_untrusted_address_is_ignored(settings):
    settings.TRUSTED_PROXIES = [ipaddress.ip_network(PROXY)]
    assert forwarded("203.0.113.9", "198.51.100.7") == "203.0.113.9"


def test_the_client_is_the_first_untrusted_address_from_the_right(settings):
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("10.0.0.0/24")]
    # The client wrote "1.2.3.4" itself; the proxies appended what they saw.
    assert forwarded("10.0.0.2", "1.2.3.4, 198.51.100.7, 10.0.0.3") == "198.51.100.7"


def test_a_trusted_proxy_without_the_header_is_the_client(settings):
    settings.TRUSTED_PROXIES = [ipaddress.ip_network(PROXY)]
    assert forwarded(PROXY) == PROXY
    assert forwarded(PROXY, "not an address") == PROXY


def test_no_proxy_is_trusted_by_default():
    assert forwarded("10.0.0.2", "198.51.100.7") == "10.0.0.2"
