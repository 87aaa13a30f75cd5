"""A village's figures come from that village's rows only, and the county's come from one query:
the income and members a rule reads on a village are grouped from the village's households
alone, and equal those of the whole view; the gap report's roll-up and the poverty status
figures equal what counting each list (and each person) gives."""

import datetime
from collections import Counter
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count, Q

from villagedesk.registry.models import Household, Person
from villagedesk.welfare import poverty
from villagedesk.welfare.codes import GapKind
from villagedesk.welfare.models import HouseholdIncome, HouseholdSize, IncomeLine, Policy
from villagedesk.welfare.rules import Context, compile_rule
from villagedesk.welfare.rules.compiler import AREA_JOINS
from villagedesk.welfare.rules.dates import IncomeWindow
from villagedesk.welfare.selectors import (
    gap_counts,
    gap_counts_joined,
    gap_lines,
    gap_querysets,
    gap_rollup,
    policy_compiled,
)
from villagedesk.welfare.tests.factories import ParameterFactory
from villagedesk.welfare.tests.rulecases import born, enrol, figures_set, household_with, member

pytestmark = pytest.mark.django_db

# Mid-year: the 12 months read two calendar years.
DAY = datetime.date(2025, 7, 1)
PER_CAPITA = {"field": "per_capita_income", "op": ">=", "value": 0}
SIZE = {"field": "size", "op": ">=", "value": 0}


def lines(household, year, **amounts):
    for kind, amount in amounts.items():
        IncomeLine.objects.create(household=household, year=year, kind=kind, amount=Decimal(amount))


@pytest.fixture
def county_of_two(county, village_a, village_b):
    """Households of two villages with one or two years of income, costs, social-assistance
    lines, no lines, no members; poor and not; enrolled in 低保 and 特困 or not."""
    figures_set(county, year=DAY.year)
    figures_set(county, year=DAY.year - 1)
    made = []
    for n, village in enumerate([village_a, village_b] * 4):
        household = household_with(
            village, status=["poor", "not_poor", "exited", "monitored"][n % 4]
        )
        for i in range(n % 3 + 1):
            member(
                household,
                relation="head" if i == 0 else "other",
                birth_date=born(70 if i == 1 else 40, day=DAY),
                disability_category="physical" if n % 2 else "",
                disability_grade=1 if n % 2 else None,
            )
        if n % 4 != 3:
            lines(household, DAY.year - 1, wage=2_000 * n, production_cost=500)
        if n % 3 != 2:
            lines(household, DAY.year, wage=1_500 * n, transfer_dibao=900)
        made.append(household)
    no_members = household_with(village_a, income={"wage": 3_000}, year=DAY.year)
    made.append(no_members)
    for household in made[::3]:
        enrol("dibao", household, starts_on=datetime.date(2024, 1, 1))
    for person in Person.objects.filter(disability_category="physical")[:2]:
        enrol("tekun", person.household, person, starts_on=datetime.date(2024, 1, 1))
    return made


def read(definition, *, area, rows, within=None):
    """The rule's one figure for each row, compiled for the area."""
    compiled = compile_rule(
        definition, name="figure", context=Context(area=area, day=DAY), within=within
    )
    value = compiled.leaves[0].value
    return dict(compiled.reading(rows).annotate(v=value).values_list("pk", "v"))


def from_the_views(household) -> tuple[float | None, int | None]:
    """Per-capita net income over the 12 months and members, from the whole views."""
    days = IncomeWindow(DAY).days
    incomes = HouseholdIncome.objects.filter(household=household, year__in=days)
    recorded = sum(days[row.year] for row in incomes)
    size = HouseholdSize.objects.filter(household=household).values_list("size", flat=True)
    size = next(iter(size), None)
    if not recorded or not size:
        return None, size
    total = sum(float(row.net_income) * days[row.year] for row in incomes)
    return total / (recorded * size), size


def test_a_villages_income_and_size_equal_those_of_the_whole_views(
    county_of_two, county, village_a, village_b
):
    for village in (village_a, village_b):
        rows = Household.objects.filter(area_code=village.code)
        per_capita = read(PER_CAPITA, area=village, rows=rows)
        # As before: the views joined on the household alone, every row of them grouped.
        whole = read(PER_CAPITA, area=village, rows=rows, within="")
        on_county = read(PER_CAPITA, area=county, rows=rows)
        assert per_capita == whole == on_county
        for household in rows:
            expected, _size = from_the_views(household)
            if expected is None:
                assert per_capita[household.pk] is None
            else:
                assert per_capita[household.pk] == pytest.approx(expected)
    assert len({v for v in per_capita.values() if v is not None}) > 2


