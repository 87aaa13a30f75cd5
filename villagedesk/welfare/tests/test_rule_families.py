"""Left-behind children, women and elderly from the family links, not from the head.

国发〔2016〕13号: a left-behind child is under 16, with both parents working away, or one
away and the other unable to guard. Left-behind women (全国妇联): a wife at home whose husband
works away half a year or more. 民发〔2017〕193号: a left-behind elderly person is 60 or over,
and all the children or other supporters able to support have worked away half a year or more
(a pupil at home is not a supporter). README §5, §9: in a three-generation household the
grandchild's parents are the head's son or daughter and their spouse. Working away = away from
the township.
"""

import re

import pytest

from villagedesk.registry.families import derive
from villagedesk.registry.tests.factories import SupporterFactory
from villagedesk.welfare.rules import Context, compile_rule, explain
from villagedesk.welfare.tests.rulecases import (
    DAY,
    born,
    eligible,
    figures_set,
    household_with,
    member,
)


@pytest.fixture
def village(county, village_a):
    figures_set(county)
    return village_a


def away(months=10, where="out_of_province"):
    return {"migrant_work": where, "migrant_months": months}


def three_generations(village, *, son=None, wife=None, grandson=None, extra=()):
    """Grandparents (head and spouse), a son and his wife, and their son."""
    household = household_with(village, income={"wage": 30000})
    people = {
        "grandfather": member(household, relation="head", sex="male", birth_date=born(66)),
        "grandmother": member(household, relation="spouse", sex="female", birth_date=born(64)),
        "son": member(
            household, relation="son", sex="male", birth_date=born(38), **(son or away())
        ),
        "wife": member(
            household,
            relation="daughter_in_law",
            sex="female",
            birth_date=born(36),
            **(wife if wife is not None else away(8, "in_province")),
        ),
        "grandson": member(
            household,
            relation="grandson",
            sex="male",
            **({"birth_date": born(8), "schooling": "primary"} | (grandson or {})),
        ),
    }
    for relation, sex, fields in extra:
        member(household, relation=relation, sex=sex, **fields)
    derive([household.pk])
    return people


def test_13hao_grandchild_of_migrant_parents_in_a_three_generation_household(village):
    people = three_generations(village)
    assert eligible("left_behind_children", people["grandson"])
    assert not eligible("left_behind_children", people["son"])


def test_13hao_one_parent_at_home_able_to_guard(village):
    people = three_generations(village, wife={})
    assert not eligible("left_behind_children", people["grandson"])


@pytest.mark.parametrize(
    "wife",
    [
        {"serious_illness": True},
        {"disability_category": "physical", "disability_grade": 1},
        {"disability_category": "mental", "disability_grade": 3},
    ],
)
def test_13hao_one_parent_away_and_the_other_unable_to_guard(village, wife):
    people = three_generations(village, wife=wife)
    assert eligible("left_behind_children", people["grandson"])


@pytest.mark.parametrize("months", [1, 5, 6, 12])
def test_13hao_parents_working_away_for_any_length(village, months):
    """国发〔2016〕13号 sets no length of absence for the parents of a left-behind child."""
    people = three_generations(village, son=away(months), wife=away(months, "in_county"))
    assert eligible("left_behind_children", people["grandson"])


def test_13hao_work_within_the_township_is_not_away(village):
    people = three_generations(village, son=away(12, "in_township"))
    assert not eligible("left_behind_children", people["grandson"])


@pytest.mark.parametrize(("days", "expected"), [(0, False), (1, True)])
def test_13hao_under_16_on_the_birthday(village, days, expected):
    people = three_generations(
        village, grandson={"birth_date": born(16, days=days), "schooling": "grade_9"}
    )
    assert eligible("left_behind_children", people["grandson"]) is expected


def test_13hao_the_head_as_migrant_father_with_no_mother_in_the_household(village):
    household = household_with(village, income={"wage": 30000})
    member(household, relation="head", sex="male", birth_date=born(35), **away())
    child = member(household, relation="daughter", sex="female", birth_date=born(9))
    derive([household.pk])
    assert eligible("left_behind_children", child)


def test_womens_federation_the_migrant_sons_wife_is_left_behind(village):
    people = three_generations(village, wife={})
    assert eligible("left_behind_women", people["wife"])
    assert not eligible("left_behind_women", people["grandmother"])


