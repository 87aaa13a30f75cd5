"""Password rules (length 10, three character classes) and the page to change one's own."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from villagedesk.accounts.models import User

pytestmark = pytest.mark.django_db


def refused(password, user=None) -> list[str]:
    try:
        validate_password(password, user)
    except ValidationError as error:
        return error.messages
    return []


@pytest.mark.parametrize(
    "password", ["Kx9#mPq2", "kx9mpq2wvz", "KXMPQWVZRT", "kx-mp-qw-vz", "4491027736"]
)
def test_short_or_simple_passwords_are_refused(password):
    assert refused(password)


@pytest.mark.parametrize(
    "password", ["kx9mpq2wvzr#", "Kx9mpq2wvzr", "KX-MP-QW-VZ-7", "Мир-2026-пч"]
)
def test_ten_characters_of_three_classes_pass(password):
    assert refused(password) == []


def test_the_demo_password_is_refused_for_anyone_else(cadre_a):
    assert refused("demo12345", cadre_a)


def test_a_password_of_two_classes_is_refused_whatever_its_length():
    messages = refused("kxmpqwvzrt12345678")
    assert any("too few kinds of characters" in m for m in messages)


def test_the_rule_is_explained_beside_the_password_field(client, cadre_a):
    client.force_login(cadre_a)
    page = client.get(reverse("accounts:password-change")).content.decode()
    assert "at least 10 characters" in page and "lower case letters" in page


def change(client, old, new):
    return client.post(
        reverse("accounts:password-change"),
        {"old_password": old, "new_password1": new, "new_password2": new},
    )


def test_the_menu_links_to_the_password_page(client, cadre_a):
    client.force_login(cadre_a)
    page = client.get(reverse("reports:home")).content.decode()
    assert reverse("accounts:password-change") in page


def test_a_user_changes_their_password(client, cadre_a):
    client.force_login(cadre_a)
    response = change(client, "pw-for-tests-1", "Neu-Passwort-2026")
    assert response.status_code == 302
    cadre_a.refresh_from_db()
    assert cadre_a.check_password("Neu-Passwort-2026")
    # The session that changed it stays logged in.
    assert client.get(reverse("reports:home")).status_code == 200


def test_the_new_password_must_follow_the_rules(client, cadre_a):
    client.force_login(cadre_a)
    response = change(client, "pw-for-tests-1", "demo12345")
    assert response.status_code == 200
    assert "too few kinds of characters" in response.content.decode()
    assert User.objects.get(pk=cadre_a.pk).check_password("pw-for-tests-1")


def test_the_old_password_must_be_given(client, cadre_a):
    client.force_login(cadre_a)
    assert change(client, "wrong", "Neu-Passwort-2026").status_code == 200
    assert User.objects.get(pk=cadre_a.pk).check_password("pw-for-tests-1")


def test_the_password_page_needs_a_login(client):
    response = client.get(reverse("accounts:password-change"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_the_password_page_in_chinese(client, cadre_a):
    client.force_login(cadre_a)
    client.cookies["django_language"] = "zh-hans"
    page = client.get(reverse("accounts:password-change")).content.decode()
    assert "旧密码" in page  # Django's own catalogue labels the form
