import datetime
from decimal import Decimal

import pytest

from villagedesk.registry.tests.factories import HouseholdFactory, PersonFactory
from villagedesk.welfare.models import IncomeLine
from villagedesk.welfare.rules import Context, RuleError, compile_rule, explain
from villagedesk.welfare.tests.conftest import DAY
from villagedesk.welfare.tests.factories import ParameterFactory

BELOW_DIBAO = {"field": "per_capita_income", "op": "<", "value": {"param": "dibao_standard"}}


def selected(definition, context, subject="household"):
    compiled = compile_rule(definition, name="test", subject=subject, context=context)
    return set(compiled.queryset().values_list("pk", flat=True))


def household_with_income(village, amount, members=1, **fields):
    household = HouseholdFactory(village=village, **fields)
    for i in range(members):
        PersonFactory(household=household, relation="head" if i == 0 else "other", id_number=None)
    IncomeLine.objects.create(
        household=household, year=DAY.year, kind="wage", amount=Decimal(amount)
    )
    return household


@pytest.mark.parametrize(
    ("definition", "part", "words"),
    [
        ({"field": "colour", "op": "=", "value": 1}, "field", "unknown field “colour”"),
        (
            {"all": [{"field": "status", "op": "=", "value": "rich"}]},
            "all[0].value",
            "“rich” is not a code of status",
        ),
        (
            {"field": "identified_on", "op": ">", "value": 2020},
            "value",
            "a date (YYYY-MM-DD) is expected",
        ),
        (
            {"field": "per_capita_income", "op": "<", "value": "2020-01-01"},
            "value",
            "a number is expected",
        ),
        (
            {"field": "per_capita_income", "op": "<", "value": {"param": "dibao_standrad"}},
            "value",
            "unknown parameter “dibao_standrad”",
        ),
        ({"field": "status", "op": "<", "value": "poor"}, "op", "does not apply to status"),
        ({"any": []}, "", "takes a non-empty list"),
        (
            {"count": {"field": "shoe_size", "op": "=", "value": 1}, "op": ">", "value": 0},
            "count.field",
            "unknown field",
        ),
        ({"not": {"field": "age", "op": ">", "value": 3}}, "not.field", "unknown field “age”"),
        ({"sum": "labour", "op": ">", "value": 1}, "sum", "that can be summed"),
    ],
)
def test_a_bad_rule_is_refused_naming_the_rule_and_the_part(db, definition, part, words):
    with pytest.raises(RuleError) as error:
        compile_rule(definition, name="dibao v3")
    assert error.value.rule == "dibao v3"
    assert error.value.part == part
    assert words in error.value.message
    assert "dibao v3" in str(error.value)


def test_a_parameter_missing_for_the_year_is_an_error_naming_the_year(context, parameters):
    later = Context(area=context.area, day=datetime.date(2026, 3, 1))
    with pytest.raises(RuleError) as error:
        compile_rule(BELOW_DIBAO, name="dibao v1", context=later)
    assert "has no value for 2026" in error.value.message
    assert error.value.part == "value"


def test_a_person_field_is_unknown_on_a_household_rule(db):
    with pytest.raises(RuleError, match="unknown field “labour”"):
        compile_rule({"field": "labour", "op": "empty"}, name="x")


def test_per_capita_income_divides_by_the_members(context, parameters, village_a):
    poor = household_with_income(village_a, 11_000, members=2)  # 5,500 < 6,000
    rich = household_with_income(village_a, 13_000, members=2)  # 6,500
    assert selected(BELOW_DIBAO, context) == {poor.pk}
    assert rich.pk not in selected(BELOW_DIBAO, context)


def test_a_household_without_members_never_passes_and_explain_says_why(
    context, parameters, village_a
):
    empty = HouseholdFactory(village=village_a)
    IncomeLine.objects.create(household=empty, year=DAY.year, kind="wage", amount=0)
    compiled = compile_rule(BELOW_DIBAO, name="dibao v1", context=context)
    assert selected(BELOW_DIBAO, context) == set()
    assert selected({"not": BELOW_DIBAO}, context) == set()
    line = explain(compiled, pk=empty.pk).lines[0]
    assert line.outcome is None
    assert "Rule dibao v1" in line.note and "no members" in line.note


def test_missing_income_passes_neither_a_rule_nor_its_negation(context, parameters, village_a):
    household = HouseholdFactory(village=village_a)
    PersonFactory(household=household)
    assert selected(BELOW_DIBAO, context) == set()
    assert selected({"not": BELOW_DIBAO}, context) == set()
    explanation = explain(compile_rule(BELOW_DIBAO, name="d", context=context), pk=household.pk)
    assert not explanation.eligible
    assert "no income lines" in explanation.lines[0].note


