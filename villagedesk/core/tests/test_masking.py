"""Personal numbers are masked exactly: what is kept, what is hidden, at each length."""

import pytest

from villagedesk.core.masking import id_number_shown, mask_id_number, mask_phone, phone_shown


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("", ""),
        ("5", "*"),
        ("530128198", "*********"),
        ("5301281980", "**********"),  # 10: nothing would be hidden between the ends
        ("53012819800", "530128*9800"),  # 11: the first that shows its ends
        ("530128198005", "530128**8005"),
        ("53012819800517001X", "530128********001X"),  # 18: a full number
    ],
)
def test_identity_number_keeps_the_first_six_and_last_four(number, masked):
    assert mask_id_number(number) == masked


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("", ""),
        ("1", "*"),
        ("1380013", "*******"),  # 7: too short to show any end
        ("13800138", "138*0138"),  # 8: the first that shows its ends
        ("13800138000", "138****8000"),  # 11: a mobile number
        ("+8613800138000", "+86*******8000"),
    ],
)
def test_phone_keeps_the_first_three_and_last_four(phone, masked):
    assert mask_phone(phone) == masked


@pytest.mark.parametrize("shown", [id_number_shown, phone_shown])
def test_nothing_shows_as_empty_text(shown):
    assert shown(None, reveal=True) == ""
    assert shown(None, reveal=False) == ""
    assert shown("", reveal=True) == ""
    assert shown("", reveal=False) == ""


def test_identity_number_in_full_only_for_a_viewer_who_may_reveal():
    assert id_number_shown("53012819800517001X", reveal=True) == "53012819800517001X"
    assert id_number_shown("53012819800517001X", reveal=False) == "530128********001X"


def test_phone_in_full_only_for_a_viewer_who_may_reveal():
    assert phone_shown("13800138000", reveal=True) == "13800138000"
    assert phone_shown("13800138000", reveal=False) == "138****8000"
