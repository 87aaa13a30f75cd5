"""Monitoring tied to the household and to time, README §3 and §9 (中发〔2020〕30号,
中农组发〔2021〕7号).

One case per household, open across years until the risk is eliminated; the county decision makes
the household a monitored household (监测户) from that date, so every policy keyed to monitored
households applies; the category must fit (脱贫不稳定户 only out of poverty, 边缘易致贫户 only never
registered); screening by the income range, heavy necessary spending and sharp income drops;
eliminating a risk needs income strictly above the range, the three guarantees and safe water, no
new risk, the minimum time, and for a household without labour a stable safety net; the way is
recorded. Range here: 8,700; heavy spending 20,000; sharp drop 30 %.
"""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from villagedesk.registry.models import Household
from villagedesk.welfare import monitoring, selectors
from villagedesk.welfare.codes import Step
from villagedesk.welfare.models import HouseholdSpending, IncomeLine, MonitoredHousehold
from villagedesk.welfare.tests.rulecases import (
    DAY,
    born,
    eligible,
    enrol,
    figures_set,
    household_with,
    member,
)

LEAD = datetime.date(2025, 1, 2)
DECIDED = datetime.date(2025, 1, 15)
STEP_DAYS = [datetime.date(2025, 1, d) for d in (5, 6, 12, 15)]


@pytest.fixture
def village(county, village_a):
    figures_set(county)
    figures_set(county, year=2024)
    return village_a


def a_household(village, *, wage=8701, labour="ordinary", **fields):
    fields = {
        "status": "exited",
        "poverty_status": "out_enjoying",
        "poverty_attribute": "ordinary_exited",
        "housing_safety": "safe",
        "water_safety": "safe",
        **fields,
    }
    household = household_with(village, income={"wage": wage}, **fields)
    member(household, relation="head", labour=labour, medical_insurance=True, birth_date=born(45))
    return household


def a_case(household, *, year=2025, category="unstable", lead=LEAD):
    return MonitoredHousehold(
        household=household,
        year=year,
        category=category,
        risk_types=["illness"],
        found_by="screening",
        first_lead_on=lead,
        consent_signed_on=lead,
    )


def decided(cadre, household, **case):
    created = monitoring.monitored_create(by=cadre, monitored=a_case(household, **case))
    for step, day in zip(Step, STEP_DAYS, strict=True):
        monitoring.step_record(by=cadre, monitored=created, step=step, done_on=day)
    return created


def test_one_open_case_per_household_across_years(village, cadre_a):
    household = a_household(village)
    monitoring.monitored_create(by=cadre_a, monitored=a_case(household, year=2024))
    with pytest.raises(ValidationError, match="already has an open monitoring case"):
        monitoring.monitored_create(by=cadre_a, monitored=a_case(household, year=2025))
    assert MonitoredHousehold.objects.count() == 1


def test_a_case_of_last_year_still_open_is_carried_over(village, cadre_a, client):
    household = a_household(village)
    case = monitoring.monitored_create(
        by=cadre_a, monitored=a_case(household, year=2024, lead=datetime.date(2024, 11, 3))
    )
    assert list(selectors.monitored_list(user=cadre_a, year=2025)) == [case]
    assert list(selectors.monitored_list(user=cadre_a, year=2023)) == []
    client.force_login(cadre_a)
    page = client.get("/welfare/monitoring/?year=2025").content.decode()
    assert "carried over from 2024" in page


def test_a_case_eliminated_last_year_is_not_carried_over(village, cadre_a):
    household = a_household(village)
    case = a_case(household, year=2024)
    case.risk_eliminated_on, case.elimination = datetime.date(2024, 12, 1), "assisted"
    case.save()
    assert list(selectors.monitored_list(user=cadre_a, year=2025)) == []
    monitoring.monitored_create(by=cadre_a, monitored=a_case(household))  # a new risk


def test_the_county_decision_makes_a_monitored_household_from_its_date(village, cadre_a):
    household = a_household(village, wage=30000)
    head = household.members.get(relation="head")
    # Premium aid is keyed to monitored (not to exited) households.
    assert not eligible("medical_premium_aid", head)
    decided(cadre_a, household)
    household.refresh_from_db()
    assert household.status == "monitored"
    change = household.history.filter(status="monitored").order_by("history_date").first()
    assert change.history_date.date() == DECIDED
    assert eligible("medical_premium_aid", head)


