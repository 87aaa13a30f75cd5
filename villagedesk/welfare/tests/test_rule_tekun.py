"""特困 (extreme-poverty support) on 特困人员认定办法, 民发〔2021〕43号.

No labour capacity: aged 60 or over; under 16; intellectual or mental disability grade 1–3;
physical grade 1–2; visual grade 1 (hearing and speech do not count) — age and disability
decide, not the labour field. No source of living: income below the local 低保 standard (counted
as 民发〔2021〕57号) and property within limits. No legal supporter, or supporters unable: 特困
themselves, a 低保 recipient aged 60+, aged 70+ with income below last year's per-capita
disposable income, grade 1–2 disability or grade-3 intellectual/mental. Supported minors continue
to 18, and beyond while at school. Standard here: 6,000; disposable income 15,000.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError

from villagedesk.registry.families import derive
from villagedesk.registry.tests.factories import SupporterFactory
from villagedesk.welfare.models import Enrolment, Policy
from villagedesk.welfare.tests.rulecases import (
    DAY,
    born,
    eligible,
    enrol,
    figures_set,
    household_with,
    member,
)


@pytest.fixture
def village(county, village_a):
    figures_set(county)
    return village_a


def applicant(village, *, income=5000, household_fields=None, **person):
    """A one-person household below the standard unless told otherwise."""
    household = household_with(village, income={"wage": income}, **(household_fields or {}))
    person.setdefault("birth_date", born(45))
    return member(household, relation="head", **person)


@pytest.mark.parametrize(
    ("birth_date", "expected"),
    [
        (born(60), True),  # 60 on the day: "aged 60 or over"
        (born(60, days=1), False),  # 60 tomorrow
        (born(72), True),
        (born(16, days=1), True),  # 16 tomorrow: still under 16
        (born(16), False),  # 16 on the day
    ],
)
def test_43hao_age_decides_labour_capacity_on_the_birthday(village, birth_date, expected):
    assert eligible("tekun", applicant(village, birth_date=birth_date)) is expected


def test_43hao_a_72_year_old_recorded_as_weak_labour_has_no_labour_capacity(village):
    assert eligible("tekun", applicant(village, birth_date=born(72), labour="weak"))


def test_43hao_the_labour_field_alone_does_not_decide(village):
    assert not eligible("tekun", applicant(village, labour="none"))


@pytest.mark.parametrize(
    ("category", "grade", "expected"),
    [
        ("intellectual", 3, True),
        ("mental", 3, True),
        ("intellectual", 4, False),
        ("mental", 1, True),
        ("physical", 2, True),
        ("physical", 3, False),
        ("visual", 1, True),
        ("visual", 2, False),
        ("hearing", 1, False),
        ("speech", 1, False),
        ("hearing", 2, False),
    ],
)
def test_43hao_disability_category_and_grade(village, category, grade, expected):
    person = applicant(village, disability_category=category, disability_grade=grade)
    assert eligible("tekun", person) is expected


@pytest.mark.parametrize(("income", "expected"), [(5999, True), (6000, False), (6001, False)])
def test_43hao_income_below_the_dibao_standard(village, income, expected):
    assert eligible("tekun", applicant(village, birth_date=born(70), income=income)) is expected


def test_43hao_property_beyond_limits_is_a_source_of_living(village):
    person = applicant(village, birth_date=born(70), household_fields={"owns_vehicle": True})
    assert not eligible("tekun", person)


def elder_with_son(village, **son):
    household = household_with(village, income={"wage": 8000})
    elder = member(household, relation="head", birth_date=born(75), sex="male")
    son.setdefault("birth_date", born(40))
    member(household, relation="son", sex="male", **son)
    derive([household.pk])
    return elder


def test_43hao_an_able_son_in_the_household_is_a_supporter(village):
    assert not eligible("tekun", elder_with_son(village))


@pytest.mark.parametrize(
    ("son", "expected"),
    [
        ({"disability_category": "physical", "disability_grade": 2}, True),
        ({"disability_category": "physical", "disability_grade": 3}, False),
        ({"disability_category": "mental", "disability_grade": 3}, True),
        ({"birth_date": born(70)}, True),  # 70 on the day
        ({"birth_date": born(70, days=1)}, False),
    ],
)
def test_43hao_a_son_unable_to_support(village, son, expected):
    assert eligible("tekun", elder_with_son(village, **son)) is expected


def test_43hao_a_son_who_is_tekun_himself_cannot_support(village):
    elder = elder_with_son(village, disability_category="intellectual", disability_grade=2)
    son = elder.household.members.get(relation="son")
    son.disability_category, son.disability_grade = "", None
    son.save()
    assert not eligible("tekun", elder)
    enrol("tekun", son.household, son)
    assert eligible("tekun", elder)


@pytest.mark.parametrize(("son_age", "expected"), [(60, True), (59, False)])
def test_43hao_a_dibao_recipient_aged_60_cannot_support(village, son_age, expected):
    elder = elder_with_son(village, birth_date=born(son_age))
    enrol("dibao", elder.household)
    assert eligible("tekun", elder) is expected


def test_43hao_a_grandchild_is_not_a_legal_supporter(village):
    household = household_with(village, income={"wage": 8000})
    elder = member(household, relation="head", birth_date=born(75), sex="female")
    member(household, relation="grandson", sex="male", birth_date=born(30))
    derive([household.pk])
    assert eligible("tekun", elder)


def test_43hao_a_minor_child_is_not_yet_a_supporter_of_a_parent(village):
    household = household_with(village, income={"wage": 5000})
    parent = member(
        household, relation="head", sex="male", disability_category="visual", disability_grade=1
    )
    member(household, relation="son", sex="male", birth_date=born(18, days=1))
    derive([household.pk])
    assert eligible("tekun", parent)


def test_43hao_a_child_under_16_with_a_parent_at_home_is_supported_by_the_parent(village):
    household = household_with(village, income={"wage": 5000})
    member(household, relation="head", sex="male", birth_date=born(40))
    child = member(household, relation="son", sex="male", birth_date=born(8))
    derive([household.pk])
    assert not eligible("tekun", child)


def outside(elder, **fields):
    fields.setdefault("migrant_work", "")
    return SupporterFactory(supported=elder, **fields)


def test_43hao_a_supporter_outside_the_household_counts(village):
    elder = applicant(village, birth_date=born(75))
    assert eligible("tekun", elder)
    outside(elder, relation="child", birth_date=born(45))
    assert not eligible("tekun", elder)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"is_tekun": True}, True),
        ({"is_dibao": True, "birth_date": born(60)}, True),
        ({"is_dibao": True, "birth_date": born(60, days=1)}, False),
        ({"birth_date": born(70), "annual_income": 14999}, True),
        ({"birth_date": born(70), "annual_income": 15000}, False),
        ({"birth_date": born(70, days=1), "annual_income": 10000}, False),
        ({"birth_date": born(72), "annual_income": None}, False),  # income unknown
        # art. 9(4): severely disabled, or grade 3 intellectual or mental, with income below
        # the area's per-capita disposable income of last year.
        ({"disability_category": "physical", "disability_grade": 1, "annual_income": 14999}, True),
        ({"disability_category": "physical", "disability_grade": 1, "annual_income": 15000}, False),
        ({"disability_category": "physical", "disability_grade": 2, "annual_income": None}, False),
        ({"disability_category": "intellectual", "disability_grade": 3, "annual_income": 0}, True),
        ({"disability_category": "hearing", "disability_grade": 3, "annual_income": 0}, False),
        ({"relation": "child", "birth_date": born(17)}, True),  # a minor child
    ],
)
def test_43hao_supporter_outside_unable_to_fulfil_the_duty(village, fields, expected):
    elder = applicant(village, birth_date=born(80))
    fields = {"relation": "child", "birth_date": born(50), **fields}
    outside(elder, **fields)
    assert eligible("tekun", elder) is expected


def supported_minor(village, *, age_days, **fields):
    household = household_with(village, income={"wage": 3000})
    child = member(household, relation="head", birth_date=age_days, **fields)
    enrol("tekun", household, child)
    return child


@pytest.mark.parametrize(
    ("birth_date", "schooling", "expected"),
    [
        (born(17), "", True),  # 17, already supported: continues to 18
        (born(18, days=1), "", True),  # 18 tomorrow
        (born(18), "", False),  # 18 on the day, not at school
        (born(19), "high_2", True),  # at senior high school
        (born(19), "vocational_3", True),
        (born(19), "undergraduate_1", False),  # university is not covered
    ],
)
def test_43hao_supported_minors_continue_to_18_and_while_at_school(
    village, birth_date, schooling, expected
):
    child = supported_minor(village, age_days=birth_date, schooling=schooling)
    assert eligible("tekun", child) is expected


def test_43hao_a_minor_over_16_not_already_supported_does_not_qualify(village):
    household = household_with(village, income={"wage": 3000})
    child = member(household, relation="head", birth_date=born(17))
    assert not eligible("tekun", child)


def test_the_way_of_support_is_recorded_on_the_enrolment_only_for_tekun(village):
    person = applicant(village, birth_date=born(70))
    enrolment = enrol("tekun", person.household, person)
    enrolment.support_mode = "centralised"
    enrolment.full_clean()
    other = Enrolment(
        policy=Policy.objects.get(code="dibao"),
        household=person.household,
        starts_on=DAY - datetime.timedelta(days=30),
        support_mode="dispersed",
    )
    with pytest.raises(ValidationError) as error:
        other.full_clean()
    assert "support_mode" in error.value.message_dict