@pytest.mark.skipif(
    connection.vendor not in AREA_JOINS, reason="SQLite groups the whole views for any join"
)
def test_a_village_rule_groups_the_villages_rows_only(county_of_two, county, village_a, village_b):
    """Read on another village's households, a village's rule finds no income: the village is
    a condition of the join, inside the grouping, not a filter applied to the county's."""
    others = Household.objects.filter(area_code=village_b.code)
    assert any(v is not None for v in read(PER_CAPITA, area=county, rows=others).values())
    assert set(read(PER_CAPITA, area=village_a, rows=others).values()) == {None}
    assert set(read(PER_CAPITA, area=village_b, rows=others).values()) != {None}


def test_the_members_a_rule_counts_are_the_villages(county_of_two, village_a):
    """`size` counts members with a subquery per household; the per-capita figure divides by
    the joined member counts of the village: both give the same members."""
    rows = Household.objects.filter(area_code=village_a.code)
    sizes = read(SIZE, area=village_a, rows=rows)
    for household in rows:
        assert sizes[household.pk] == household.members.count()
        assert from_the_views(household)[1] == (sizes[household.pk] or None)


def counted_apart(compiled, policy, day=DAY) -> dict[str, tuple[int, int, int]]:
    """The roll-up as it was counted before: each list grouped by village on its own."""
    sets = gap_querysets(compiled=compiled, policy=policy, day=day)

    def per_village(queryset) -> Counter:
        return Counter(
            dict(
                queryset.order_by()
                .values("area_code")
                .annotate(n=Count("pk"))
                .values_list("area_code", "n")
            )
        )

    lists = [
        per_village(sets[name])
        for name in ("eligible", GapKind.ELIGIBLE_NOT_ENROLLED, GapKind.ENROLLED_NOT_ELIGIBLE)
    ]
    codes = set().union(*lists)
    return {code: tuple(counts[code] for counts in lists) for code in codes}


@pytest.mark.parametrize("code", ["dibao", "tekun", "disability_living"])
def test_the_counts_equal_the_lists_counted_apart(county_of_two, county, code):
    policy = Policy.objects.get(code=code)
    compiled = policy_compiled(policy=policy, area=county, day=DAY)
    expected = counted_apart(compiled, policy)
    for counting in (gap_counts_joined, gap_counts):
        counts = counting(compiled=compiled, policy=policy, day=DAY)
        assert {k: v for k, v in counts.items() if any(v)} == expected
    assert any(v[0] for v in expected.values())
    if code == "dibao":
        assert any(v[1] for v in expected.values()) and any(v[2] for v in expected.values())


def test_the_gap_report_figures_are_unchanged(
    county_of_two, county, village_a, county_supervisor, cadre_a, client
):
    dibao = Policy.objects.get(code="dibao")
    compiled = policy_compiled(policy=dibao, area=county, day=DAY)
    rollup = {
        r.area.code: (r.eligible, r.not_enrolled, r.not_eligible)
        for r in gap_rollup(user=county_supervisor, policy=dibao, area=county, day=DAY)
    }
    before = counted_apart(compiled, dibao)
    assert rollup == {code: before.get(code, (0, 0, 0)) for code in rollup}
    # The village's lines: those of the rule read on the whole views, as before.
    village = policy_compiled(policy=dibao, area=village_a, day=DAY)
    whole = compile_rule(
        village.main.version.definition,
        name="dibao",
        context=village.main.context,
        within="",
    )
    eligible = set(whole.queryset().values_list("pk", flat=True))
    enrolled = {e.household_id for e in dibao.enrolments.all()}
    listed = {
        (line.kind, line.household.pk)
        for line in gap_lines(user=cadre_a, policy=dibao, area=village_a, day=DAY)
    }
    in_village = set(
        Household.objects.filter(area_code=village_a.code).values_list("pk", flat=True)
    )
    assert listed == {(GapKind.ELIGIBLE_NOT_ENROLLED, pk) for pk in eligible - enrolled} | {
        (GapKind.ENROLLED_NOT_ELIGIBLE, pk) for pk in (enrolled & in_village) - eligible
    }
    client.force_login(county_supervisor)
    response = client.get(f"/welfare/gaps/?policy=dibao&area={county.code}&year=2025")
    shown = {
        r.area.code: (r.eligible, r.not_enrolled, r.not_eligible)
        for r in response.context["rollup"]
    }
    assert shown == {code: rollup[code] for code in shown}


def test_the_poverty_status_figures_are_unchanged(
    county_of_two, county, village_a, village_b, county_supervisor, client
):
    ParameterFactory(name="exit_incidence_percent", area=county, year=DAY.year, value=3)
    figures = poverty.village_figures(
        user=county_supervisor, area=county, day=DAY, threshold_percent=3
    )
    # As before: persons grouped with their households' status joined.
    before = {
        r["area_code"]: (r["persons"], r["poor"])
        for r in Person.objects.within([county.prefix])
        .values("area_code")
        .annotate(persons=Count("pk"), poor=Count("pk", filter=Q(household__status="poor")))
    }
    assert {f.village.code: (f.persons, f.poor_persons) for f in figures} == before
    assert sorted(poor for _persons, poor in before.values()) == [0, 3]
