"""Acceptance cases for the national welfare rules, written from the texts (README §2–§5, §9 and
sources.md), each naming its clause.

Every household is entered as a cadre enters it — through the registry and welfare services — and
every answer is read where users read it: the gap report and `evaluate_policies` (whose eligible
list and whose per-household explanation must agree), the exit checks of the poverty page, and the
monitoring services.

The county's figures for 2025: 低保 standard 5,400 yuan a person a year; 低保边缘 below 1.5 × the
standard (8,100); poverty line 4,800; monitoring range 8,700; last year's rural per-capita
disposable income 16,000; heavy necessary spending 15,000 a household; sharp income drop 30 %.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from conftest import make_area, make_user
from villagedesk.accounts.models import Role
from villagedesk.areas.models import Level
from villagedesk.registry.models import Household, Person, Supporter
from villagedesk.registry.services import (
    household_create,
    household_update,
    person_save,
    supporter_save,
)
from villagedesk.welfare import monitoring
from villagedesk.welfare.codes import Step
from villagedesk.welfare.evaluation import household_evaluation, policy_evaluation
from villagedesk.welfare.models import Enrolment, HouseholdSpending, MonitoredHousehold, Policy
from villagedesk.welfare.poverty import household_status_rows
from villagedesk.welfare.rules import explain_rows
from villagedesk.welfare.selectors import monitored_list, policy_compiled
from villagedesk.welfare.services import (
    catalogue_load,
    enrolment_create,
    income_set,
    parameter_set,
    rule_save,
)

DAY = datetime.date(2025, 12, 31)
YEAR = DAY.year
FIGURES = {
    "dibao_standard": 5400,
    "dibao_marginal_multiple": Decimal("1.5"),
    "poverty_line": 4800,
    "monitoring_threshold": 8700,
    "disposable_income_last_year": 16000,
    "heavy_spending_threshold": 15000,
    "income_drop_percent": 30,
    "notice_days": 5,
    "decision_days": 15,
    "measure_days": 180,
}


def birth(age: int, *, days: int = 0, day: datetime.date = DAY) -> datetime.date:
    """The birth date of someone who turns `age` on `day`; `days` later is younger."""
    return day.replace(year=day.year - age) + datetime.timedelta(days=days)


class Desk:
    """A cadre of the village entering households as the registry pages do."""

    def __init__(self, *, cadre, village, county):
        self.cadre, self.village, self.county = cadre, village, county
        self.numbers = iter(range(1, 10_000))

    def household(self, *, income=None, year=YEAR, village=None, by=None, **fields):
        fields = {"housing_safety": "safe", "water_safety": "safe", **fields}
        household = household_create(
            by=by or self.cadre,
            household=Household(
                village=village or self.village, number=f"C{next(self.numbers):04d}", **fields
            ),
        )
        if income is not None:
            self.income(household, income, year=year, by=by)
        return household

    def income(self, household, amounts, *, year=YEAR, by=None):
        income_set(
            by=by or self.cadre,
            household=household,
            year=year,
            amounts={k: None if v is None else Decimal(v) for k, v in amounts.items()},
        )

    def person(self, household, relation, sex, age, *, days=0, by=None, **fields):
        if "schooling" in fields:
            fields.setdefault("education", "")
        elif age < 6:
            fields.setdefault("schooling", "preschool_child")
            fields.setdefault("education", "")
        else:
            fields.setdefault("education", "junior")
        fields.setdefault("medical_insurance", True)
        return person_save(
            by=by or self.cadre,
            person=Person(
                household=household,
                name=f"{relation}{age}",
                relation=relation,
                sex=sex,
                birth_date=birth(age, days=days),
                **fields,
            ),
        )

    def supporter(self, supported, **fields):
        fields = {"name": "外地子女", "relation": "child", "birth_date": birth(45), **fields}
        return supporter_save(
            by=self.cadre,
            supporter=Supporter(household=supported.household, supported=supported, **fields),
        )

    def enrol(self, code, household, person=None, **fields):
        return enrolment_create(
            by=self.cadre,
            enrolment=Enrolment(
                policy=Policy.objects.get(code=code),
                household=household,
                person=person,
                starts_on=fields.pop("starts_on", datetime.date(2024, 1, 1)),
                **fields,
            ),
        )


@pytest.fixture
def desk(county, village_a, cadre_a, county_supervisor):
    catalogue_load()
    figures(county_supervisor, county, YEAR)
    return Desk(cadre=cadre_a, village=village_a, county=county)


def figures(by, area, year):
    for name, value in FIGURES.items():
        parameter_set(by=by, name=name, area=area, year=year, value=value)


def eligible(code: str, subject, day: datetime.date = DAY) -> bool:
    """Whether the gap report's eligible list names the household (or person), checked against
    the explanation `evaluate_policies --explain` gives for it."""
    person = isinstance(subject, Person)
    household = subject.household if person else subject
    report = policy_evaluation(
        policy=Policy.objects.get(code=code), area=household.village, day=day
    )
    assert report["error"] is None, report["error"]
    listed = subject.pk in {row["person" if person else "household"] for row in report["eligible"]}
    # The household page explains each policy with the same compiled rule.
    compiled = policy_compiled(
        policy=Policy.objects.get(code=code), area=household.village, day=day
    )
    rows = (Person if person else Household).objects.filter(pk=subject.pk)
    explained = explain_rows(compiled, rows)[subject.pk]
    assert explained.eligible is listed, f"{code}: explanation and report disagree"
    return listed


def enrolled_not_eligible(code: str, area, day: datetime.date = DAY) -> set[int]:
    report = policy_evaluation(policy=Policy.objects.get(code=code), area=area, day=day)
    return {row["person"] or row["household"] for row in report["enrolled_not_eligible"]}


def exit_checks(household) -> dict[str, bool]:
    [row] = household_status_rows(
        area=household.village, day=DAY, households=Household.objects.filter(pk=household.pk)
    )
    return {name: explanation.eligible for name, explanation in row.checks.items()} | {
        "exits": row.exits,
        "below_range": row.below_threshold.eligible,
    }


# ---------------------------------------------------------------------------------------------
# Income for social assistance: 民发〔2021〕57号 art. 11 (README §9)
# ---------------------------------------------------------------------------------------------


def couple(desk, income, **fields):
    """A couple of 45 and 43: per-capita income is half the household's."""
    household = desk.household(income=income, **fields)
    desk.person(household, "head", "male", 45)
    desk.person(household, "spouse", "female", 43)
    return household


