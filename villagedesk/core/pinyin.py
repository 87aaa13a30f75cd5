"""Pinyin keys for Chinese names, so that 张三 is found by `zhangsan`, `zhang` and `zs`.

Surnames with a reading of their own (单 is Shàn, not dān, as a surname) are read as surnames.
Other characters are read one by one in their most common reading: a name is not a phrase, and
reading character by character lets an import of a county read each distinct character once
(`pinyin_table`).
"""

from functools import cache, lru_cache

import polars as pl
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


def pinyin_table(names: list[str]) -> pl.DataFrame:
    """The keys of many names at once, as `pinyin_keys` gives them: name, name_pinyin and
    name_initials, one row per distinct name.

    A name of Chinese characters only, the common case, is read in polars from a table of its
    distinct characters, each read once; any other name (spaces, Latin letters, ·, 万俟) by
    `pinyin_keys`.
    """
    schema = {"name": pl.String, "name_pinyin": pl.String, "name_initials": pl.String}
    distinct = pl.Series("name", names, dtype=pl.String).drop_nulls().unique()
    characters = distinct.str.split("").explode(empty_as_null=True).drop_nulls().unique().to_list()
    readings = {c: reading(c) for c in characters if RE_HANS.match(c)}
    # A reading that does not start with a letter or digit gives no initial: read one by one.
    readings = {c: r for c, r in readings.items() if r and r[0].isalnum()}
    known = pl.Series(list(readings), dtype=pl.String)
    simple = distinct.filter(
        (distinct.str.len_chars() > 0)
        & ~distinct.str.starts_with("万俟")
        & distinct.str.split("").list.eval(pl.element().is_in(known.implode())).list.all()
    )
    surnames = {s: r for s, r in SURNAME_READINGS.items() if len(s) == 1}
    character = pl.col("character")
    read = character.replace_strict(readings, return_dtype=pl.String)
    first = pl.int_range(pl.len()).over("name") == 0
    pieces = (
        pl.DataFrame({"name": simple})
        .with_columns(pl.col("name").str.split("").alias("character"))
        .explode("character", empty_as_null=True)
        .with_columns(
            pl.when(first & character.is_in(list(surnames)))
            .then(character.replace_strict(surnames, default=None, return_dtype=pl.String))
            .otherwise(read)
            .alias("piece")
        )
    )
    fast = pieces.group_by("name", maintain_order=True).agg(
        pl.col("piece").str.join("").alias("name_pinyin"),
        pl.col("piece").str.slice(0, 1).str.join("").alias("name_initials"),
    )
    rest = distinct.filter(~distinct.is_in(simple.implode())).to_list()
    keys = [pinyin_keys(name) for name in rest]
    slow = pl.DataFrame(
        {
            "name": rest,
            "name_pinyin": [k[0] for k in keys],
            "name_initials": [k[1] for k in keys],
        },
        schema=schema,
    )
    return pl.concat([fast.cast(schema), slow])
