"""Income per policy, from the national texts.

民发〔2021〕57号 (最低生活保障审核确认办法) and 民发〔2021〕43号 (特困人员认定办法): social
assistance counts the household's income but not special-care payments (优待抚恤金), family-planning
awards and support (计划生育奖励与扶助金), scholarships and rewards such as for bravery, any
social-assistance payment by government (低保 itself, 特困 support, temporary assistance) and, in
2021–2025, the central base pension of the residents' scheme. Exit and the monitoring range count
the full per-capita net income (README §1, §2, §3). Standard here: 6,000 yuan; line 4,500; range
8,700; 低保边缘 1.5 × the standard.
"""

import datetime
import io
import json

import pytest
from django.core.management import call_command

from villagedesk.welfare.income import excluded_kinds, income_breakdown
from villagedesk.welfare.poverty import household_status_rows
from villagedesk.welfare.rules.dates import IncomeWindow
from villagedesk.welfare.tests.rulecases import (
    DAY,
    eligible,
    figures_set,
    household_with,
    member,
    selected,
)

EXCLUDED_2021 = [
    "transfer_special_care",
    "transfer_family_planning",
    "transfer_award",
    "transfer_dibao",
    "transfer_tekun",
    "transfer_assistance",
]


@pytest.fixture
def village(county, village_a):
    figures_set(county)
    return village_a


def one_person(village, income, year=DAY.year):
    household = household_with(village, income=income, year=year)
    member(household, relation="head")
    return household


@pytest.mark.parametrize("kind", EXCLUDED_2021)
def test_57hao_excluded_kind_is_not_counted_for_dibao(village, kind):
    """民发〔2021〕57号: each excluded kind, 3,000 yuan on top of 5,000 wages, leaves the household
    below the 6,000 standard."""
    household = one_person(village, {"wage": 5000, kind: 3000})
    assert eligible("dibao", household)


def test_57hao_the_dibao_allowance_itself_does_not_lift_a_recipient_out_of_dibao(village):
    """民发〔2021〕57号: the allowance is a social-assistance payment by government."""
    household = one_person(village, {"wage": 2000, "transfer_dibao": 4800})
    assert eligible("dibao", household)
    assert eligible("dibao_marginal", household) is False


@pytest.mark.parametrize("year", [2021, 2025])
def test_57hao_central_base_pension_is_not_counted_2021_to_2025(county, village_a, year):
    """民发〔2021〕57号: the central base pension is left out during the 14th five-year plan."""
    figures_set(county, year=year)
    household = one_person(village_a, {"wage": 5000, "transfer_base_pension": 1500}, year=year)
    assert eligible("dibao", household, datetime.date(year, 12, 31))


@pytest.mark.parametrize("year", [2026])
def test_57hao_central_base_pension_counts_outside_2021_to_2025(county, village_a, year):
    figures_set(county, year=year)
    household = one_person(village_a, {"wage": 5000, "transfer_base_pension": 1500}, year=year)
    assert not eligible("dibao", household, datetime.date(year, 12, 31))


@pytest.mark.parametrize(
    "kind", ["transfer_pension", "transfer_ecological", "transfer_other", "property"]
)
def test_57hao_other_income_counts(village, kind):
    """民发〔2021〕57号: income not listed as excluded counts, other pensions included."""
    household = one_person(village, {"wage": 5000, kind: 1500})
    assert not eligible("dibao", household)


@pytest.mark.parametrize(("wage", "expected"), [(5999, True), (6000, False), (6001, False)])
def test_dibao_income_below_the_standard_one_yuan_either_side(village, wage, expected):
    """社会救助暂行办法 art. 9: per-capita income below the local standard (strictly)."""
    household = one_person(village, {"wage": wage, "transfer_family_planning": 900})
    assert eligible("dibao", household) is expected


def test_dibao_income_is_per_capita_after_production_costs(village):
    household = household_with(
        village, income={"production": 20000, "production_cost": 8200, "transfer_dibao": 9000}
    )
    member(household, relation="head")
    member(household, relation="spouse", sex="female")
    # (20,000 − 8,200) / 2 = 5,900 < 6,000; the allowance is left out.
    assert eligible("dibao", household)


def test_dibao_without_income_lines_is_not_eligible_but_unknown(village):
    household = household_with(village)
    member(household, relation="head")
    assert not eligible("dibao", household)


@pytest.mark.parametrize(
    ("wage", "expected"),
    [(5999, False), (6000, True), (6001, True), (8999, True), (9000, False), (9001, False)],
)
def test_dibao_marginal_between_the_standard_and_its_multiple(village, wage, expected):
    """低保边缘家庭: income at or above the standard and below 1.5 × the standard."""
    household = one_person(village, {"wage": wage, "transfer_tekun": 2000})
    assert eligible("dibao_marginal", household) is expected