@pytest.mark.parametrize(
    "kind",
    [
        "transfer_special_care",  # 优待抚恤金
        "transfer_family_planning",  # 计划生育奖励与扶助金
        "transfer_award",  # 奖学金、见义勇为等奖励性补助
        "transfer_dibao",  # 政府发放的社会救助款物: 低保金
        "transfer_tekun",  # 特困供养金
        "transfer_assistance",  # 临时救助
        "transfer_base_pension",  # 十四五期间中央确定的基础养老金
    ],
)
def test_57hao_art11_excluded_income_does_not_count_for_dibao(desk, kind):
    """Wages 10,000 for two (5,000 a head) plus 4,000 of an excluded kind: below 5,400."""
    assert eligible("dibao", couple(desk, {"wage": 10000, kind: 4000}))


@pytest.mark.parametrize(
    "kind", ["transfer_pension", "transfer_ecological", "transfer_other", "property"]
)
def test_57hao_art11_income_not_listed_counts_for_dibao(desk, kind):
    """Other pensions, ecological compensation, other transfers, property income all count:
    5,000 + 2,000 a head is above 5,400."""
    assert not eligible("dibao", couple(desk, {"wage": 10000, kind: 4000}))


def test_57hao_art11_base_pension_counts_again_after_the_14th_plan(desk, county_supervisor):
    """The base-pension exclusion holds for 2021–2025 only: in 2026 it counts."""
    figures(county_supervisor, desk.county, 2026)
    day = datetime.date(2026, 12, 31)
    household = couple(desk, {"wage": 10000, "transfer_base_pension": 4000}, year=2026)
    assert not eligible("dibao", household, day)


@pytest.mark.parametrize(
    ("wages", "expected"),
    [(10798, True), (10800, False), (10802, False)],
    ids=["5399-below", "5400-at-the-standard", "5401-above"],
)
def test_57hao_dibao_income_strictly_below_the_standard(desk, wages, expected):
    """Per-capita income below the standard; the allowance received is left out."""
    household = couple(desk, {"wage": wages, "transfer_dibao": 3000})
    assert eligible("dibao", household) is expected


def test_57hao_net_production_income_counts_after_costs(desk):
    """(24,000 − 13,400) / 2 = 5,300 < 5,400."""
    household = couple(desk, {"production": 24000, "production_cost": 13400})
    assert eligible("dibao", household)


@pytest.mark.parametrize(
    ("wages", "expected"),
    [(10798, False), (10800, True), (16198, True), (16200, False)],
    ids=["5399-is-dibao", "5400-margin", "8099-margin", "8100-at-the-multiple"],
)
def test_57hao_dibao_marginal_below_the_multiple_of_the_standard(desk, wages, expected):
    """低保边缘: not below the standard, below 1.5 × it (8,100); 特困 money left out."""
    household = couple(desk, {"wage": wages, "transfer_tekun": 6000})
    assert eligible("dibao_marginal", household) is expected


def test_section9_the_dibao_marginal_multiple_is_a_local_figure(desk, county_supervisor):
    """9,000 a head is above 1.5 × 5,400; a county that sets 2 × includes it."""
    household = couple(desk, {"wage": 18000})
    assert not eligible("dibao_marginal", household)
    parameter_set(
        by=county_supervisor, name="dibao_marginal_multiple", area=desk.county, year=YEAR, value=2
    )
    assert eligible("dibao_marginal", household)


def test_57hao_a_dibao_household_is_not_lifted_into_the_margin_by_its_allowance(desk):
    """5,000 a head in wages plus 2,500 a head of 低保: still 低保, not 低保边缘."""
    household = couple(desk, {"wage": 10000, "transfer_dibao": 5000})
    assert eligible("dibao", household)
    assert not eligible("dibao_marginal", household)


def test_57hao_explanation_lists_the_income_left_out_by_kind(desk):
    """evaluate_policies --explain: what counted and what was left out, by kind, with why."""
    household = couple(
        desk, {"wage": 9000, "transfer_dibao": 4800, "transfer_family_planning": 1200}
    )
    [dibao] = household_evaluation(household=household, day=DAY, codes=["dibao"])["policies"]
    income = dibao["income"]
    assert [i["kind"] for i in income["counted"]] == ["wage"]
    assert {i["kind"] for i in income["excluded"]} == {
        "transfer_dibao",
        "transfer_family_planning",
    }
    assert all(i["reason"] for i in income["excluded"])
    assert Decimal(income["per_capita"]) == 4500


def test_57hao_and_section2_exit_counts_the_allowance_that_dibao_leaves_out(desk):
    """One household, two bases: for 低保 the allowance is left out (4,000 a head, eligible);
    for exit the full net income counts (5,000 a head, above the 4,800 line)."""
    household = couple(desk, {"wage": 8000, "transfer_dibao": 2000})
    assert eligible("dibao", household)
    assert exit_checks(household)["income"] is True


