"""Personal numbers are masked exactly: what is kept, what is hidden, at each length."""

import pytest
from django.http import QueryDict

from villagedesk.core.masking import (
    id_number_shown,
    mask_id_number,
    mask_phone,
    phone_shown,
    query_masked,
    query_shown,
)


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


NUMBER = "110105194912310021"


@pytest.mark.parametrize(
    "typed",
    [
        NUMBER,
        " 1101 0519 4912 3100 21 ",  # typed in groups, with stray blanks
        "１１０１０５１９４９１２３１００２１",  # full-width digits
    ],
)
def test_a_number_typed_in_a_search_box_is_shown_back_masked(typed):
    shown = query_shown(typed)
    assert shown == mask_id_number(NUMBER)
    assert NUMBER not in shown


def test_a_number_ending_in_x_is_shown_masked_whatever_the_case():
    assert query_shown("11010519491231002x") == mask_id_number("11010519491231002X")


def test_fifteen_digits_are_an_identity_number_fourteen_are_not():
    assert query_shown("110105491231002") == mask_id_number("110105491231002")
    assert query_shown("11010549123100") == "11010549123100"


@pytest.mark.parametrize(
    "typed",
    ["张三", "zs", "0021", "13812345678", "ABCDEFGHIJKLMNOPQR", "1101X5194912310021", ""],
)
def test_anything_else_typed_is_shown_as_typed(typed):
    assert query_shown(typed) == typed


def test_a_query_is_shown_with_its_search_masked_and_the_rest_kept():
    query = QueryDict(f"q={NUMBER}&village=534021101201&page=2")
    shown = query_masked(query)
    assert shown["q"] == mask_id_number(NUMBER)
    assert shown["village"] == "534021101201" and shown["page"] == "2"
    assert query["q"] == NUMBER  # the request's own query is left as it came


def test_a_query_without_a_number_is_shown_as_it_came():
    for text in ("village=534021101201", "q=%E5%BC%A0%E4%B8%89&status=poor", ""):
        query = QueryDict(text)
        assert query_masked(query) == query
