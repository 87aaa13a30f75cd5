"""Seals and keyed hashes of identity numbers, and the keys they need: given in production,
derived from the development key elsewhere, refused when missing or malformed."""

import base64
import hmac
import subprocess
import sys

import pytest
from django.conf import settings as django_settings

from villagedesk.core import checks, sealing
from villagedesk.core.tests.test_production import IDENTITY_KEY, production_environment

NUMBER = "53012819800517001X"
OTHER_KEY = base64.b64encode(b"k" * 32).decode()


def error_ids(messages) -> list[str]:
    return [message.id for message in messages]


def test_a_seal_opens_to_the_number_and_differs_every_time():
    first, second = sealing.seal(NUMBER), sealing.seal(NUMBER)
    assert first != second and NUMBER not in first
    assert sealing.unseal(first) == sealing.unseal(second) == NUMBER
    assert len(first) <= sealing.SEALED_MAX_LENGTH


def test_the_hashes_are_the_same_every_time_and_differ_between_numbers():
    assert sealing.identity_hash(NUMBER) == sealing.identity_hash(NUMBER)
    assert sealing.identity_hash(NUMBER) != sealing.identity_hash("530128198005170029")
    assert sealing.tail_hash(NUMBER) == sealing.tail_hash("001X")
    assert sealing.identity_hash(NUMBER).startswith(sealing.tail_hash("001X"))
    low, high = sealing.tail_range("7001X")
    assert low <= sealing.identity_hash(NUMBER) < high
    assert not low <= sealing.identity_hash("530128198005170029") < high
    assert sealing.identity_lookup([NUMBER]) == {NUMBER: sealing.identity_hash(NUMBER)}


def test_the_hashes_are_hmac_sha256_under_the_hash_key(settings):
    key = base64.b64decode(settings.IDENTITY_HASH_KEY)
    tail = hmac.new(key, b"tail:001X", "sha256").hexdigest()[:8]
    whole = hmac.new(key, b"number:" + NUMBER.encode(), "sha256").hexdigest()[:24]
    assert sealing.identity_hash(NUMBER) == tail + whole
    assert sealing.tail_hash(NUMBER) == tail


def test_bulk_sealing_writes_what_the_fields_write():
    other = "530128198005170029"
    sealed, hashes = sealing.sealed_with_hashes([NUMBER, None, other, NUMBER])
    assert [sealing.unseal(s) for s in sealed if s] == [NUMBER, other, NUMBER]
    assert sealed[1] is None and sealed[0] != sealed[3]
    assert hashes == [
        sealing.identity_hash(n) if n else None for n in (NUMBER, None, other, NUMBER)
    ]
    known = ["given", None, None, None]
    assert sealing.sealed_with_hashes([NUMBER, None, other, NUMBER], known)[1][0] == "given"


def test_the_hashes_depend_on_the_hash_key(settings):
    before = sealing.identity_hash(NUMBER)
    settings.IDENTITY_HASH_KEY = OTHER_KEY
    assert sealing.identity_hash(NUMBER) != before


def test_a_seal_moved_under_another_key_id_does_not_open(settings):
    settings.IDENTITY_KEYS = f"a:{OTHER_KEY},b:{OTHER_KEY}"
    sealed = sealing.seal(NUMBER)
    assert sealed.startswith("a:")
    with pytest.raises(sealing.IdentityKeyError, match="does not open"):
        sealing.unseal("b:" + sealed[2:])


def test_a_damaged_seal_is_a_clear_error():
    sealed = sealing.seal(NUMBER)
    with pytest.raises(sealing.IdentityKeyError, match="damaged"):
        sealing.unseal(sealed[:-6] + "AAAA==")


@pytest.mark.parametrize(
    ("keys", "message"),
    [
        (None, "must be set"),
        ("", "must be set"),
        (OTHER_KEY, "id:base64"),
        (f"Upper:{OTHER_KEY}", "lower-case"),
        ("k1:c2hvcnQ=", "32 random bytes"),
        ("k1:not base64!", "32 random bytes"),
        (f"k1:{OTHER_KEY},k1:{OTHER_KEY}", "twice"),
    ],
)
def test_missing_or_malformed_keys_are_refused_at_every_command(settings, keys, message):
    settings.IDENTITY_KEYS = keys
    messages = checks.identity_keys_usable()
    assert error_ids(messages) == ["villagedesk.E006"]
    assert message in messages[0].msg
    with pytest.raises(sealing.IdentityKeyError, match=message):
        sealing.seal(NUMBER)


def test_a_malformed_hash_key_is_refused(settings):
    settings.IDENTITY_HASH_KEY = "c2hvcnQ="
    assert error_ids(checks.identity_keys_usable()) == ["villagedesk.E006"]


def test_given_keys_pass_and_derived_ones_are_refused_at_deployment(settings):
    settings.IDENTITY_KEYS_DERIVED = True
    assert error_ids(checks.identity_keys_given()) == ["villagedesk.E007"]
    settings.IDENTITY_KEYS, settings.IDENTITY_HASH_KEY = f"k1:{OTHER_KEY}", OTHER_KEY
    settings.IDENTITY_KEYS_DERIVED = False
    assert checks.identity_keys_given() == []
    assert checks.identity_keys_usable() == []


def manage_check(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603  (our own interpreter and manage.py)
        [sys.executable, "manage.py", "check"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_without_identity_keys_refuses_to_start(tmp_path):
    env = production_environment(tmp_path / "static", tmp_path)
    del env["IDENTITY_KEYS"], env["IDENTITY_HASH_KEY"]
    checked = manage_check(env)
    assert checked.returncode == 1
    assert "villagedesk.E006" in checked.stderr
    assert "IDENTITY_KEYS and IDENTITY_HASH_KEY must be set" in checked.stderr


def test_production_with_identity_keys_starts(tmp_path):
    env = production_environment(tmp_path / "static", tmp_path)
    assert env["IDENTITY_HASH_KEY"] == IDENTITY_KEY
    checked = manage_check(env)
    assert checked.returncode == 0, checked.stderr
