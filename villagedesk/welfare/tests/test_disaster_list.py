"""The care list of households hit by disaster or accident: defined in the rule language from
this year's monitoring cases, checked against a plain-Python selection and explained."""

import datetime

from villagedesk.registry.tests.factories import HouseholdFactory, PersonFactory
from villagedesk.welfare.models import MonitoredHousehold, Policy
from villagedesk.welfare.rules import explain_rows
from villagedesk.welfare.selectors import policy_compiled
from villagedesk.welfare.services import catalogue_load

DAY = datetime.date(2025, 12, 31)


def household(village, *, risks=(), year=DAY.year, members=2):
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
        "last_year": household(village_a, risks=["disaster"], year=DAY.year - 1),
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
        for case in MonitoredHousehold.objects.filter(household=h, year=DAY.year)
        if {"disaster", "accident"} & set(case.risk_types)
        for p in people
    }
    assert got == expected and len(expected) == 5
    person = planted["accident_and_illness"][1][0]
    explanation = explain_rows(compiled, compiled.base().filter(pk=person.pk))[person.pk]
    assert explanation.eligible
    assert [(line.value, line.outcome) for line in explanation.lines[1:]] == [
        ("no", False),
        ("yes", True),
    ]
