"""Numbers and ids read from a query string or form: only 1 to 18 ASCII digits count."""

import pytest
from django.http import Http404

from villagedesk.core.converters import number_or_404, number_or_none, numbers_of


@pytest.mark.parametrize(
    "sent,number",
    [
        ("7", 7),
        (7, 7),
        ("9" * 18, int("9" * 18)),
        ("9" * 19, None),
        ("9" * 25, None),
        ("²", None),
        ("３", None),
        ("٣", None),
        (" 7", None),
        ("-7", None),
        ("abc", None),
        ("", None),
        (None, None),
        (True, None),
    ],
)
def test_only_plain_ascii_digits_are_a_number(sent, number):
    assert number_or_none(sent) == number


def test_numbers_of_leaves_out_what_is_not_a_number():
    assert numbers_of(["3", "²", "9" * 25, "abc", 4]) == [3, 4]
    assert numbers_of(None) == []


def test_number_or_404():
    assert number_or_404("12") == 12
    for sent in ("²", "9" * 25, "abc", None):
        with pytest.raises(Http404):
            number_or_404(sent)
