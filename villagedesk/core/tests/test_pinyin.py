"""Pinyin keys of names, one by one and a whole import's at once: both give the same keys."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from villagedesk.core.pinyin import pinyin_keys, pinyin_table

# Surnames with readings of their own, common and rare characters, and what is not Chinese.
ALPHABET = "单曾解仇区朴查乐覃万俟张王李赵银行长重〇𠀀ab Z·-  "


def table_keys(names: list[str]) -> dict[str, tuple[str, str]]:
    return {n: (full, initials) for n, full, initials in pinyin_table(names).iter_rows()}


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        ("张三", ("zhangsan", "zs")),
        ("单田芳", ("shantianfang", "stf")),  # 单 as a surname is Shàn
        ("田单", ("tiandan", "td")),  # …and dān elsewhere
        ("万俟卨", ("moqixie", "mx")),
        ("张 三", ("zhangsan", "zs")),
        ("古丽·买买提", ("guli·maimaiti", "glmmt")),
        ("", ("", "")),
    ],
)
def test_a_name_is_read_the_same_way_alone_and_in_a_table(name, keys):
    assert pinyin_keys(name) == keys
    assert table_keys([name, "李四"])[name] == keys


def test_a_table_has_one_row_per_distinct_name():
    table = pinyin_table(["张三", "张三", "李四", None])
    assert sorted(table["name"].to_list()) == ["张三", "李四"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=ALPHABET, max_size=5), max_size=20))
def test_the_table_gives_every_name_the_keys_it_has_alone(names):
    assert table_keys(names) == {n: pinyin_keys(n) for n in names}
