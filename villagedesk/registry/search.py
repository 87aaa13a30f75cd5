"""The one search box of the registry: Chinese names, pinyin, initials, identity-number tails."""

import re
import unicodedata

from django.db.models import Q

from villagedesk.core.sealing import TAIL, identity_hash, tail_hash
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

    The numbers are sealed, so the database compares keyed hashes: of the whole number, or of
    its last TAIL characters; a longer tail then narrows those few candidates once opened.
    """
    if len(typed) == 18:
        return Q(id_number_hash=identity_hash(typed))
    candidates = Q(id_tail_hash=tail_hash(typed))
    if len(typed) == TAIL:
        return candidates
    rows = Person.objects.filter(candidates).values_list("pk", "id_number")
    return Q(pk__in=[pk for pk, number in rows if number.endswith(typed)])
