"""Converters shared by every app: a row id in a URL's path, a number in a query string or form."""

import re

from django.http import Http404

# Ids of 1 to 18 digits fit a 64-bit signed integer, as every database stores ids.
SENT_NUMBER_RE = re.compile(r"[0-9]{1,18}")


class IdConverter:
    """A row id: digits that fit a 64-bit signed integer, as every database stores ids.

    A longer number does not match the URL (a 404) rather than reaching the database, where
    SQLite would raise OverflowError and answer 500.
    """

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > 2**63 - 1:
            raise ValueError(value)
        return number

    def to_url(self, value) -> str:
        return str(int(value))


def number_or_none(value) -> int | None:
    """A number or id sent in a query string or form, or None when it is not 1 to 18 ASCII
    digits.

    `str.isdigit()` also passes digits `int()` refuses (², full-width ３) and numbers past 64
    bits, which the database refuses: either would answer 500.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and SENT_NUMBER_RE.fullmatch(value):
        return int(value)
    return None


def numbers_of(values) -> list[int]:
    """The numbers among values sent in a form's field of many, the others left out."""
    return [n for n in map(number_or_none, values or []) if n is not None]


def number_or_404(value) -> int:
    """An id sent in a query string or form that names the row a page is about; 404 when it is
    not a number."""
    number = number_or_none(value)
    if number is None:
        raise Http404
    return number