@pytest.mark.parametrize(
    ("extra", "below"),
    [({}, True), ({"transfer_family_planning": 1000}, False), ({"transfer_dibao": 1000}, False)],
    ids=["8500-wages-only", "plus-family-planning", "plus-dibao"],
)
def test_section3_monitoring_range_counts_full_income(desk, extra, below):
    """The monitoring range reads the full per-capita net income: 8,500 a head is below
    8,700; any transfer of 500 a head lifts it to 9,000."""
    household = couple(desk, {"wage": 17000, **extra}, status="exited")
    assert exit_checks(household)["below_range"] is below
    screened = set(monitoring.meeting_not_monitored(area=desk.village, day=DAY))
    assert (household in screened) is below


# ---------------------------------------------------------------------------------------------
# 特困: 特困人员认定办法 民发〔2021〕43号 (README §9; sources.md §5.2)
# ---------------------------------------------------------------------------------------------


def alone(desk, age, *, days=0, income=None, household=None, **fields):
    """A person living alone with 2,000 of wages (unless told), no supporter recorded."""
    household = desk.household(income=income or {"wage": 2000}, **(household or {}))
    return desk.person(household, "head", fields.pop("sex", "male"), age, days=days, **fields)


@pytest.mark.parametrize(
    ("age", "days", "expected"),
    [
        (60, 0, True),  # 60 on the day: "aged 60 or over"
        (60, 1, False),  # 60 tomorrow
        (16, 1, True),  # 16 tomorrow: "under 16"
        (16, 0, False),  # 16 on the day
    ],
    ids=["60-on-birthday", "59-eve-of-60", "15-eve-of-16", "16-on-birthday"],
)
def test_43hao_no_labour_capacity_by_age(desk, age, days, expected):
    person = alone(desk, age, days=days)
    assert eligible("tekun", person) is expected


def test_43hao_a_72_year_old_recorded_as_weak_labour_has_none(desk):
    """Age decides, not the labour field."""
    assert eligible("tekun", alone(desk, 72, labour="weak"))


def test_43hao_lost_labour_recorded_without_age_or_disability_is_not_enough(desk):
    assert not eligible("tekun", alone(desk, 45, labour="lost"))


@pytest.mark.parametrize(
    ("category", "grade", "expected"),
    [
        ("intellectual", 3, True),
        ("mental", 3, True),
        ("intellectual", 4, False),
        ("mental", 4, False),
        ("physical", 2, True),
        ("physical", 3, False),
        ("visual", 1, True),
        ("visual", 2, False),
        ("hearing", 1, False),  # hearing and speech do not count
        ("speech", 1, False),
        ("hearing", 2, False),
    ],
)
def test_43hao_no_labour_capacity_by_disability(desk, category, grade, expected):
    person = alone(desk, 40, disability_category=category, disability_grade=grade)
    assert eligible("tekun", person) is expected


@pytest.mark.parametrize(
    ("wages", "expected"), [(5399, True), (5400, False)], ids=["5399", "5400-at-standard"]
)
def test_43hao_no_source_of_living_income_below_the_dibao_standard(desk, wages, expected):
    """Income below the local 低保 standard, counted as 57号: 特困 support and the base pension
    on top are left out."""
    income = {"wage": wages, "transfer_tekun": 7000, "transfer_base_pension": 1800}
    assert eligible("tekun", alone(desk, 75, income=income)) is expected


def test_43hao_an_orphan_whose_only_income_is_assistance_has_no_source_of_living(desk):
    """All income left out counts as nothing, not as unknown."""
    orphan = alone(desk, 12, income={"transfer_assistance": 3000}, schooling="primary")
    assert eligible("tekun", orphan)


@pytest.mark.parametrize(
    "flag", ["owns_vehicle", "owns_business", "public_payroll", "town_housing"]
)
def test_43hao_property_beyond_the_limits_is_a_source_of_living(desk, flag):
    person = alone(desk, 75, household={flag: True})
    assert not eligible("tekun", person)


def elder_with(desk, relation, sex, age, *, elder_age=85, income=None, **fields):
    """An elder (head) with one relative in the household, little income."""
    household = desk.household(income=income or {"wage": 3000})
    elder = desk.person(household, "head", "female" if sex == "male" else "male", elder_age)
    relative = desk.person(household, relation, sex, age, **fields)
    return elder, relative


def test_43hao_an_able_son_at_home_is_a_supporter(desk):
    elder, _son = elder_with(desk, "son", "male", 45)
    assert not eligible("tekun", elder)


def test_43hao_an_able_spouse_is_a_supporter(desk):
    elder, _wife = elder_with(desk, "spouse", "female", 55, elder_age=70)
    assert not eligible("tekun", elder)


@pytest.mark.parametrize(
    ("age", "fields", "expected"),
    [
        (70, {}, True),  # aged 70+, the household's income below the disposable income
        (69, {}, False),
        (45, {"disability_category": "physical", "disability_grade": 1}, True),
        (45, {"disability_category": "physical", "disability_grade": 3}, False),
        (45, {"disability_category": "intellectual", "disability_grade": 3}, True),
        (45, {"disability_category": "hearing", "disability_grade": 3}, False),
    ],
    ids=[
        "son-70",
        "son-69",
        "son-grade-1",
        "son-physical-3",
        "son-intellectual-3",
        "son-hearing-3",
    ],
)
def test_43hao_a_son_at_home_unable_to_fulfil_the_duty(desk, age, fields, expected):
    elder, _son = elder_with(desk, "son", "male", age, elder_age=95, **fields)
    assert eligible("tekun", elder) is expected


