"""For generated households and generated rules, `explain` says eligible exactly when the
household is in the set the compiled query selects."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from villagedesk.registry.models import Household, Person
from villagedesk.registry.tests.factories import HouseholdFactory, PersonFactory
from villagedesk.welfare.models import IncomeLine
from villagedesk.welfare.rules import Context, compile_rule, explain

DAY = datetime.date(2025, 6, 30)
LABOUR = ["", "ordinary", "skilled", "weak", "lost", "none"]
STATUS = ["not_poor", "poor", "exited", "monitored"]

member = st.fixed_dictionaries(
    {
        "age": st.integers(0, 95),
        "birthday_offset": st.integers(-2, 2),
        "labour": st.sampled_from(LABOUR),
        "migrant_months": st.integers(0, 12),
        "disability_grade": st.none() | st.integers(1, 4),
        "chronic_illness": st.booleans(),
    }
)
household = st.fixed_dictionaries(
    {
        "status": st.sampled_from(STATUS),
        "housing_safety": st.sampled_from(["safe", "unsafe", "unknown"]),
        "members": st.lists(member, max_size=4),
        "income": st.none() | st.lists(st.integers(0, 40_000), min_size=1, max_size=3),
        "cost": st.integers(0, 5_000),
    }
)

numbers = st.integers(0, 12_000)
number_value = numbers | st.just({"param": "dibao_standard"})
comparison_op = st.sampled_from(["=", "!=", "<", "<=", ">", ">="])

member_leaf = st.one_of(
    st.builds(
        lambda op, n: {"field": "age", "op": op, "value": n}, comparison_op, st.integers(0, 90)
    ),
    st.builds(
        lambda a, b: {"field": "age", "op": "between", "value": sorted([a, b])},
        st.integers(0, 90),
        st.integers(0, 90),
    ),
    st.builds(
        lambda v: {"field": "labour", "op": "in", "value": v},
        st.lists(st.sampled_from(LABOUR[1:]), min_size=1, max_size=3, unique=True),
    ),
    st.builds(lambda op: {"field": "labour", "op": op}, st.sampled_from(["empty", "not_empty"])),
    st.builds(
        lambda op, n: {"field": "migrant_months", "op": op, "value": n},
        comparison_op,
        st.integers(0, 12),
    ),
    st.builds(
        lambda op, n: {"field": "disability_grade", "op": op, "value": n},
        comparison_op,
        st.integers(1, 4),
    ),
    st.builds(lambda b: {"field": "chronic_illness", "op": "=", "value": b}, st.booleans()),
)
member_condition = st.recursive(
    member_leaf,
    lambda inner: st.one_of(
        st.builds(lambda c: {"all": c}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda c: {"any": c}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda c: {"not": c}, inner),
    ),
    max_leaves=4,
)
household_leaf = st.one_of(
    st.builds(
        lambda v: {"field": "status", "op": "in", "value": v},
        st.lists(st.sampled_from(STATUS), min_size=1, max_size=3, unique=True),
    ),
    st.builds(
        lambda op, v: {"field": "per_capita_income", "op": op, "value": v},
        comparison_op,
        number_value,
    ),
    st.builds(
        lambda op, v: {"field": "net_income", "op": op, "value": v}, comparison_op, number_value
    ),
    st.builds(
        lambda op: {"field": "wage_income", "op": op}, st.sampled_from(["empty", "not_empty"])
    ),
    st.builds(
        lambda op, n: {"field": "size", "op": op, "value": n}, comparison_op, st.integers(0, 4)
    ),
    st.builds(
        lambda v: {"field": "housing_safety", "op": "=", "value": v},
        st.sampled_from(["safe", "unsafe"]),
    ),
    st.builds(
        lambda c, op, n: {"count": c, "op": op, "value": n},
        member_condition | st.just({}),
        comparison_op,
        st.integers(0, 3),
    ),
    st.builds(
        lambda c, op, n: {"sum": "migrant_months", "where": c, "op": op, "value": n},
        member_condition,
        comparison_op,
        st.integers(0, 20),
    ),
)
rule = st.recursive(
    household_leaf,
    lambda inner: st.one_of(
        st.builds(lambda c: {"all": c}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda c: {"any": c}, st.lists(inner, min_size=1, max_size=3)),
        st.builds(lambda c: {"not": c}, inner),
    ),
    max_leaves=6,
)


def birth_date(age: int, offset: int) -> datetime.date:
    """Born `age` years before DAY, shifted a day or two around the birthday."""
    born = DAY.replace(year=DAY.year - age)
    return born + datetime.timedelta(days=offset)


def create(specs, village) -> list[Household]:
    households = []
    for spec in specs:
        h = HouseholdFactory(
            village=village, status=spec["status"], housing_safety=spec["housing_safety"]
        )
        for i, m in enumerate(spec["members"]):
            grade = m["disability_grade"]
            PersonFactory(
                household=h,
                relation="head" if i == 0 else "other",
                birth_date=min(birth_date(m["age"], m["birthday_offset"]), DAY),
                id_number=None,
                labour=m["labour"],
                migrant_work="in_province" if m["migrant_months"] else "",
                migrant_months=m["migrant_months"],
                disability_category="physical" if grade else "",
                disability_grade=grade,
                chronic_illness=m["chronic_illness"],
            )
        if spec["income"] is not None:
            kinds = ["wage", "production", "transfer_pension"]
            for kind, amount in zip(kinds, spec["income"], strict=False):
                IncomeLine.objects.create(
                    household=h, year=DAY.year, kind=kind, amount=Decimal(amount)
                )
            IncomeLine.objects.create(
                household=h, year=DAY.year, kind="production_cost", amount=Decimal(spec["cost"])
            )
        households.append(h)
    return households


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs=st.lists(household, min_size=1, max_size=5), definition=rule)
def test_explain_says_eligible_exactly_when_the_query_selects(
    village_a, parameters, specs, definition
):
    households = create(specs, village_a)
    try:
        compiled = compile_rule(
            definition, name="generated", context=Context(area=village_a.parent.parent, day=DAY)
        )
        selected = set(compiled.queryset().values_list("pk", flat=True))
        for h in households:
            assert explain(compiled, pk=h.pk).eligible == (h.pk in selected), definition
    finally:
        Person.objects.filter(household__in=households).delete()
        Household.objects.filter(pk__in=[h.pk for h in households]).delete()
