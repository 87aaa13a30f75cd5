"""Pinyin keys for Chinese names, so that 张三 is found by `zhangsan`, `zhang` and `zs`.

Surnames with a reading of their own (单 is Shàn, not dān, as a surname) are read as surnames.
"""

from functools import lru_cache

from pypinyin import Style, lazy_pinyin

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


@lru_cache(maxsize=65536)
def pinyin_keys(name: str) -> tuple[str, str]:
    """Return (full pinyin, initials) of a name in lower case without spaces."""
    name = "".join(name.split())
    if not name:
        return "", ""
    syllables: list[str] = []
    rest = name
    for surname in ("万俟",) + tuple(s for s in SURNAME_READINGS if len(s) == 1):
        if name.startswith(surname):
            syllables.append(SURNAME_READINGS[surname])
            rest = name[len(surname) :]
            break
    syllables.extend(lazy_pinyin(rest, style=Style.NORMAL, errors="default"))
    syllables = [s.lower() for s in syllables if s.strip()]
    full = "".join(syllables)
    initials = "".join(s[0] for s in syllables if s[0].isalnum())
    return full, initials