def test_43hao_a_child_of_17_is_not_yet_bound_to_support(desk):
    """Children support their parents as adults: a blind father of 45 (visual grade 1) with a
    son of 17 at home has no supporter able to fulfil the duty."""
    household = desk.household(income={"wage": 3000})
    father = desk.person(
        household, "head", "male", 45, disability_category="visual", disability_grade=1
    )
    desk.person(household, "son", "male", 17, schooling="high_2")
    assert eligible("tekun", father)


def test_43hao_a_son_who_is_tekun_himself_cannot_support(desk):
    elder, son = elder_with(desk, "son", "male", 40)
    assert not eligible("tekun", elder)
    desk.enrol("tekun", son.household, son, support_mode="dispersed")
    assert eligible("tekun", elder)


@pytest.mark.parametrize(("age", "expected"), [(60, True), (59, False)])
def test_43hao_a_dibao_recipient_aged_60_cannot_support(desk, age, expected):
    elder, son = elder_with(desk, "son", "male", age, elder_age=88)
    desk.enrol("dibao", son.household)
    assert eligible("tekun", elder) is expected


def test_43hao_an_able_child_outside_the_household_is_a_supporter(desk):
    elder = alone(desk, 80)
    assert eligible("tekun", elder)
    desk.supporter(elder, birth_date=birth(50), annual_income=Decimal(30000))
    assert not eligible("tekun", elder)


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"is_tekun": True}, True),
        ({"is_dibao": True, "birth_date": birth(60)}, True),
        ({"is_dibao": True, "birth_date": birth(60, days=1)}, False),
        ({"birth_date": birth(70), "annual_income": 15999}, True),
        ({"birth_date": birth(70), "annual_income": 16000}, False),
        ({"birth_date": birth(70, days=1), "annual_income": 8000}, False),
        (
            {"disability_category": "physical", "disability_grade": 2, "annual_income": 9000},
            True,
        ),
        (
            {"disability_category": "mental", "disability_grade": 3, "annual_income": 9000},
            True,
        ),
        (
            {"disability_category": "physical", "disability_grade": 1, "annual_income": 50000},
            False,
        ),
    ],
    ids=[
        "tekun",
        "dibao-60",
        "dibao-eve-of-60",
        "70-income-15999",
        "70-income-16000",
        "eve-of-70",
        "physical-2-low-income",
        "mental-3-low-income",
        "physical-1-income-above-disposable",
    ],
)
def test_43hao_art9_a_supporter_outside_unable_to_fulfil_the_duty(desk, fields, expected):
    """43号 art. 9 (sources.md §5.2: "severely disabled with low income"): the severely
    disabled and grade-3 intellectual/mental are unable only when their own income is below last
    year's per-capita disposable income (16,000 here); so is one aged 70 or over."""
    elder = alone(desk, 90)
    desk.supporter(elder, **{"birth_date": birth(50), "annual_income": 30000, **fields})
    assert eligible("tekun", elder) is expected


@pytest.mark.parametrize(
    ("age", "days", "schooling", "expected"),
    [
        (17, 0, None, True),  # continues to 18
        (18, 1, None, True),  # 18 tomorrow
        (18, 0, None, False),  # 18 today, not at school
        (18, 0, "high_3", True),  # senior high school
        (19, 0, "vocational_2", True),  # secondary vocational school
        (18, 0, "grade_9", True),  # still in compulsory education
        (18, 0, "undergraduate_1", False),  # university is not listed
    ],
    ids=[
        "17",
        "eve-of-18",
        "18-out-of-school",
        "18-senior-high",
        "19-vocational",
        "18-grade-9",
        "18-university",
    ],
)
def test_43hao_supported_minors_continue_to_18_and_while_at_school(
    desk, age, days, schooling, expected
):
    household = desk.household(income={"transfer_tekun": 6000, "wage": 1000})
    fields = {"schooling": schooling} if schooling else {}
    child = desk.person(household, "head", "female", age, days=days, **fields)
    desk.enrol("tekun", household, child, support_mode="centralised", starts_on=birth(12))
    assert eligible("tekun", child) is expected


def test_43hao_a_17_year_old_not_supported_before_has_labour_capacity(desk):
    assert not eligible("tekun", alone(desk, 17))


# ---------------------------------------------------------------------------------------------
# Left-behind children, women and elderly: families, not heads (README §5, §9)
# ---------------------------------------------------------------------------------------------

AWAY = {"migrant_work": "out_of_province", "migrant_months": 10}


def three_generations(desk, *, son=AWAY, wife=AWAY, child_age=9, child=None):
    """Grandparents head and spouse; their son and his wife; the son's child."""
    household = desk.household(income={"wage": 40000})
    people = {
        "grandfather": desk.person(household, "head", "male", 66),
        "grandmother": desk.person(household, "spouse", "female", 63),
        "son": desk.person(household, "son", "male", 38, **son),
        "wife": desk.person(household, "daughter_in_law", "female", 36, **wife),
    }
    people["child"] = desk.person(
        household, "grandson", "male", child_age, **(child or {"schooling": "primary"})
    )
    return people


def test_13hao_grandchild_of_two_migrant_parents_is_left_behind(desk):
    people = three_generations(desk)
    assert eligible("left_behind_children", people["child"])


def test_13hao_the_parents_are_not_the_head_grandparents_at_home_do_not_matter(desk):
    """The head and spouse at home are grandparents, not parents: the child is still left
    behind; neither grandparent is a left-behind child or woman."""
    people = three_generations(desk)
    assert not eligible("left_behind_women", people["grandmother"])
    assert not eligible("left_behind_children", people["son"])


