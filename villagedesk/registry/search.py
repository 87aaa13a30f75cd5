"""The one search box of the registry: Chinese names, pinyin, initials, identity-number tails."""

import re
import unicodedata

from django.db.models import Q

from villagedesk.core.sealing import identity_hash, tail_range
from villagedesk.registry.models import Person

CJK_RE = re.compile(r"[\u3400-\u9fff]")
ID_TAIL_RE = re.compile(r"^\d{3,17}[\dX]?$|^\d{0,17}X$")


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
    if ID_TAIL_RE.match(upper) and len(upper) >= 4:
        return id_number_match(upper) | Q(household__number=query)
    if query.isdigit():
        return Q(household__number=query)
    letters = query.lower()
    if letters.isascii() and letters.isalpha():
        return Q(name_initials__startswith=letters) | Q(name_pinyin__startswith=letters)
    return Q(name__contains=query)


def id_number_match(typed: str) -> Q:
    """Persons whose identity number ends with what was typed (TAIL characters or more).

    The numbers are sealed, so the database compares keyed hashes: the whole number's, or the
    range of those starting with the hash of its last TAIL characters; the few candidates in
    that range are then opened and compared with what was typed.
    """
    if len(typed) == 18:
        return Q(id_number_hash=identity_hash(typed))
    low, high = tail_range(typed)
    rows = Person.objects.filter(id_number_hash__gte=low, id_number_hash__lt=high)
    return Q(
        pk__in=[pk for pk, number in rows.values_list("pk", "id_number") if number.endswith(typed)]
    )
