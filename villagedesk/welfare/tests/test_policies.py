"""Every shipped policy's compiled query selects exactly what a hand-written selection does,
over a generated demo county with its welfare data."""

import datetime

import pytest
from django.core.management import call_command

from villagedesk.areas.models import Area
from villagedesk.demo.services import COUNTY
from villagedesk.welfare.catalogue import SHIPPED
from villagedesk.welfare.demo import welfare_demo_create
from villagedesk.welfare.models import Policy
from villagedesk.welfare.selectors import policy_compiled
from villagedesk.welfare.tests.reference import World, selected

DAY = datetime.date(2025, 12, 31)


@pytest.fixture
def demo_county(db):
    call_command(
        "seed_demo",
        "--villages",
        "3",
        "--households",
        "600",
        "--seed",
        "7",
        "--registry-only",
        verbosity=0,
    )
    county = Area.objects.get(code=COUNTY[0])
    welfare_demo_create(county=county, day=DAY, seed=7)
    return county


def test_every_shipped_policy_selects_what_the_hand_written_selection_selects(demo_county):
    world = World(prefix=demo_county.prefix, day=DAY)
    differences, sizes = {}, {}
    for entry in SHIPPED:
        policy = Policy.objects.get(code=entry["code"])
        compiled = policy_compiled(policy=policy, area=demo_county, day=DAY)
        got = set(compiled.queryset().values_list("pk", flat=True))
        expected = selected(world, policy.code)
        sizes[policy.code] = len(expected)
        if got != expected:
            differences[policy.code] = (sorted(got - expected)[:5], sorted(expected - got)[:5])
    assert differences == {}
    # Each policy selects someone, and not everyone, so the comparison means something.
    assert all(0 < n for n in sizes.values()), [k for k, n in sizes.items() if not n]


def test_a_township_standard_overrides_the_county_standard(demo_county):
    from villagedesk.welfare.demo import TOWNSHIP_DIBAO
    from villagedesk.welfare.models import Parameter

    township = Parameter.objects.get(name="dibao_standard", value=TOWNSHIP_DIBAO).area
    world = World(prefix=demo_county.prefix, day=DAY)
    household = next(
        h for h in world.households.values() if h.area_code.startswith(township.prefix)
    )
    assert world.param("dibao_standard", household.area_code) == TOWNSHIP_DIBAO


@pytest.fixture
def registry_county(db):
    call_command(
        "seed_demo",
        "--villages",
        "3",
        "--households",
        "450",
        "--seed",
        "7",
        "--registry-only",
        verbosity=0,
    )
    return Area.objects.get(code=COUNTY[0])


def test_the_demos_bulk_rows_take_their_codes_from_their_households_without_a_query_each(
    registry_county, django_assert_max_num_queries
):
    import random

    from django.db.models import F

    from villagedesk.welfare import demo
    from villagedesk.welfare.models import Enrolment, HouseholdHelper, MonitoredHousehold

    rng = random.Random(7)  # noqa: S311 -- reproducible demo data, not secrets
    demo.catalogue_load()
    demo.parameters_create(county=registry_county, year=DAY.year)
    with django_assert_max_num_queries(100):  # a few per policy, whatever the county's size
        demo.enrolments_create(county=registry_county, day=DAY, rng=rng)
    with django_assert_max_num_queries(5):
        demo.monitoring_cases_create(county=registry_county, day=DAY, rng=rng)
    with django_assert_max_num_queries(10):
        demo.helpers_create(county=registry_county, day=DAY, rng=rng)
    for model in (Enrolment, HouseholdHelper, MonitoredHousehold):
        assert model.objects.exists()
        assert not model.objects.exclude(area_code=F("household__area_code")).exists()


def test_the_demo_gap_report_never_counts_assistance_as_income(demo_county):
    """民发〔2021〕57号 over the demo: wherever an "enrolled, not eligible" line of a household
    receiving assistance reads its income, that income leaves the assistance out, so no such line
    is caused by the allowance or the support the household receives."""
    from villagedesk.welfare.codes import GapKind
    from villagedesk.welfare.models import IncomeLine
    from villagedesk.welfare.rules import explain_rows
    from villagedesk.welfare.selectors import gap_querysets

    receiving = set(
        IncomeLine.objects.filter(
            year=DAY.year, kind__in=["transfer_dibao", "transfer_tekun"]
        ).values_list("household_id", flat=True)
    )
    assert receiving, "the demo pays assistance"
    world = World(prefix=demo_county.prefix, day=DAY)
    read = 0
    for code in ["dibao", "tekun", "dibao_marginal", "disability_living", "medical_premium_aid"]:
        policy = Policy.objects.get(code=code)
        compiled = policy_compiled(policy=policy, area=demo_county, day=DAY)
        wrong = gap_querysets(compiled=compiled, policy=policy, day=DAY)[
            GapKind.ENROLLED_NOT_ELIGIBLE
        ]
        person = compiled.subject == "person"
        for pk, explanation in explain_rows(compiled, wrong).items():
            household_id = world.persons[pk].household_id if person else pk
            if household_id not in receiving:
                continue
            counted = world.per_capita(world.households[household_id], assistance=True)
            for line in explanation.lines:
                if "per-capita net income counted" in line.text and line.value != "—":
                    read += 1
                    assert abs(float(line.value.replace(",", "")) - counted) < 0.01, (code, pk)
    assert read, "some line of a household receiving assistance reads its income"