def test_13hao_one_parent_at_home_able_to_guard(desk):
    people = three_generations(desk, wife={})
    assert not eligible("left_behind_children", people["child"])


@pytest.mark.parametrize(
    "wife",
    [
        {"serious_illness": True},
        {"disability_category": "intellectual", "disability_grade": 2},
    ],
    ids=["seriously-ill", "intellectual-2"],
)
def test_13hao_one_parent_away_the_other_unable_to_guard(desk, wife):
    people = three_generations(desk, wife=wife)
    assert eligible("left_behind_children", people["child"])


@pytest.mark.parametrize(
    ("days", "expected"), [(1, True), (0, False)], ids=["eve-of-16", "16-on-birthday"]
)
def test_13hao_under_16(desk, days, expected):
    people = three_generations(desk, child_age=16, child={"schooling": "grade_9", "days": days})
    assert eligible("left_behind_children", people["child"]) is expected


def test_13hao_parents_working_away_need_no_half_year(desk):
    """国发〔2016〕13号 and README §5 give no length of absence for children (they do for women
    and the elderly): both parents working outside the province for four months leave the child
    behind."""
    four = {"migrant_work": "out_of_province", "migrant_months": 4}
    people = three_generations(desk, son=four, wife=four)
    assert eligible("left_behind_children", people["child"])


def test_13hao_head_as_migrant_father_with_his_parents_at_home(desk):
    """Three generations the other way round: the migrant couple are head and spouse, the
    head's father and mother look after the grandchild."""
    household = desk.household(income={"wage": 40000})
    desk.person(household, "head", "male", 35, **AWAY)
    desk.person(household, "spouse", "female", 33, **AWAY)
    father = desk.person(household, "father", "male", 64)
    mother = desk.person(household, "mother", "female", 61)
    child = desk.person(household, "daughter", "female", 7, schooling="primary")
    assert eligible("left_behind_children", child)
    assert eligible("left_behind_elderly", father)
    assert eligible("left_behind_elderly", mother)


def test_womens_federation_the_migrant_sons_wife_is_left_behind(desk):
    people = three_generations(desk, wife={})
    assert eligible("left_behind_women", people["wife"])


@pytest.mark.parametrize(("months", "expected"), [(6, True), (5, False)])
def test_womens_federation_husband_away_half_a_year(desk, months, expected):
    son = {"migrant_work": "in_province", "migrant_months": months}
    people = three_generations(desk, son=son, wife={})
    assert eligible("left_behind_women", people["wife"]) is expected


def test_womens_federation_a_wife_working_away_herself_is_not_left_behind(desk):
    people = three_generations(desk)
    assert not eligible("left_behind_women", people["wife"])


def test_womens_federation_husband_working_in_the_township_is_at_home(desk):
    son = {"migrant_work": "in_township", "migrant_months": 12}
    people = three_generations(desk, son=son, wife={})
    assert not eligible("left_behind_women", people["wife"])


def test_193hao_grandparents_whose_son_and_his_wife_are_away(desk):
    people = three_generations(desk)
    assert eligible("left_behind_elderly", people["grandfather"])
    assert eligible("left_behind_elderly", people["grandmother"])


def test_193hao_a_16_year_old_pupil_at_home_is_not_a_supporter(desk):
    """The grandson of 16 at senior high school lives with his grandparents: they are still
    left behind (and he is no longer a left-behind child)."""
    people = three_generations(desk, child_age=16, child={"schooling": "high_1"})
    assert eligible("left_behind_elderly", people["grandfather"])
    assert not eligible("left_behind_children", people["child"])


def test_193hao_the_elders_own_child_at_school_at_home_is_not_a_supporter(desk):
    """A son away and a daughter of 17 at senior high school at home: the father of 62 is left
    behind."""
    household = desk.household(income={"wage": 40000})
    old = desk.person(household, "head", "male", 62)
    desk.person(household, "son", "male", 40, **AWAY)
    desk.person(household, "daughter", "female", 17, schooling="high_2")
    assert eligible("left_behind_elderly", old)


def test_193hao_a_daughter_at_home_able_to_support(desk):
    household = desk.household(income={"wage": 40000})
    old = desk.person(household, "head", "male", 70)
    desk.person(household, "son", "male", 42, **AWAY)
    desk.person(household, "daughter", "female", 30)
    assert not eligible("left_behind_elderly", old)


@pytest.mark.parametrize(
    ("days", "expected"), [(0, True), (1, False)], ids=["60-on-birthday", "eve-of-60"]
)
def test_193hao_aged_60_or_over(desk, days, expected):
    household = desk.household(income={"wage": 40000})
    old = desk.person(household, "head", "female", 60, days=days)
    desk.person(household, "son", "male", 36, **AWAY)
    assert eligible("left_behind_elderly", old) is expected


# ---------------------------------------------------------------------------------------------
# Exit checks: README §2 and §9 (两不愁三保障 and safe drinking water)
# ---------------------------------------------------------------------------------------------


def exiting(desk, *, wages=20000, child=None, **fields):
    """Two insured adults in a safe house with safe water, and a child when given."""
    household = couple(desk, {"wage": wages}, status="poor", poverty_status="not_out", **fields)
    if child is not None:
        age = child.pop("age")
        desk.person(household, "son", "male", age, **child)
    return household


@pytest.mark.parametrize(
    ("wages", "passes"),
    [(9598, False), (9600, False), (9602, True)],
    ids=["4799", "4800-at-the-line", "4801"],
)
def test_exit_income_strictly_above_the_line(desk, wages, passes):
    assert exit_checks(exiting(desk, wages=wages))["income"] is passes


