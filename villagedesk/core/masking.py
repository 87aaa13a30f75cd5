"""Personal numbers as others see them: masked unless the viewer may reveal them.

Every page, export and answer that shows an identity or phone number passes it through here.
"""

import re
import unicodedata

from django.http import QueryDict

# The length of the shorter identity number (of the first generation; the second's is 18): a
# number typed as long as it is one, or nearly all of one. A phone number is shorter.
ID_TYPED = 15
# Identity-number characters typed in a search box: digits, a final X.
TYPED_NUMBER_RE = re.compile(r"^\d+X?$")


def mask_id_number(number: str) -> str:
    """The first 6 and the last 4 characters; the rest hidden."""
    if not number:
        return ""
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(phone: str) -> str:
    """The first 3 and the last 4 digits; the rest hidden."""
    if not phone:
        return ""
    if len(phone) < 8:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def id_number_shown(number: str | None, *, reveal: bool) -> str:
    """The identity number in full for a viewer who may reveal it, masked otherwise."""
    return (number or "") if reveal else mask_id_number(number or "")


def phone_shown(phone: str | None, *, reveal: bool) -> str:
    """The phone number in full for a viewer who may reveal it, masked otherwise."""
    return (phone or "") if reveal else mask_phone(phone or "")


def query_shown(text: str) -> str:
    """What was typed in a search box as the page shows it back: a number as long as an identity
    number masked like one; anything else (a name, the tail of a number, a phone number) as
    typed. A search for the masked form finds what the number found (`registry.search`)."""
    typed = "".join(unicodedata.normalize("NFKC", text).split()).upper()
    if len(typed) >= ID_TYPED and TYPED_NUMBER_RE.match(typed):
        return mask_id_number(typed)
    return text


def query_masked(query: QueryDict) -> QueryDict:
    """A page's query with what was typed in its search box (`q`) as `query_shown` shows it."""
    shown = query.copy()
    if "q" in shown:
        shown["q"] = query_shown(shown["q"])
    return shown