def test_before_the_decision_the_household_type_does_not_change(village, cadre_a):
    household = a_household(village)
    case = monitoring.monitored_create(by=cadre_a, monitored=a_case(household))
    monitoring.step_record(by=cadre_a, monitored=case, step=Step.HOME_CHECK, done_on=STEP_DAYS[0])
    household.refresh_from_db()
    assert household.status == "exited"


@pytest.mark.parametrize(
    ("poverty_status", "category", "fits"),
    [
        ("out_enjoying", "unstable", True),
        ("out_not_enjoying", "unstable", True),
        ("", "unstable", False),
        ("not_out", "unstable", False),
        ("", "marginal", True),
        ("out_enjoying", "marginal", False),
        ("returned", "marginal", False),
        ("", "sudden", True),
        ("out_enjoying", "sudden", True),
    ],
)
def test_the_category_must_fit_the_household(village, cadre_a, poverty_status, category, fits):
    status = "exited" if poverty_status.startswith("out") else "not_poor"
    attribute = "ordinary_exited" if poverty_status else ""
    household = a_household(
        village, poverty_status=poverty_status, status=status, poverty_attribute=attribute
    )
    if fits:
        monitoring.monitored_create(by=cadre_a, monitored=a_case(household, category=category))
    else:
        with pytest.raises(ValidationError) as error:
            monitoring.monitored_create(by=cadre_a, monitored=a_case(household, category=category))
        assert "category" in error.value.message_dict


def screened(village):
    return set(monitoring.meeting_not_monitored(area=village, day=DAY))


@pytest.mark.parametrize(("wage", "flagged"), [(8699, True), (8700, False), (8701, False)])
def test_screening_by_the_income_range(village, wage, flagged):
    household = a_household(village, wage=wage)
    assert (household in screened(village)) is flagged


@pytest.mark.parametrize(("spent", "flagged"), [(20000, False), (20001, True)])
def test_screening_by_heavy_out_of_pocket_medical_spending(village, spent, flagged):
    household = a_household(village, wage=30000)
    HouseholdSpending.objects.create(
        household=household, year=2025, medical_out_of_pocket=Decimal(spent)
    )
    assert (household in screened(village)) is flagged


@pytest.mark.parametrize(("now", "flagged"), [(14000, True), (14001, False)])
def test_screening_by_a_sharp_income_drop(county, village, now, flagged):
    """From 20,000 a person in the 12 months before: 30 % down is flagged, 29.995 % is not. On 1
    January 2026 the 12 months before are 2025, and the 12 months before those 2024."""
    figures_set(county, year=2026)
    household = a_household(village, wage=now)
    IncomeLine.objects.create(household=household, year=2024, kind="wage", amount=20000)
    new_year = datetime.date(2026, 1, 1)
    assert (household in monitoring.meeting_not_monitored(area=village, day=new_year)) is flagged


def test_a_household_with_an_open_case_is_not_screened_again(village, cadre_a):
    household = a_household(village, wage=5000)
    monitoring.monitored_create(by=cadre_a, monitored=a_case(household, year=2024))
    assert household not in screened(village)


SIX_MONTHS = datetime.date(2025, 7, 15)


@pytest.mark.parametrize(("wage", "ok"), [(8700, False), (8701, True)])
def test_elimination_needs_income_strictly_above_the_range(village, cadre_a, wage, ok):
    case = decided(cadre_a, a_household(village, wage=wage))
    if ok:
        monitoring.risk_eliminate(by=cadre_a, monitored=case, day=SIX_MONTHS, way="assisted")
        assert case.elimination == "assisted" and case.risk_eliminated_on == SIX_MONTHS
    else:
        with pytest.raises(ValidationError, match="strictly above"):
            monitoring.risk_eliminate(by=cadre_a, monitored=case, day=SIX_MONTHS, way="assisted")


def test_elimination_waits_the_minimum_months_from_the_decision(village, cadre_a):
    case = decided(cadre_a, a_household(village))
    with pytest.raises(ValidationError, match="6 months"):
        monitoring.risk_eliminate(
            by=cadre_a, monitored=case, day=SIX_MONTHS - datetime.timedelta(days=1), way="natural"
        )
    monitoring.risk_eliminate(by=cadre_a, monitored=case, day=SIX_MONTHS, way="natural")