def test_exit_income_is_that_of_the_last_12_months(desk):
    """Income recorded only for a year wholly before the last 12 months (2023, for 31 December
    2025) says nothing of them: the check does not pass."""
    household = exiting(desk)
    desk.income(household, {"wage": None})
    desk.income(household, {"wage": 30000}, year=YEAR - 2)
    assert exit_checks(household)["income"] is not True


def test_exit_a_household_meeting_every_check_exits(desk):
    household = exiting(desk, child={"age": 13, "schooling": "grade_7"})
    assert exit_checks(household)["exits"] is True


@pytest.mark.parametrize(
    ("child", "passes"),
    [
        ({"age": 15, "education": "junior"}, True),  # finished junior school at 15
        ({"age": 15, "education": "primary"}, False),  # dropped out after primary
        ({"age": 7, "schooling": "preschool"}, False),  # school age, still pre-school
        ({"age": 7, "schooling": "preschool_child"}, False),
        ({"age": 10, "schooling": "primary"}, True),
        ({"age": 16, "education": "primary"}, True),  # 16: past compulsory age
        ({"age": 16, "days": 1, "education": "primary"}, False),  # 15, 16 tomorrow
    ],
    ids=[
        "15-junior-completed",
        "15-primary-only",
        "7-preschool",
        "7-preschool-child",
        "10-primary",
        "16-primary-only",
        "15-eve-of-16-primary-only",
    ],
)
def test_exit_compulsory_education_for_children_of_6_to_15(desk, child, passes):
    assert exit_checks(exiting(desk, child=child))["education"] is passes


@pytest.mark.parametrize("exemption", ["home_teaching", "health_exempt", "disability_exempt"])
def test_exit_a_7_year_old_at_pre_school_exempted_passes(desk, exemption):
    child = {"age": 7, "schooling": "preschool", "education_exemption": exemption}
    assert exit_checks(exiting(desk, child=child))["education"] is True


def test_exit_an_exemption_belongs_to_its_child_only(desk):
    household = exiting(
        desk, child={"age": 9, "schooling": "preschool", "education_exemption": "home_teaching"}
    )
    desk.person(household, "daughter", "female", 7, schooling="preschool")
    assert exit_checks(household)["education"] is False


@pytest.mark.parametrize(
    ("residents", "employees", "passes"),
    [(False, True, True), (True, False, True), (False, False, False)],
    ids=["employees-only", "residents-only", "neither"],
)
def test_exit_basic_medical_insurance_residents_or_employees(desk, residents, employees, passes):
    household = exiting(desk)
    desk.person(
        household,
        "daughter",
        "female",
        24,
        medical_insurance=residents,
        employee_medical_insurance=employees,
    )
    assert exit_checks(household)["medical"] is passes


@pytest.mark.parametrize(
    ("field", "check"), [("housing_safety", "housing"), ("water_safety", "water")]
)
def test_exit_safe_housing_and_water(desk, field, check):
    result = exit_checks(exiting(desk, **{field: "unsafe"}))
    assert result[check] is False and result["exits"] is False


# ---------------------------------------------------------------------------------------------
# Monitoring: README §3 and §9 (中发〔2020〕30号, 中农组发〔2021〕7号)
# ---------------------------------------------------------------------------------------------

LEAD = datetime.date(2025, 1, 3)
DECIDED = datetime.date(2025, 1, 16)


def out_of_poverty(desk, *, wages=17402, labour="ordinary", **fields):
    """An out-of-poverty household of two (8,701 a head unless told)."""
    fields = {
        "status": "exited",
        "poverty_status": "out_enjoying",
        "poverty_attribute": "ordinary_exited",
        **fields,
    }
    household = desk.household(income={"wage": wages}, **fields)
    desk.person(household, "head", "male", 50, labour=labour)
    desk.person(household, "spouse", "female", 48, labour=labour)
    return household


def never_registered(desk, *, wages=17000):
    household = desk.household(income={"wage": wages}, status="not_poor")
    desk.person(household, "head", "male", 50)
    return household


def opened(desk, household, *, category="unstable", year=YEAR, lead=LEAD):
    return monitoring.monitored_create(
        by=desk.cadre,
        monitored=MonitoredHousehold(
            household=household,
            year=year,
            category=category,
            risk_types=["illness"],
            found_by="screening",
            first_lead_on=lead,
            consent_signed_on=lead,
        ),
    )


def decided(desk, household, **case):
    monitored = opened(desk, household, **case)
    lead = monitored.first_lead_on
    days = [lead + datetime.timedelta(days=d) for d in (1, 2, 9, 13)]
    for step, day in zip(Step, days, strict=True):
        monitoring.step_record(by=desk.cadre, monitored=monitored, step=step, done_on=day)
    return monitored


@pytest.mark.parametrize(
    ("registered", "category", "fits"),
    [
        (True, "unstable", True),
        (False, "unstable", False),  # 脱贫不稳定户 only for an out-of-poverty household
        (False, "marginal", True),
        (True, "marginal", False),  # 边缘易致贫户 only for one never registered poor
    ],
    ids=["unstable-exited", "unstable-never-registered", "marginal-never", "marginal-exited"],
)
def test_section9_monitoring_category_must_fit_the_household(desk, registered, category, fits):
    household = out_of_poverty(desk) if registered else never_registered(desk)
    if fits:
        assert opened(desk, household, category=category).pk
    else:
        with pytest.raises(ValidationError):
            opened(desk, household, category=category)
        assert not MonitoredHousehold.objects.filter(household=household).exists()


