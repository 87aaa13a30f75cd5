"""Pinyin keys for Chinese names, so that 张三 is found by `zhangsan`, `zhang` and `zs`.

Surnames with a reading of their own (单 is Shàn, not dān, as a surname) are read as surnames.
Other characters are read one by one in their most common reading: a name is not a phrase, and
reading character by character lets an import of a county read each distinct character once.
"""

from functools import cache, lru_cache

from pypinyin import Style, lazy_pinyin
from pypinyin.constants import RE_HANS

SURNAME_READINGS = {
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "仇": "qiu",
    "区": "ou",
    "朴": "piao",
    "查": "zha",
    "乐": "yue",
    "覃": "qin",
    "尉": "yu",
    "盖": "ge",
    "种": "chong",
    "翟": "zhai",
    "秘": "bi",
    "员": "yun",
    "缪": "miao",
    "纪": "ji",
    "繁": "po",
    "眭": "sui",
    "万俟": "moqi",
}


@cache
def reading(character: str) -> str:
    """The most common reading of one Chinese character, in lower case without tone."""
    return lazy_pinyin(character, style=Style.NORMAL)[0].lower()


def syllables(name: str) -> list[str]:
    """Each Chinese character's reading; a run of other characters (Latin, ·) stays one piece."""
    out: list[str] = []
    other = ""
    for character in name:
        if RE_HANS.match(character):
            if other:
                out.append(other.lower())
                other = ""
            out.append(reading(character))
        else:
            other += character
    if other:
        out.append(other.lower())
    return out


@lru_cache(maxsize=65536)
def pinyin_keys(name: str) -> tuple[str, str]:
    """Return (full pinyin, initials) of a name in lower case without spaces."""
    name = "".join(name.split())
    if not name:
        return "", ""
    pieces: list[str] = []
    rest = name
    for surname in ("万俟",) + tuple(s for s in SURNAME_READINGS if len(s) == 1):
        if name.startswith(surname):
            pieces.append(SURNAME_READINGS[surname])
            rest = name[len(surname) :]
            break
    pieces.extend(syllables(rest))
    full = "".join(pieces)
    initials = "".join(s[0] for s in pieces if s[0].isalnum())
    return full, initials
