"""One wording per concept in each language: the glossary, and the catalogue held to it.

Each concept has its one English wording and its one Chinese wording, and the variants that must
not stand for it. A msgid using the English wording must not be translated with a Chinese variant,
and a translation using the Chinese wording must not come from an English variant. A variant
quoted in the msgid itself (a ledger's column header such as 身份证号) is that header, not a
wording, and is left alone.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import translation

from villagedesk.directory.models import Contact
from villagedesk.registry.models import Person, Supporter


@dataclass(frozen=True)
class Concept:
    english: str  # a regular expression over the msgid, case-insensitive
    chinese: str
    not_chinese: tuple[str, ...] = ()  # regular expressions over the translation
    not_english: tuple[str, ...] = ()  # regular expressions over the msgid


GLOSSARY = {
    # 家庭成员, 家庭人口数 and 家庭纯收入 are the terms of the forms for a household's members, its
    # size and its net income: concepts of their own, not wordings of "household".
    "household": Concept(r"\bhouseholds?\b", "户", not_chinese=("家庭(?!成员|人口数|纯收入)",)),
    "head of household": Concept(
        r"\bhead of (the |a )?household\b|\bhousehold's head\b|\bhead's\b",
        "户主",
        not_chinese=("家长", "户长"),
        not_english=(r"\bhouseholder", r"\bfamily head", r"\bhead of (the )?family"),
    ),
    "identity number": Concept(
        r"\bidentity numbers?\b|\bID[- ]numbers?\b",
        "身份证号码",
        not_chinese=("证件号码", "身份证号(?!码)"),
        not_english=(r"\bID card number", r"\bcitizen number"),
    ),
    "group (of a village)": Concept(
        r"(?<!key )(?<!key-)\bgroups?\b",
        "村民小组",
        # 党小组 (a Party group) and 联户组 (ten households linked) are organisations of their own.
        not_chinese=("(?<!村民)(?<!党)小组",),
        not_english=(r"\bteam of the village",),
    ),
    "visit": Concept(
        r"\bvisit(s|ed|ing|or|ors)?\b",
        "走访",
        not_chinese=("访问", "探访", "拜访", "入户调查"),
        not_english=(r"\btrips?\b",),
    ),
    "problem": Concept(
        r"\bproblems?\b", "问题", not_chinese=("难题",), not_english=(r"\bissues?\b",)
    ),
    "resident work team": Concept(
        r"\bwork team\b|\bteam members?\b",
        "工作队",
        not_chinese=("工作组",),
        not_english=(r"\bworking group\b", r"\btask force\b"),
    ),
    "first secretary": Concept(
        r"\bfirst secretar(y|ies)\b", "第一书记", not_english=(r"\bparty secretary\b",)
    ),
    "subsistence allowance": Concept(
        r"\bsubsistence allowance\b|\bdibao\b",
        "低保",
        not_chinese=("最低生活保障",),
        not_english=(r"\bminimum living\b", r"\bwelfare allowance\b"),
    ),
    "monitored household": Concept(
        r"\bmonitored households?\b", "监测户", not_chinese=("监测对象",)
    ),
    "monitoring case": Concept(r"\bmonitoring cases?\b", "监测对象", not_chinese=("监测户",)),
}

# A person's name and a thing's name are two concepts with one English word: the msgid "name"
# of a person carries the context "person".
PERSON_NAME = "姓名"
THING_NAME = "名称"


def catalogue() -> list[polib.POEntry]:
    path = Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES" / "django.po"
    return [e for e in polib.pofile(str(path)) if not e.obsolete and e.translated()]


def translations(entry: polib.POEntry) -> list[str]:
    return [entry.msgstr] if entry.msgstr else list(entry.msgstr_plural.values())


def source(entry: polib.POEntry) -> str:
    return f"{entry.msgid} {entry.msgid_plural}".strip()


def unquoted(translation: str, msgid: str) -> str:
    """The translation without the Chinese text the msgid quotes."""
    for quoted in re.findall(r"[\u4e00-\u9fff]+", msgid):
        translation = translation.replace(quoted, "")
    return translation


def variants(entries: list[polib.POEntry], concept: Concept) -> list[str]:
    found = []
    for entry in entries:
        msgid = source(entry)
        for text in translations(entry):
            own = unquoted(text, msgid)
            if re.search(concept.english, msgid, re.IGNORECASE):
                rest = own.replace(concept.chinese, "")
                found += [
                    f"{msgid!r} → {text!r} ({p})" for p in concept.not_chinese if re.search(p, rest)
                ]
            if concept.chinese in own:
                found += [
                    f"{msgid!r} → {text!r} ({p})"
                    for p in concept.not_english
                    if re.search(p, msgid, re.IGNORECASE)
                ]
    return found


@pytest.mark.parametrize("concept", list(GLOSSARY))
def test_a_concept_has_one_wording_in_the_catalogue(concept):
    assert variants(catalogue(), GLOSSARY[concept]) == []


def test_a_variant_in_a_translation_is_found():
    entry = polib.POEntry(msgid="the household's family", msgstr="家庭")
    quoted = polib.POEntry(msgid="Columns: 身份证号 (identity number)", msgstr="列：身份证号")
    assert variants([entry], GLOSSARY["household"]) != []
    assert variants([quoted], GLOSSARY["identity number"]) == []
    assert variants([entry], GLOSSARY["visit"]) == []


def test_a_variant_in_a_msgid_is_found():
    entry = polib.POEntry(msgid="receives the minimum living allowance", msgstr="享受低保")
    assert variants([entry], GLOSSARY["subsistence allowance"]) != []


def test_a_persons_name_is_xingming_and_a_things_name_mingcheng():
    names = {(e.msgctxt, e.msgid): e.msgstr for e in catalogue() if e.msgid == "name"}
    assert names == {("person", "name"): PERSON_NAME, (None, "name"): THING_NAME}


@pytest.mark.parametrize("model", [Person, Supporter, Contact])
def test_the_name_of_a_person_is_labelled_as_a_persons_name(model):
    with translation.override("zh-hans"):
        assert str(model._meta.get_field("name").verbose_name) == PERSON_NAME