def test_section9_the_county_decision_makes_a_monitored_household(desk):
    """From the decision the household is a 监测户, so premium aid (keyed to monitored
    households) reaches its members."""
    household = out_of_poverty(desk, wages=30000)
    head = household.members.get(relation="head")
    assert not eligible("medical_premium_aid", head)
    decided(desk, household)
    household.refresh_from_db()
    assert household.status == "monitored"
    assert eligible("medical_premium_aid", head)


def test_section9_one_case_per_household_open_across_years(desk):
    household = out_of_poverty(desk, wages=12000)
    last_year = opened(desk, household, year=YEAR - 1, lead=datetime.date(2024, 10, 8))
    assert last_year in set(monitored_list(user=desk.cadre, year=YEAR))
    with pytest.raises(ValidationError):
        opened(desk, household)
    assert MonitoredHousehold.objects.filter(household=household).count() == 1


@pytest.mark.parametrize(
    ("wages", "flagged"), [(17398, True), (17400, False)], ids=["8699", "8700-at-the-range"]
)
def test_section3_screening_income_below_the_range(desk, wages, flagged):
    household = out_of_poverty(desk, wages=wages)
    assert (household in set(monitoring.meeting_not_monitored(area=desk.village, day=DAY))) is (
        flagged
    )


@pytest.mark.parametrize(
    ("spent", "flagged"), [(15000, False), (15001, True)], ids=["at-threshold", "over"]
)
def test_section9_screening_heavy_out_of_pocket_medical_spending(desk, spent, flagged):
    household = out_of_poverty(desk, wages=40000)
    HouseholdSpending.objects.create(
        household=household, year=YEAR, medical_out_of_pocket=Decimal(spent)
    )
    assert (household in set(monitoring.meeting_not_monitored(area=desk.village, day=DAY))) is (
        flagged
    )


@pytest.mark.parametrize(
    ("this_year", "flagged"), [(20000, True), (36000, False)], ids=["halved", "down-10pc"]
)
def test_section9_screening_sharp_income_drop(desk, this_year, flagged):
    """40,000 a head last year; this year still well above the range."""
    household = out_of_poverty(desk, wages=this_year * 2)
    desk.income(household, {"wage": 80000}, year=YEAR - 1)
    assert (household in set(monitoring.meeting_not_monitored(area=desk.village, day=DAY))) is (
        flagged
    )


HALF_YEAR = datetime.date(2025, 7, 16)


@pytest.mark.parametrize(
    ("wages", "ok"), [(17400, False), (17402, True)], ids=["8700-at-the-range", "8701"]
)
def test_section9_elimination_income_strictly_above_the_range(desk, wages, ok):
    monitored = decided(desk, out_of_poverty(desk, wages=wages))
    if ok:
        monitoring.risk_eliminate(by=desk.cadre, monitored=monitored, day=HALF_YEAR, way="assisted")
        monitored.refresh_from_db()
        assert monitored.risk_eliminated_on == HALF_YEAR and monitored.elimination == "assisted"
    else:
        with pytest.raises(ValidationError):
            monitoring.risk_eliminate(
                by=desk.cadre, monitored=monitored, day=HALF_YEAR, way="assisted"
            )


def test_section3_elimination_after_half_a_year_of_monitoring(desk):
    monitored = decided(desk, out_of_poverty(desk))
    with pytest.raises(ValidationError):
        monitoring.risk_eliminate(
            by=desk.cadre,
            monitored=monitored,
            day=HALF_YEAR - datetime.timedelta(days=1),
            way="natural",
        )
    monitoring.risk_eliminate(by=desk.cadre, monitored=monitored, day=HALF_YEAR, way="natural")


@pytest.mark.parametrize("field", ["housing_safety", "water_safety"])
def test_section9_elimination_needs_safe_housing_and_water(desk, field):
    household = out_of_poverty(desk)
    monitored = decided(desk, household)
    household.refresh_from_db()
    setattr(household, field, "unsafe")
    household_update(by=desk.cadre, household=household)
    with pytest.raises(ValidationError):
        monitoring.risk_eliminate(by=desk.cadre, monitored=monitored, day=HALF_YEAR, way="assisted")


def test_section9_elimination_needs_every_member_insured(desk):
    household = out_of_poverty(desk)
    monitored = decided(desk, household)
    desk.person(household, "son", "male", 20, medical_insurance=False)
    with pytest.raises(ValidationError):
        monitoring.risk_eliminate(by=desk.cadre, monitored=monitored, day=HALF_YEAR, way="assisted")


def test_section9_elimination_refused_with_a_new_risk(desk):
    """Heavy out-of-pocket medical spending this year is a new risk."""
    household = out_of_poverty(desk, wages=30000)
    monitored = decided(desk, household)
    HouseholdSpending.objects.create(household=household, year=YEAR, medical_out_of_pocket=40000)
    with pytest.raises(ValidationError):
        monitoring.risk_eliminate(by=desk.cadre, monitored=monitored, day=HALF_YEAR, way="assisted")


def test_section9_a_household_without_labour_leaves_only_with_a_safety_net(desk):
    household = out_of_poverty(desk, wages=20000, labour="none")
    monitored = decided(desk, household)
    with pytest.raises(ValidationError):
        monitoring.risk_eliminate(
            by=desk.cadre, monitored=monitored, day=HALF_YEAR, way="safety_net"
        )
    desk.enrol("dibao", household)
    with pytest.raises(ValidationError):
        monitoring.risk_eliminate(by=desk.cadre, monitored=monitored, day=HALF_YEAR, way="natural")
    monitoring.risk_eliminate(by=desk.cadre, monitored=monitored, day=HALF_YEAR, way="safety_net")
    monitored.refresh_from_db()
    assert monitored.elimination == "safety_net"


