"""Bilingual labels for code lists.

Every code list has a stable ASCII code and a label in Chinese and English, written side by side
where the code is defined, so that official Chinese terms never depend on a translation catalogue
and imports can match a label given in either language.
"""

import unicodedata

from django.conf import settings
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import get_language


class Label(Promise):
    """A label that renders in the active language: Chinese unless English is active."""

    def __init__(self, zh: str, en: str):
        self.zh = zh
        self.en = en

    def __str__(self) -> str:
        language = get_language() or settings.LANGUAGE_CODE
        return self.en if language.startswith("en") else self.zh

    def __repr__(self) -> str:
        return f"Label({self.zh!r}, {self.en!r})"

    def __eq__(self, other) -> bool:
        if isinstance(other, Label):
            return (self.zh, self.en) == (other.zh, other.en)
        return str(self) == other

    def __hash__(self) -> int:
        return hash((self.zh, self.en))

    def __mod__(self, values) -> str:
        return str(self) % values

    def __add__(self, other) -> str:
        return str(self) + str(other)

    def __radd__(self, other) -> str:
        return str(other) + str(self)


def bi(zh: str, en: str) -> Label:
    return Label(zh, en)


def fold(text: str) -> str:
    """Fold a label for matching: full-width to half-width, no blanks, lower case."""
    return "".join(unicodedata.normalize("NFKC", str(text)).split()).lower()


def code_lookup(choices: type[models.Choices]) -> dict[str, str]:
    """Map each code, national code, Chinese and English label (folded) to the stable code."""
    national = getattr(choices, "national", None)
    lookup: dict[str, str] = {}
    for member in choices:
        label = member.label
        keys = [member.value]
        if isinstance(label, Label):
            keys += [label.zh, label.en]
        else:
            keys.append(str(label))
        if national:
            code = national(member.value)
            if code:
                keys.append(code)
        for key in keys:
            lookup.setdefault(fold(key), member.value)
    return lookup
