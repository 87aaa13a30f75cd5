"""The second factor: enrolling an authenticator app, the code after the password, the roles
that require one, and the admin site behind the same step."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from villagedesk.accounts import second_factor

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 2, 9, 0, 10, tzinfo=datetime.UTC)
PASSWORD = "pw-for-tests-1"


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(START, tick=False) as clock:
        yield clock


def code_for(key: str, steps_ahead: int = 0) -> str:
    return f"{totp(bytes.fromhex(key), t0=-30 * steps_ahead):06d}"


def with_app(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def log_in(client, username, next_url=None):
    data = {"username": username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("accounts:login"), data)


def give_code(client, code, next_url=""):
    return client.post(reverse("accounts:second-factor-verify"), {"code": code, "next": next_url})


def test_without_an_app_the_password_is_enough(client, cadre_a):
    assert log_in(client, "cadre_a")["Location"] == reverse("reports:home")
    assert client.get(reverse("registry:household-list")).status_code == 200


def test_with_an_app_the_password_leads_to_the_code(client, cadre_a):
    with_app(cadre_a)
    response = log_in(client, "cadre_a")
    assert response["Location"].startswith(reverse("accounts:second-factor-verify"))


def test_before_the_code_every_other_page_sends_back_to_it(client, cadre_a):
    with_app(cadre_a)
    log_in(client, "cadre_a")
    for url in [
        reverse("reports:home"),
        reverse("registry:household-list"),
        reverse("accounts:password-change"),
        reverse("accounts:second-factor-enrol"),
    ]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:second-factor-verify")), url


def test_the_right_code_opens_the_pages_and_keeps_next(client, cadre_a):
    device = with_app(cadre_a)
    log_in(client, "cadre_a", next_url=reverse("registry:household-list"))
    response = give_code(client, code_for(device.key), reverse("registry:household-list"))
    assert response["Location"] == reverse("registry:household-list")
    assert client.get(reverse("registry:household-list")).status_code == 200


def test_a_wrong_code_is_refused(client, cadre_a):
    device = with_app(cadre_a)
    log_in(client, "cadre_a")
    response = give_code(client, f"{(int(code_for(device.key)) + 1) % 1_000_000:06d}")
    assert response.status_code == 200
    assert "This code is wrong" in response.content.decode()
    assert client.get(reverse("reports:home")).status_code == 302


def test_after_a_wrong_code_the_next_try_waits(client, cadre_a, fixed_clock):
    device = with_app(cadre_a)
    log_in(client, "cadre_a")
    give_code(client, "000000" if code_for(device.key) != "000000" else "111111")
    response = give_code(client, code_for(device.key))
    assert "Too many wrong codes" in response.content.decode()
    fixed_clock.shift(datetime.timedelta(seconds=2))
    assert give_code(client, code_for(device.key)).status_code == 302


def test_a_code_once_used_is_refused_again(client, cadre_a, django_user_model):
    device = with_app(cadre_a)
    code = code_for(device.key)
    log_in(client, "cadre_a")
    assert give_code(client, code).status_code == 302
    client.logout()
    log_in(client, "cadre_a")
    response = give_code(client, code)
    assert response.status_code == 200
    assert "already used" in response.content.decode()


def test_enrolment_shows_the_secret_as_text_and_as_a_qr_code(client, cadre_a):
    client.force_login(cadre_a)
    page = client.get(reverse("accounts:second-factor-enrol")).content.decode()
    key = client.session[second_factor.ENROL_KEY_SESSION_KEY]
    assert second_factor.secret_text(key) in page
    assert "otpauth://totp/Village%20Desk%3Acadre_a?secret=" in page
    assert 'src="data:image/svg+xml' in page
    assert not TOTPDevice.objects.exists()


def test_enrolment_is_confirmed_by_a_code_and_asked_at_the_next_login(client, cadre_a):
    client.force_login(cadre_a)
    client.get(reverse("accounts:second-factor-enrol"))
    key = client.session[second_factor.ENROL_KEY_SESSION_KEY]
    response = client.post(reverse("accounts:second-factor-enrol"), {"code": code_for(key)})
    assert response.status_code == 302
    device = TOTPDevice.objects.get(user=cadre_a)
    assert device.confirmed and device.key == key
    client.logout()
    assert log_in(client, "cadre_a")["Location"].startswith(
        reverse("accounts:second-factor-verify")
    )
    # The code that confirmed the app does not also pass the login.
    assert give_code(client, code_for(key)).status_code == 200


def test_enrolment_with_a_wrong_code_keeps_nothing(client, cadre_a):
    client.force_login(cadre_a)
    client.get(reverse("accounts:second-factor-enrol"))
    response = client.post(reverse("accounts:second-factor-enrol"), {"code": "12345x"})
    assert response.status_code == 200
    response = client.post(reverse("accounts:second-factor-enrol"), {"code": "000001"})
    assert "not the one the app shows" in response.content.decode()
    assert not TOTPDevice.objects.exists()


def test_a_new_app_replaces_the_old_one(client, cadre_a):
    old = with_app(cadre_a)
    client.force_login(cadre_a)
    session = client.session
    session[second_factor.DUE_SESSION_KEY] = ""
    session.save()
    client.get(reverse("accounts:second-factor-enrol"))
    key = client.session[second_factor.ENROL_KEY_SESSION_KEY]
    client.post(reverse("accounts:second-factor-enrol"), {"code": code_for(key)})
    assert list(TOTPDevice.objects.filter(user=cadre_a).values_list("key", flat=True)) == [key]
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()


def test_a_required_role_is_sent_to_enrolment_and_kept_there(client, county_supervisor, settings):
    settings.OTP_REQUIRED_ROLES = ["county_supervisor", "administrator"]
    response = log_in(client, "supervisor")
    assert response["Location"].startswith(reverse("accounts:second-factor-enrol"))
    home = client.get(reverse("reports:home"))
    assert home["Location"].startswith(reverse("accounts:second-factor-enrol"))
    page = client.get(reverse("accounts:second-factor-enrol"))
    assert "Your role requires a code" in page.content.decode()
    key = client.session[second_factor.ENROL_KEY_SESSION_KEY]
    client.post(reverse("accounts:second-factor-enrol"), {"code": code_for(key)})
    assert client.get(reverse("reports:home")).status_code == 200


def test_roles_not_listed_need_no_app(client, cadre_a, settings):
    settings.OTP_REQUIRED_ROLES = ["county_supervisor"]
    assert log_in(client, "cadre_a")["Location"] == reverse("reports:home")


def test_a_superuser_counts_as_administrator(cadre_a, settings):
    settings.OTP_REQUIRED_ROLES = ["administrator"]
    assert not second_factor.required_for(cadre_a)
    cadre_a.is_superuser = True
    assert second_factor.required_for(cadre_a)


def test_the_admin_login_asks_for_the_code_too(client, cadre_a):
    cadre_a.is_staff = cadre_a.is_superuser = True
    cadre_a.save()
    device = with_app(cadre_a)
    response = client.post(reverse("admin:login"), {"username": "cadre_a", "password": PASSWORD})
    assert response["Location"].startswith(reverse("accounts:second-factor-verify"))
    assert client.get(reverse("admin:index"))["Location"].startswith(
        reverse("accounts:second-factor-verify")
    )
    response = give_code(client, code_for(device.key), reverse("admin:index"))
    assert response["Location"] == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_admin_refuses_a_session_owing_its_code(rf, cadre_a):
    from django.contrib import admin

    cadre_a.is_staff = True
    with_app(cadre_a)
    request = rf.get("/admin/")
    request.user = cadre_a
    cadre_a.is_verified = lambda: False
    request.session = {}
    assert not admin.site.has_permission(request)


def test_an_optional_app_can_be_removed(client, cadre_a):
    device = with_app(cadre_a)
    log_in(client, "cadre_a")
    give_code(client, code_for(device.key))
    client.post(reverse("accounts:second-factor-remove"))
    assert not TOTPDevice.objects.exists()
    client.logout()
    assert log_in(client, "cadre_a")["Location"] == reverse("reports:home")


def test_a_required_app_cannot_be_removed(client, county_supervisor, settings):
    settings.OTP_REQUIRED_ROLES = ["county_supervisor"]
    device = with_app(county_supervisor)
    log_in(client, "supervisor")
    give_code(client, code_for(device.key))
    response = client.post(reverse("accounts:second-factor-remove"), follow=True)
    assert "cannot be removed" in response.content.decode()
    assert TOTPDevice.objects.exists()


def test_the_pages_of_the_step_in_chinese(client, cadre_a):
    with_app(cadre_a)
    client.cookies["django_language"] = "zh-hans"
    log_in(client, "cadre_a")
    page = client.get(reverse("accounts:second-factor-verify"))
    assert page.status_code == 200
    assert '<html lang="zh-CN">' in page.content.decode()