def test_section9_after_elimination_a_new_risk_opens_a_new_case(desk):
    household = out_of_poverty(desk)
    monitored = decided(desk, household)
    monitoring.risk_eliminate(by=desk.cadre, monitored=monitored, day=HALF_YEAR, way="assisted")
    again = opened(desk, household, lead=datetime.date(2025, 9, 1))
    assert again.pk != monitored.pk


def test_section9_elimination_records_how(desk):
    monitored = decided(desk, out_of_poverty(desk))
    with pytest.raises(ValidationError):
        monitoring.risk_eliminate(by=desk.cadre, monitored=monitored, day=HALF_YEAR, way="")
    monitored.refresh_from_db()
    assert monitored.risk_eliminated_on is None


def test_section9_another_village_cannot_eliminate(desk, cadre_b):
    monitored = decided(desk, out_of_poverty(desk))
    with pytest.raises(PermissionDenied):
        monitoring.risk_eliminate(by=cadre_b, monitored=monitored, day=HALF_YEAR, way="assisted")


# ---------------------------------------------------------------------------------------------
# Counties adapt rules (README §9)
# ---------------------------------------------------------------------------------------------

STRICTER = {"field": "per_capita_income", "op": "<", "value": 4000}
FROM = datetime.date(2025, 3, 1)


@pytest.fixture
def neighbour(desk, county):
    """Another county of the same city, with the same figures, and an administrator of it."""
    other = make_area("530129000000", Level.COUNTY, "寻甸回族彝族自治县", county.parent)
    township = make_area("530129101000", Level.TOWNSHIP, "仁德街道", other)
    village = make_area("530129101001", Level.VILLAGE, "北大营村", township)
    cadre = make_user("cadre_neighbour", Role.CADRE, village)
    admin = make_user("admin_city", Role.ADMINISTRATOR, county.parent)
    figures(admin, other, YEAR)
    return village, cadre, admin


def test_section9_a_county_version_applies_in_its_areas_only(desk, county_supervisor, neighbour):
    """4,500 a head: below the default 5,400, not below the county's own 4,000."""
    village, cadre, _admin = neighbour
    here = couple(desk, {"wage": 9000})
    there = desk.household(income={"wage": 9000}, village=village, by=cadre)
    desk.person(there, "head", "male", 45, by=cadre)
    desk.person(there, "spouse", "female", 43, by=cadre)
    rule = rule_save(
        by=county_supervisor,
        policy=Policy.objects.get(code="dibao"),
        definition=STRICTER,
        effective_from=FROM,
        area=desk.county,
    )
    assert not eligible("dibao", here)
    assert eligible("dibao", there)
    [line] = household_evaluation(household=here, day=DAY, codes=["dibao"])["policies"]
    assert f"v{rule.version}" in line["rule"]
    [other] = household_evaluation(household=there, day=DAY, codes=["dibao"])["policies"]
    assert f"v{rule.version}" not in other["rule"]


def test_section9_only_an_administrator_changes_the_default(desk, county_supervisor, neighbour):
    _village, _cadre, admin = neighbour
    dibao = Policy.objects.get(code="dibao")
    with pytest.raises(PermissionDenied):
        rule_save(by=county_supervisor, policy=dibao, definition=STRICTER, effective_from=FROM)
    rule_save(by=admin, policy=dibao, definition=STRICTER, effective_from=FROM)
    assert dibao.rule_on(DAY).definition == STRICTER


# ---------------------------------------------------------------------------------------------
# 低保 households with disabled members (国发〔2015〕52号, 国办发〔2021〕42号; README §4, §9)
# ---------------------------------------------------------------------------------------------


def dibao_household_with_disabled_member(desk):
    """Three members, wages 12,000 and 9,600 of 低保 a year: enrolled in 低保, the disabled son
    in the living subsidy, every member in premium aid."""
    household = desk.household(income={"wage": 12000, "transfer_dibao": 9600})
    members = [
        desk.person(household, "head", "male", 58),
        desk.person(household, "spouse", "female", 56),
        desk.person(
            household, "son", "male", 30, disability_category="hearing", disability_grade=4
        ),
    ]
    desk.enrol("dibao", household)
    desk.enrol("disability_living", household, members[2])
    for member in members:
        desk.enrol("medical_premium_aid", household, member)
    return household, members


def test_52hao_a_dibao_households_disabled_member_keeps_the_living_subsidy(desk):
    household, members = dibao_household_with_disabled_member(desk)
    assert eligible("dibao", household)
    assert eligible("disability_living", members[2])
    assert household.pk not in enrolled_not_eligible("dibao", desk.village)
    assert members[2].pk not in enrolled_not_eligible("disability_living", desk.village)


def test_42hao_members_of_a_dibao_household_keep_premium_aid(desk):
    _household, members = dibao_household_with_disabled_member(desk)
    wrong = enrolled_not_eligible("medical_premium_aid", desk.village)
    assert not wrong & {m.pk for m in members}
    assert all(eligible("medical_premium_aid", m) for m in members)


def test_52hao_a_disabled_person_of_a_well_off_household_gets_no_living_subsidy(desk):
    household = couple(desk, {"wage": 90000})
    disabled = desk.person(
        household, "son", "male", 20, disability_category="physical", disability_grade=3
    )
    desk.enrol("disability_living", household, disabled)
    assert not eligible("disability_living", disabled)
    assert disabled.pk in enrolled_not_eligible("disability_living", desk.village)
