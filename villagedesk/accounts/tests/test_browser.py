"""The login steps on a 375-px phone with JavaScript off, in Chinese: a supervisor whose role
requires a second factor enrols an app, then changes the password."""

import base64

import pytest
from django_otp.oath import totp

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone_without_script(browser):
    context = browser.new_context(
        viewport={"width": 375, "height": 812}, locale="zh-CN", java_script_enabled=False
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 375


@pytest.mark.timeout(60)
def test_enrolment_and_password_change_on_a_phone_without_script(
    live_server, phone_without_script, county_supervisor, settings, keep_screenshot
):
    settings.OTP_REQUIRED_ROLES = ["county_supervisor"]
    page = phone_without_script
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "supervisor")
    page.fill("#id_password", "pw-for-tests-1")
    page.click("button.primary")
    assert "/accounts/second-factor/" in page.url
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert fits_the_screen(page)
    keep_screenshot(page, "second-factor-enrol", full_page=True)

    secret = page.locator("code").first.inner_text().replace(" ", "")
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    page.fill("#id_code", f"{totp(key):06d}")
    page.click("button.primary")
    assert page.url == f"{live_server.url}/"

    page.goto(f"{live_server.url}/accounts/password/")
    assert fits_the_screen(page)
    keep_screenshot(page, "password-change", full_page=True)
    page.fill("#id_old_password", "pw-for-tests-1")
    page.fill("#id_new_password1", "Xin-Mima-2026")
    page.fill("#id_new_password2", "Xin-Mima-2026")
    page.click("button.primary")
    county_supervisor.refresh_from_db()
    assert county_supervisor.check_password("Xin-Mima-2026")