@pytest.mark.parametrize(("months", "expected"), [(5, False), (6, True)])
def test_womens_federation_husband_away_half_a_year(village, months, expected):
    people = three_generations(village, son=away(months), wife={})
    assert eligible("left_behind_women", people["wife"]) is expected


def test_womens_federation_a_wife_herself_away_is_not_left_behind(village):
    people = three_generations(village)
    assert not eligible("left_behind_women", people["wife"])


def test_womens_federation_no_husband_linked_when_the_relations_are_ambiguous(village):
    """Two sons and two daughters-in-law: the form cannot say whose wife is whose."""
    people = three_generations(
        village,
        wife={},
        extra=[("son", "male", {"birth_date": born(35)})],
    )
    assert not eligible("left_behind_women", people["wife"])


def test_193hao_grandparents_with_their_son_away_are_left_behind(village):
    """The daughter-in-law at home is not their child; the grandson is a pupil."""
    people = three_generations(village, wife={})
    assert eligible("left_behind_elderly", people["grandfather"])
    assert eligible("left_behind_elderly", people["grandmother"])


def test_193hao_a_16_year_old_pupil_at_home_is_not_a_supporter(village):
    household = household_with(village, income={"wage": 30000})
    old = member(household, relation="head", sex="male", birth_date=born(70))
    member(household, relation="son", sex="male", birth_date=born(40), **away())
    member(household, relation="daughter", sex="female", birth_date=born(16), schooling="high_1")
    derive([household.pk])
    assert eligible("left_behind_elderly", old)


def test_193hao_a_child_at_home_able_to_support_cancels_it(village):
    household = household_with(village, income={"wage": 30000})
    old = member(household, relation="head", sex="male", birth_date=born(70))
    member(household, relation="son", sex="male", birth_date=born(40), **away())
    member(household, relation="daughter", sex="female", birth_date=born(30))
    derive([household.pk])
    assert not eligible("left_behind_elderly", old)


@pytest.mark.parametrize(("days", "expected"), [(0, True), (1, False)])
def test_193hao_60_on_the_birthday(village, days, expected):
    household = household_with(village, income={"wage": 30000})
    old = member(household, relation="head", sex="male", birth_date=born(60, days=days))
    member(household, relation="son", sex="male", birth_date=born(35), **away())
    derive([household.pk])
    assert eligible("left_behind_elderly", old) is expected


def test_193hao_children_outside_the_household(village):
    household = household_with(village, income={"wage": 30000})
    old = member(household, relation="head", sex="female", birth_date=born(75))
    assert not eligible("left_behind_elderly", old)  # no child anywhere: not left behind
    SupporterFactory(supported=old, relation="child", lives_in_area=False, migrant_work="")
    assert eligible("left_behind_elderly", old)
    SupporterFactory(supported=old, relation="child", lives_in_area=True, migrant_work="")
    assert not eligible("left_behind_elderly", old)


def test_193hao_a_child_away_under_half_a_year_is_not_away(village):
    household = household_with(village, income={"wage": 30000})
    old = member(household, relation="head", sex="male", birth_date=born(70))
    member(household, relation="son", sex="male", birth_date=born(40), **away(5))
    derive([household.pk])
    assert not eligible("left_behind_elderly", old)


def family_rules(name: str, truth: bool) -> list[tuple[dict, bool]]:
    """A family fact tested every way a rule can put it, with the outcome each gives when the fact
    is `truth`: as it is, negated, compared with false, under NOT and inside ANY and ALL."""
    true, false = (
        {"field": name, "op": "=", "value": True},
        {"field": name, "op": "=", "value": False},
    )
    never = {"field": "age", "op": ">", "value": 200}
    return [
        (true, truth),
        (false, not truth),
        ({"field": name, "op": "!=", "value": True}, not truth),
        ({"field": name, "op": "!=", "value": False}, truth),
        ({"not": true}, not truth),
        ({"not": false}, truth),
        ({"any": [never, true]}, truth),
        ({"not": {"any": [never, true]}}, not truth),
        ({"not": {"all": [{"not": never}, false]}}, truth),
    ]


