"""The care list of households hit by disaster or accident: defined in the rule language from
the monitoring cases open this year, checked against a plain-Python selection and explained."""

import datetime

from villagedesk.registry.tests.factories import HouseholdFactory, PersonFactory
from villagedesk.welfare.models import MonitoredHousehold, Policy
from villagedesk.welfare.rules import Context, compile_rule, explain_rows
from villagedesk.welfare.selectors import policy_compiled
from villagedesk.welfare.services import catalogue_load

DAY = datetime.date(2025, 12, 31)


def household(village, *, risks=(), year=DAY.year, members=2, eliminated_on=None):
    h = HouseholdFactory(village=village)
    people = [
        PersonFactory(household=h, relation="head" if i == 0 else "other", id_number=None)
        for i in range(members)
    ]
    if risks:
        MonitoredHousehold.objects.create(
            household=h,
            year=year,
            category="sudden",
            risk_types=list(risks),
            found_by="screening",
            first_lead_on=datetime.date(year, 3, 1),
            risk_eliminated_on=eliminated_on,
            elimination="assisted" if eliminated_on else "",
        )
    return h, people


def test_the_list_selects_members_of_households_with_a_disaster_or_accident_case_this_year(
    county, village_a, village_b
):
    catalogue_load()
    planted = {
        "disaster": household(village_a, risks=["disaster"]),
        "accident_and_illness": household(village_a, risks=["illness", "accident"], members=3),
        "illness_only": household(village_a, risks=["illness"]),
        # A case of last year still open carries over; one eliminated last year does not.
        "last_year_open": household(village_a, risks=["disaster"], year=DAY.year - 1),
        "last_year_closed": household(
            village_a,
            risks=["disaster"],
            year=DAY.year - 1,
            eliminated_on=datetime.date(DAY.year - 1, 11, 30),
        ),
        "none": household(village_a),
        "other_village": household(village_b, risks=["accident"]),
    }
    policy = Policy.objects.get(code="disaster_accident")
    compiled = policy_compiled(policy=policy, area=village_a, day=DAY)
    got = set(compiled.queryset().values_list("pk", flat=True))
    # Plain Python over the same rows.
    expected = {
        p.pk
        for h, people in planted.values()
        if h.village == village_a
        for case in MonitoredHousehold.objects.filter(household=h)
        if case.risk_eliminated_on is None or case.risk_eliminated_on.year == DAY.year
        if {"disaster", "accident"} & set(case.risk_types)
        for p in people
    }
    assert got == expected and len(expected) == 7
    person = planted["accident_and_illness"][1][0]
    explanation = explain_rows(compiled, compiled.base().filter(pk=person.pk))[person.pk]
    assert explanation.eligible
    assert [(line.value, line.outcome) for line in explanation.lines[1:]] == [
        ("no", False),
        ("yes", True),
    ]


def test_flags_under_one_any_share_one_list_and_their_negations_one_anti_join(county, village_a):
    """ORed IN lists cannot become one semi-join on PostgreSQL, so flags on the same monitoring
    cases merge into one subquery; `not` and `!=` forms must still select what Python does."""
    planted = {
        "disaster": household(village_a, risks=["disaster"]),
        "accident": household(village_a, risks=["accident"]),
        "illness": household(village_a, risks=["illness"]),
        "none": household(village_a),
    }
    either = [
        {"field": "household.monitored_disaster", "op": "=", "value": True},
        {"field": "household.monitored_accident", "op": "=", "value": True},
    ]
    neither = [
        {"field": "household.monitored_disaster", "op": "!=", "value": True},
        {"field": "household.monitored_accident", "op": "=", "value": False},
    ]
    hit = {"disaster", "accident"}
    for rule, selected in [
        ({"any": either}, hit),
        ({"not": {"any": either}}, {"illness", "none"}),
        ({"all": neither}, {"illness", "none"}),
        ({"not": {"all": neither}}, hit),
    ]:
        compiled = compile_rule(
            rule, name="t", subject="person", context=Context(area=village_a, day=DAY)
        )
        sql = str(compiled.queryset().query)
        assert sql.count("welfare_monitoredhousehold") == 1, rule
        got = set(compiled.queryset().values_list("pk", flat=True))
        assert got == {p.pk for name in selected for p in planted[name][1]}, rule
