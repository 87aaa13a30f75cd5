"""Left-behind children, women and elderly from the family links, not from the head.

国发〔2016〕13号: a left-behind child is under 16, with both parents working away, or one
away and the other unable to guard. Left-behind women (全国妇联): a wife at home whose husband
works away half a year or more. 民发〔2017〕193号: a left-behind elderly person is 60 or over,
and all the children or other supporters able to support have worked away half a year or more
(a pupil at home is not a supporter). README §5, §9: in a three-generation household the
grandchild's parents are the head's son or daughter and their spouse. Working away = away from
the township.
"""

import pytest

from villagedesk.registry.families import derive
from villagedesk.registry.tests.factories import SupporterFactory
from villagedesk.welfare.tests.rulecases import born, eligible, figures_set, household_with, member


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
