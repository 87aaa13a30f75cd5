import datetime
from decimal import Decimal

from villagedesk.registry.models import Household
from villagedesk.registry.tests.factories import HouseholdFactory, PersonFactory
from villagedesk.welfare import poverty
from villagedesk.welfare.models import IncomeLine
from villagedesk.welfare.tests.conftest import DAY
from villagedesk.welfare.tests.factories import ParameterFactory


def household(village, *, status, income, members=2, **fields):
    h = HouseholdFactory(village=village, status=status, **fields)
    for i in range(members):
        PersonFactory(
            household=h,
            relation="head" if i == 0 else "other",
            id_number=None,
            medical_insurance=True,
        )
    if income is not None:
        IncomeLine.objects.create(household=h, year=DAY.year, kind="wage", amount=Decimal(income))
    return h


def test_exit_checks_each_come_from_data(parameters, village_a):
    safe = {"housing_safety": "safe", "water_safety": "safe"}
    ready = household(village_a, status="poor", income=20_000, **safe)
    unsafe_house = household(
        village_a, status="poor", income=20_000, housing_safety="unsafe", water_safety="safe"
    )
    dropout = household(village_a, status="exited", income=20_000, **safe)
    PersonFactory(
        household=dropout,
        relation="other",
        id_number=None,
        medical_insurance=True,
        birth_date=datetime.date(2014, 1, 1),
        education="",
        schooling="",
    )
    no_income = household(village_a, status="poor", income=None, **safe)
    rows = poverty.household_status_rows(
        area=village_a, day=DAY, households=Household.objects.filter(area_code=village_a.code)
    )
    by = {row.household: row for row in rows}
    assert by[ready].exits
    assert not by[unsafe_house].checks["housing"].eligible and not by[unsafe_house].exits
    assert not by[dropout].checks["education"].eligible
    assert not by[no_income].checks["income"].eligible
    assert by[no_income].checks["income"].lines[0].outcome is None


def test_village_incidence_against_the_exit_threshold(
    parameters, county, village_a, village_b, county_supervisor
):
    ParameterFactory(name="exit_incidence_percent", area=county, value=3)
    household(village_a, status="poor", income=1_000, members=1)
    for _ in range(9):
        household(village_a, status="not_poor", income=50_000, members=5)
    household(village_b, status="exited", income=1_000, members=2)
    figures = {
        f.village: f
        for f in poverty.village_figures(
            user=county_supervisor, area=county, day=DAY, threshold_percent=3
        )
    }
    a, b = figures[village_a], figures[village_b]
    assert (a.persons, a.poor_persons, round(a.incidence, 2), a.meets_exit) == (46, 1, 2.17, True)
    assert (b.poor_persons, b.meets_exit) == (0, True)


def test_the_poverty_page_is_scoped(parameters, county, cadre_a, client, village_b):
    ParameterFactory(name="exit_incidence_percent", area=county, value=3)
    client.force_login(cadre_a)
    assert client.get("/welfare/poverty/?year=2025").status_code == 200
    assert client.get(f"/welfare/poverty/?area={village_b.code}").status_code == 404


def test_the_poverty_page_lists_no_not_poor_household(
    parameters, county, cadre_a, village_a, client
):
    ParameterFactory(name="exit_incidence_percent", area=county, value=3)
    poor = household(village_a, status="poor", income=1_000)
    exited = household(village_a, status="exited", income=9_000)
    not_poor = household(village_a, status="not_poor", income=50_000)
    client.force_login(cadre_a)
    response = client.get(f"/welfare/poverty/?area={village_a.code}&year={DAY.year}")
    listed = {row.household for row in response.context["rows"]}
    assert listed == {poor, exited}
    assert not_poor not in listed


def test_another_villages_households_are_not_reachable_through_the_poverty_selector(
    cadre_a, village_a, village_b
):
    from villagedesk.welfare.selectors import poverty_households

    here = HouseholdFactory(village=village_a, status="poor")
    there = HouseholdFactory(village=village_b, status="poor")
    assert list(poverty_households(user=cadre_a, area=village_a)) == [here]
    assert there not in poverty_households(user=cadre_a, area=village_b)
    assert not poverty_households(user=cadre_a, area=village_b).exists()