@pytest.mark.parametrize("change", [{"housing_safety": "unsafe"}, {"water_safety": "unsafe"}])
def test_elimination_needs_safe_housing_and_water(village, cadre_a, change):
    household = a_household(village)
    case = decided(cadre_a, household)
    Household.objects.filter(pk=household.pk).update(**change)
    with pytest.raises(ValidationError, match="not eliminated"):
        monitoring.risk_eliminate(by=cadre_a, monitored=case, day=SIX_MONTHS, way="assisted")


def test_elimination_needs_medical_insurance_and_schooling(village, cadre_a):
    household = a_household(village)
    case = decided(cadre_a, household)
    member(household, relation="son", birth_date=born(12), education="", schooling="")
    with pytest.raises(ValidationError, match="Compulsory education"):
        monitoring.risk_eliminate(by=cadre_a, monitored=case, day=SIX_MONTHS, way="assisted")


def test_elimination_with_a_new_risk_is_refused(village, cadre_a):
    household = a_household(village, wage=30000)
    case = decided(cadre_a, household)
    HouseholdSpending.objects.create(household=household, year=2025, medical_out_of_pocket=25000)
    with pytest.raises(ValidationError, match="No new risk"):
        monitoring.risk_eliminate(by=cadre_a, monitored=case, day=SIX_MONTHS, way="assisted")


def test_a_household_without_labour_leaves_only_through_a_safety_net(village, cadre_a):
    household = a_household(village, wage=9000, labour="none")
    case = decided(cadre_a, household)
    with pytest.raises(ValidationError, match="safety net"):
        monitoring.risk_eliminate(by=cadre_a, monitored=case, day=SIX_MONTHS, way="safety_net")
    enrol("dibao", household)
    with pytest.raises(ValidationError, match="safety net"):
        monitoring.risk_eliminate(by=cadre_a, monitored=case, day=SIX_MONTHS, way="assisted")
    monitoring.risk_eliminate(by=cadre_a, monitored=case, day=SIX_MONTHS, way="safety_net")
    assert case.elimination == "safety_net"


def test_elimination_records_the_way_and_refuses_none(village, cadre_a, client):
    case = decided(cadre_a, a_household(village))
    with pytest.raises(ValidationError, match="how the risk"):
        monitoring.risk_eliminate(by=cadre_a, monitored=case, day=SIX_MONTHS, way="")
    with pytest.raises(ValidationError, match="how the risk"):
        monitoring.risk_eliminate(by=cadre_a, monitored=case, day=SIX_MONTHS, way="superseded")


def test_a_closed_case_cannot_be_eliminated_twice(village, cadre_a):
    case = decided(cadre_a, a_household(village))
    monitoring.risk_eliminate(by=cadre_a, monitored=case, day=SIX_MONTHS, way="assisted")
    with pytest.raises(ValidationError, match="closed"):
        monitoring.risk_eliminate(by=cadre_a, monitored=case, day=SIX_MONTHS, way="assisted")


def test_another_village_cannot_eliminate(village, cadre_a, cadre_b):
    from django.core.exceptions import PermissionDenied

    case = decided(cadre_a, a_household(village))
    with pytest.raises(PermissionDenied):
        monitoring.risk_eliminate(by=cadre_b, monitored=case, day=SIX_MONTHS, way="assisted")


def test_the_spending_figure_is_entered_with_the_income_and_screened(village, cadre_a, client):
    household = a_household(village, wage=30000)
    client.force_login(cadre_a)
    url = f"/welfare/households/{household.pk}/income/?year=2025"
    assert client.post(url, {"wage": "30000", "medical_out_of_pocket": "-5"}).status_code == 200
    assert not HouseholdSpending.objects.exists()
    client.post(url, {"wage": "30000", "medical_out_of_pocket": "25000"})
    assert (
        HouseholdSpending.objects.get(household=household, year=2025).medical_out_of_pocket == 25000
    )
    assert household in screened(village)
    client.post(url, {"wage": "30000", "medical_out_of_pocket": ""})
    assert not HouseholdSpending.objects.exists()


def test_another_villages_spending_cannot_be_entered(village, cadre_b, client):
    household = a_household(village)
    client.force_login(cadre_b)
    url = f"/welfare/households/{household.pk}/income/?year=2025"
    assert client.post(url, {"medical_out_of_pocket": "25000"}).status_code == 404
    assert not HouseholdSpending.objects.exists()
