"""The directory's search box: Chinese, full pinyin, initials, or digits of a phone number."""

from django.db.models import Q

from villagedesk.registry.search import CJK_RE, normalise_query


def contact_match(text: str) -> Q | None:
    """A filter on Contact for what was typed, or None when nothing was typed.

    Chinese matches the name, the title or the organisation's name; letters match the start of
    the full pinyin or of the initials of the person or of the organisation; digits match part
    of the phone number.
    """
    query = normalise_query(text)
    if not query:
        return None
    if CJK_RE.search(query):
        return (
            Q(name__contains=query)
            | Q(title__contains=query)
            | Q(position__title__contains=query)
            | Q(organisation__name__contains=query)
            | Q(tags__contains=query)
        )
    if query.isdigit():
        return Q(phone__contains=query)
    letters = query.lower()
    if letters.isascii() and letters.isalpha():
        return (
            Q(name_initials__startswith=letters)
            | Q(name_pinyin__startswith=letters)
            | organisation_letters(letters, prefix="organisation__")
        )
    return Q(name__contains=query) | Q(wechat__iexact=query)


def organisation_match(text: str) -> Q | None:
    """A filter on Organisation: Chinese inside the name, letters at the start of its pinyin."""
    query = normalise_query(text)
    if not query:
        return None
    letters = query.lower()
    if letters.isascii() and letters.isalpha():
        return organisation_letters(letters)
    return Q(name__contains=query)


# Organisation names start with their place (青禾县乡村振兴局), so the words people type
# (xczxj, xiangcun) sit inside the pinyin; two letters inside would match almost anything.
INSIDE_FROM = 3


def organisation_letters(letters: str, *, prefix: str = "") -> Q:
    lookup = "contains" if len(letters) >= INSIDE_FROM else "startswith"
    return Q(**{f"{prefix}name_initials__{lookup}": letters}) | Q(
        **{f"{prefix}name_pinyin__{lookup}": letters}
    )