def assert_every_form(name: str, cases: dict, village, *, plain: bool = True) -> None:
    """Each rule selects the person exactly when explain, reading the fact as a flag under
    three-valued logic, finds it eligible, and both give the expected outcome. A `plain` fact's
    selection is its test itself, never the flag's CASE, which hides joins from the database."""
    context = Context(area=village, day=DAY)
    for case, (person, truth) in cases.items():
        for definition, expected in family_rules(name, truth):
            compiled = compile_rule(definition, name="t", subject="person", context=context)
            assert not plain or "CASE" not in str(compiled.queryset().query), definition
            chosen = compiled.queryset().filter(pk=person.pk).exists()
            explained = explain(compiled, pk=person.pk)
            assert (chosen, explained.eligible) == (expected, expected), (case, definition)
            assert None not in {line.outcome for line in explained.lines}, (case, definition)


def test_womens_federation_spouse_unknown_absent_away_and_home_every_way_a_rule_reads_it(village):
    """Left-behind women: the husband away half a year or more. A husband the relations cannot
    name, or none in the household, is not away: never unknown."""
    unnamed = three_generations(village, wife={}, extra=[("son", "male", away())])["wife"]
    alone = household_with(village)
    widow = member(alone, relation="head", sex="female", birth_date=born(50))
    derive([alone.pk])
    couples = {}
    for case, husband in {"away": away(6), "home": {}}.items():
        household = household_with(village)
        member(household, relation="head", sex="male", birth_date=born(45), **husband)
        couples[case] = member(household, relation="spouse", sex="female", birth_date=born(43))
        derive([household.pk])
    cases = {
        "unknown": (unnamed, False),
        "absent": (widow, False),
        "present and away": (couples["away"], True),
        "present and home": (couples["home"], False),
    }
    assert_every_form("spouse_away", cases, village)


def test_13hao_parents_missing_away_and_home_every_way_a_rule_reads_it(village):
    """国发〔2016〕13号: both parents away, or one away and the other unable to guard; a parent
    not in the household cannot guard, a child with no parent linked has none away."""
    away_alone = household_with(village)
    member(away_alone, relation="head", sex="male", birth_date=born(35), **away(2))
    fatherless = member(away_alone, relation="son", sex="male", birth_date=born(7))
    orphan_home = household_with(village)
    orphan = member(orphan_home, relation="other", sex="female", birth_date=born(9))
    derive([away_alone.pk, orphan_home.pk])
    mother_home = three_generations(village, wife={})["grandson"]
    both_away = three_generations(village)["grandson"]
    cases = {
        "father away, no mother": (fatherless, True),
        "no parent linked": (orphan, False),
        "father away, mother home": (mother_home, False),
        "both away": (both_away, True),
    }
    assert_every_form("parents_away", cases, village)


def test_193hao_supporters_every_way_a_rule_reads_them(village):
    """民发〔2017〕193号: a child away half a year or more, or at home able to support; an old
    person without children has neither."""
    household = household_with(village, income={"wage": 30000})
    parent = member(household, relation="head", sex="male", birth_date=born(70))
    member(household, relation="son", sex="male", birth_date=born(40), **away())
    childless_home = household_with(village)
    childless = member(childless_home, relation="head", sex="female", birth_date=born(72))
    derive([household.pk, childless_home.pk])
    assert_every_form(
        "supporters_away", {"child away": (parent, True), "no child": (childless, False)}, village
    )
    assert_every_form(
        "supporters_at_home",
        {"child away": (parent, False), "no child": (childless, False)},
        village,
        plain=False,  # the supporters' own inability is a flag inside the subquery
    )


@pytest.mark.parametrize("name", ["supporters_at_home", "supporters_away", "able_supporters"])
def test_a_fact_wanted_false_is_one_not_exists_per_kind_of_supporter(village, name):
    """NOT (EXISTS … OR EXISTS …) is a subquery PostgreSQL runs for every person; NOT EXISTS …
    AND NOT EXISTS … are two anti-joins (特困 and left-behind elderly ask for no able supporter,
    no supporter at home)."""
    context = Context(area=village, day=DAY)
    for definition in (
        {"field": name, "op": "=", "value": False},
        {"not": {"field": name, "op": "=", "value": True}},
    ):
        compiled = compile_rule(definition, name="t", subject="person", context=context)
        sql = str(compiled.queryset().query)
        assert len(re.findall(r"NOT \(?EXISTS", sql)) == 2, definition
        assert "OR EXISTS" not in sql, definition
