"""The one search box of the registry: Chinese names, pinyin, initials, identity-number tails.

A long number typed is shown back masked (`core.masking.query_shown`), so a search for a masked
number is a search too: it finds the numbers that match it where it is not masked, as the page
asked again (another page of results, another filter) finds what the number typed found.
"""

import re
import unicodedata

from django.db.models import Exists, OuterRef, Q

from villagedesk.core.sealing import identity_hash, tail_range
from villagedesk.registry.models import Person

CJK_RE = re.compile(r"[\u3400-\u9fff]")
ID_TAIL_RE = re.compile(r"^\d{3,17}[\dX]?$|^\d{0,17}X$")
# A number as `core.masking.mask_id_number` shows it: up to 6 characters, stars, the last 4.
MASKED_RE = re.compile(r"^[\dX]{0,6}\*+[\dX]{4}$")


def normalise_query(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text or "").split())


def person_match(text: str) -> Q | None:
    """A filter on Person for what was typed, or None when nothing was typed.

    - Chinese characters match inside the name;
    - Latin letters match the start of the full pinyin (`zhangsan`, `zhang`) or of the
      initials (`zs`);
    - digits (a final X allowed) of four or more match the end of the identity number or the
      household number.
    """
    query = normalise_query(text)
    if not query:
        return None
    if CJK_RE.search(query):
        return Q(name__contains=query)
    upper = query.upper()
    if is_id_tail(upper) or is_masked(upper):
        return id_number_match(upper) | household_number_match(query, prefix="household__")
    if query.isdigit():
        return Q(household__number=query)
    letters = query.lower()
    if letters.isascii() and letters.isalpha():
        return Q(name_initials__startswith=letters) | Q(name_pinyin__startswith=letters)
    return Q(name__contains=query)


def household_match(text: str) -> Q | None:
    """A filter on Household for what was typed: households with a member `person_match`
    finds, or None when nothing was typed.

    Numbers are looked up before the households are read: an identity number or its tail
    through the index of the identity hashes, a household number through the households'
    own. Filtering on them directly, rather than on "a member matches" for every household,
    keeps the lookup an index range whatever the size of the county.
    """
    query = normalise_query(text)
    if not query:
        return None
    upper = query.upper()
    if is_id_tail(upper) or is_masked(upper):
        households = {household for _pk, household in id_number_holders(upper)}
        return Q(pk__in=sorted(households)) | household_number_match(query)
    if query.isdigit():
        return Q(number=query)
    return Q(Exists(Person.objects.filter(person_match(query), household=OuterRef("pk"))))


def is_id_tail(typed: str) -> bool:
    return bool(ID_TAIL_RE.match(typed)) and len(typed) >= 4


def is_masked(typed: str) -> bool:
    return bool(MASKED_RE.match(typed))


def typed_pattern(typed: str) -> str:
    """What was typed as a regular expression: each star of a masked number any one character."""
    return "".join("." if character == "*" else re.escape(character) for character in typed)


def household_number_match(query: str, *, prefix: str = "") -> Q:
    """A filter for the household number typed, or matching the masked number typed."""
    if "*" in query:
        return Q(**{f"{prefix}number__regex": f"^{typed_pattern(query)}$"})
    return Q(**{f"{prefix}number": query})


def id_number_holders(typed: str) -> list[tuple[int, int]]:
    """Persons whose identity number ends with what was typed (TAIL characters or more; a
    masked number matches any character where it shows a star), as (person, household) ids.

    The numbers are sealed, so the database compares keyed hashes: the whole number's, or the
    range of those starting with the hash of its last TAIL characters; the few candidates in
    that range are then opened and compared with what was typed.
    """
    if len(typed) == 18 and not is_masked(typed):
        rows = Person.objects.filter(id_number_hash=identity_hash(typed))
        return list(rows.values_list("pk", "household_id"))
    low, high = tail_range(typed)
    rows = Person.objects.filter(id_number_hash__gte=low, id_number_hash__lt=high)
    ending = re.compile(typed_pattern(typed) + r"\Z")
    return [
        (pk, household)
        for pk, household, number in rows.values_list("pk", "household_id", "id_number")
        if ending.search(number)
    ]


def id_number_match(typed: str) -> Q:
    """A filter on Person for those whose identity number ends with what was typed."""
    if len(typed) == 18 and not is_masked(typed):
        return Q(id_number_hash=identity_hash(typed))
    return Q(pk__in=[pk for pk, _household in id_number_holders(typed)])