def test_dibao_marginal_multiple_is_a_local_figure(county, village_a):
    figures_set(county, dibao_marginal_multiple=2)
    household = one_person(village_a, {"wage": 11000})
    assert eligible("dibao_marginal", household)


def test_tekun_counts_income_as_social_assistance(village):
    """民发〔2021〕43号: no source of living = income below the 低保 standard, counted as 57号."""
    household = household_with(village, income={"wage": 1000, "transfer_tekun": 7000})
    old = member(household, relation="head", birth_date=datetime.date(1950, 1, 1))
    assert eligible("tekun", old)


@pytest.mark.parametrize(("amount", "passes"), [(4499, False), (4500, False), (4501, True)])
def test_exit_counts_full_income_strictly_above_the_line(village, amount, passes):
    """Exit (README §2, §9): full per-capita net income, strictly above the line; the allowance
    counts here."""
    household = one_person(village, {"wage": amount - 1000, "transfer_dibao": 1000})
    household.housing_safety = household.water_safety = "safe"
    household.save()
    rows = household_status_rows(
        area=village, day=DAY, households=type(household).objects.filter(pk=household.pk)
    )
    assert rows[0].checks["income"].eligible is passes


def test_monitoring_range_counts_full_income(village):
    """Monitoring range (README §3): full per-capita net income, the allowance included."""
    below = one_person(
        village,
        {"wage": 8000},
    )
    lifted = one_person(village, {"wage": 8000, "transfer_dibao": 700})
    rows = household_status_rows(
        area=village,
        day=DAY,
        households=type(below).objects.filter(pk__in=[below.pk, lifted.pk]).order_by("pk"),
    )
    assert [r.below_threshold.eligible for r in rows] == [True, False]


def test_disabled_member_of_a_dibao_household_keeps_the_living_subsidy(village):
    """国发〔2015〕52号: disabled members of 低保 households get the living subsidy; the
    allowance they receive does not make them ineligible."""
    household = household_with(village, income={"wage": 3000, "transfer_dibao": 6000})
    member(household, relation="head")
    disabled = member(household, relation="son", disability_category="physical", disability_grade=2)
    assert household.pk in selected("dibao", village)
    assert eligible("disability_living", disabled)
    assert eligible("medical_premium_aid", disabled)


def test_exclusions_depend_on_the_year_and_the_basis():
    assert "transfer_base_pension" in excluded_kinds(basis="social_assistance", year=2025)
    assert "transfer_base_pension" not in excluded_kinds(basis="social_assistance", year=2026)
    assert "transfer_base_pension" not in excluded_kinds(basis="social_assistance", year=2020)
    assert set(EXCLUDED_2021) <= set(excluded_kinds(basis="social_assistance", year=2026))
    assert excluded_kinds(basis="full", year=2025) == {}
    breakdown = income_breakdown(
        lines={2025: {"wage": 5000, "transfer_dibao": 3000, "production_cost": 500}},
        size=2,
        basis="social_assistance",
        window=IncomeWindow(datetime.date(2026, 1, 1)),
    )
    [year] = breakdown.years
    assert [i.kind for i in year.counted] == ["wage", "production_cost"]
    assert [i.kind for i in year.excluded] == ["transfer_dibao"]
    assert breakdown.counted_net == 4500 and breakdown.per_capita == 2250


def test_explain_command_lists_excluded_lines_by_kind_with_the_reason(village):
    """evaluate_policies --explain for a 低保 household: the income that counted and the lines
    left out, by kind, and why."""
    household = one_person(
        village,
        {"wage": 4000, "transfer_dibao": 3600, "transfer_family_planning": 960},
    )
    out = io.StringIO()
    call_command(
        "evaluate_policies",
        "--explain",
        str(household.pk),
        "--year",
        "2025",
        "--policy",
        "dibao",
        stdout=out,
    )
    [dibao] = json.loads(out.getvalue())["policies"]
    assert dibao["eligible"] is True
    income = dibao["income"]
    assert income["basis"] == "social_assistance"
    assert [i["kind"] for i in income["counted"]] == ["wage"]
    assert {i["kind"]: i["amount"] for i in income["excluded"]} == {
        "transfer_family_planning": "960.00",
        "transfer_dibao": "3600.00",
    }
    assert all("57" in i["reason"] for i in income["excluded"])
    assert income["per_capita"] == "4000.00"


def test_household_page_shows_the_lines_left_out(village, client, cadre_a):
    household = one_person(village, {"wage": 4000, "transfer_dibao": 3600})
    client.force_login(cadre_a)
    page = client.get(f"/welfare/households/{household.pk}/?year=2025").content.decode()
    assert "left out" in page and "Subsistence allowance" in page
    assert "not counted" in page