def test_an_unrecorded_labour_ability_passes_neither_way(context, village_a):
    household = HouseholdFactory(village=village_a)
    person = PersonFactory(household=household, labour="")
    able = {"field": "labour", "op": "in", "value": ["ordinary"]}
    assert selected(able, context, "person") == set()
    assert selected({"not": able}, context, "person") == set()
    assert selected({"field": "labour", "op": "empty"}, context, "person") == {person.pk}


def test_a_count_over_members_with_missing_data_is_unknown(context, village_a):
    household = HouseholdFactory(village=village_a)
    PersonFactory(household=household, labour="ordinary", id_number=None)
    PersonFactory(household=household, labour="", relation="other", id_number=None)
    count = {"count": {"field": "labour", "op": "=", "value": "ordinary"}, "op": "=", "value": 1}
    assert selected(count, context) == set()
    assert selected({"not": count}, context) == set()


def test_counts_of_a_household_without_members_are_zero(context, village_a):
    household = HouseholdFactory(village=village_a)
    assert household.pk in selected({"count": {}, "op": "=", "value": 0}, context)


def test_age_is_taken_on_the_day_with_birthdays(context, village_a):
    household = HouseholdFactory(village=village_a)
    sixty_today = PersonFactory(
        household=household, birth_date=DAY.replace(year=DAY.year - 60), id_number=None
    )
    sixty_tomorrow = PersonFactory(
        household=household,
        relation="other",
        birth_date=DAY.replace(year=DAY.year - 60) + datetime.timedelta(days=1),
        id_number=None,
    )
    over = {"field": "age", "op": ">=", "value": 60}
    assert selected(over, context, "person") == {sixty_today.pk}
    assert selected({"field": "age", "op": "=", "value": 59}, context, "person") == {
        sixty_tomorrow.pk
    }
    line = explain(
        compile_rule(over, name="x", subject="person", context=context), pk=sixty_today.pk
    ).lines[0]
    assert (line.value, line.outcome) == ("60", True)


def test_the_most_specific_area_sets_the_parameter(
    context, parameters, village_a, village_b, township
):
    ParameterFactory(name="dibao_standard", area=village_b, value=7000)
    in_a = household_with_income(village_a, 6_500)
    in_b = household_with_income(village_b, 6_500)
    assert selected(BELOW_DIBAO, context) == {in_b.pk}
    compiled = compile_rule(BELOW_DIBAO, name="d", context=context)
    assert explain(compiled, pk=in_b.pk).lines[0].expected == "7,000"
    assert explain(compiled, pk=in_a.pk).lines[0].expected == "6,000"


def test_person_rules_read_their_household(context, parameters, village_a):
    poor = household_with_income(village_a, 1_000, status="poor")
    household_with_income(village_a, 1_000, status="not_poor")
    rule = {"field": "household.status", "op": "=", "value": "poor"}
    assert selected(rule, context, "person") == set(poor.members.values_list("pk", flat=True))


def test_explain_lists_every_condition_with_the_households_value(context, parameters, village_a):
    household = household_with_income(village_a, 5_000, status="exited")
    rule = {"all": [BELOW_DIBAO, {"field": "status", "op": "=", "value": "poor"}]}
    explanation = explain(compile_rule(rule, name="d", context=context), pk=household.pk)
    assert [(x.value, x.outcome) for x in explanation.lines] == [
        ("", False),
        ("5,000", True),
        ("Exited poverty", False),
    ]
    assert not explanation.eligible


@pytest.mark.parametrize(
    "below",
    [
        # Joined from the household-income view.
        {"field": "household.per_capita_income", "op": "<", "value": {"param": "dibao_standard"}},
        # A subquery per household, selected through the households' own query (IN, NOT EXISTS).
        {"field": "household.wage_income", "op": "<", "value": 5000},
    ],
)
def test_household_figures_on_person_rules_keep_unknown_unknown(
    context, parameters, village_a, below
):
    poor = household_with_income(village_a, 1_000)
    rich = household_with_income(village_a, 90_000)
    unknown = HouseholdFactory(village=village_a)
    PersonFactory(household=unknown, id_number=None)
    members = {h: set(h.members.values_list("pk", flat=True)) for h in (poor, rich, unknown)}
    assert selected(below, context, "person") == members[poor]
    assert selected({"not": below}, context, "person") == members[rich]
    compiled = compile_rule({"not": below}, name="x", subject="person", context=context)
    for household in (poor, rich, unknown):
        for pk in members[household]:
            assert explain(compiled, pk=pk).eligible == (household == rich)
