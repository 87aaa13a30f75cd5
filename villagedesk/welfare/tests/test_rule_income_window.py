"""Income over the 12 months before the evaluation day, from the national texts.

民发〔2021〕57号 (最低生活保障审核确认办法; the same income for 特困, 民发〔2021〕43号): the
household's income over the 12 months before the check (README §9). Monitoring counts the income
of the 12 months before application (README §3; Dingnan, Jiangxi: "申请前12个月"; Anhui 2020:
from the start of the same month last year to the end of last month), and so do the exit checks
("income strictly above the line over the last 12 months", README §9).

Income lines are yearly (the household form's year), so the window [day − 1 year, day) reads the
calendar years it overlaps, each weighted by its days in the window; a year without any line
drops out. Figures here: 低保 standard 6,000; poverty line 4,500; monitoring range 8,700; sharp
drop 30 %. On 1 July 2026 the window runs from 1 July 2025 to 30 June 2026: 184 days of 2025 and
181 of 2026.
"""

import datetime
import io
import json

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command

from villagedesk.registry.models import Household
from villagedesk.welfare import monitoring
from villagedesk.welfare.codes import Step
from villagedesk.welfare.evaluation import household_evaluation
from villagedesk.welfare.models import IncomeLine, MonitoredHousehold
from villagedesk.welfare.poverty import household_status_rows
from villagedesk.welfare.rules import Context, compile_rule, explain
from villagedesk.welfare.rules.dates import IncomeWindow
from villagedesk.welfare.tests.rulecases import (
    born,
    eligible,
    figures_set,
    household_with,
    member,
)

MID_2026 = datetime.date(2026, 7, 1)
MOMENT = datetime.datetime(2026, 7, 1, 12, tzinfo=datetime.UTC)
NEW_YEAR_2026 = datetime.date(2026, 1, 1)


@pytest.fixture
def village(county, village_a):
    for year in (2024, 2025, 2026):
        figures_set(county, year=year)
    return village_a


def household(village, years: dict[int, dict[str, int]], *, members: int = 1, **fields):
    """A household of `members` persons with income lines per year (year → kind → yuan)."""
    found = household_with(village, **fields)
    for year, lines in years.items():
        for kind, amount in lines.items():
            IncomeLine.objects.create(household=found, year=year, kind=kind, amount=amount)
    for i in range(members):
        member(
            found,
            relation="head" if i == 0 else "other",
            labour="ordinary",
            medical_insurance=True,
            birth_date=born(45),
        )
    return found


def per_capita_line(evaluation: dict, code: str) -> dict:
    [policy] = [p for p in evaluation["policies"] if p["code"] == code]
    [line] = [c for c in policy["conditions"] if "per-capita net income" in c["condition"]]
    return line


# -- the window ------------------------------------------------------------------------------


def test_57hao_the_window_is_the_12_months_before_the_day():
    """民发〔2021〕57号: the 12 months before the check, from the same day a year earlier to the
    day before."""
    window = IncomeWindow(MID_2026)
    assert (window.start, window.last) == (datetime.date(2025, 7, 1), datetime.date(2026, 6, 30))
    assert window.days == {2025: 184, 2026: 181}
    assert IncomeWindow(NEW_YEAR_2026).days == {2025: 365}
    assert IncomeWindow(datetime.date(2026, 12, 31)).days == {2025: 1, 2026: 364}


def test_57hao_on_1_january_the_window_is_exactly_last_year(village):
    """民发〔2021〕57号: on 1 January the 12 months before are last year; this year's lines (and
    those of the year before last) do not count."""
    below = household(village, {2025: {"wage": 5999}, 2026: {"wage": 50000}})
    at = household(village, {2024: {"wage": 1000}, 2025: {"wage": 6000}})
    assert eligible("dibao", below, NEW_YEAR_2026)
    assert not eligible("dibao", at, NEW_YEAR_2026)
    assert (
        per_capita_line(household_evaluation(household=below, day=NEW_YEAR_2026), "dibao")["value"]
        == "5,999"
    )


def test_57hao_mid_year_mixes_the_two_years_by_days(village):
    """民发〔2021〕57号: on 1 July 2026, (7,300 × 184 + 3,650 × 181) / 365 = 5,490 a person:
    below the standard, though 2025 alone (7,300) is not."""
    found = household(village, {2025: {"wage": 7300}, 2026: {"wage": 3650}})
    assert eligible("dibao", found, MID_2026)
    line = per_capita_line(household_evaluation(household=found, day=MID_2026), "dibao")
    assert (line["value"], line["outcome"]) == ("5,490", "pass")


def test_57hao_mid_year_kind_of_income_is_weighted_the_same_way(village, county):
    """Income of one kind over the window: wages (7,300 × 184 + 3,650 × 181) / 365 = 5,490,
    and a year whose only lines are of other kinds still counts its days (as zero wages)."""
    context = Context(area=county, day=MID_2026)
    rule = compile_rule(
        {"field": "wage_income", "op": "=", "value": 5490}, name="w", context=context
    )
    wages = household(village, {2025: {"wage": 7300}, 2026: {"wage": 3650}})
    other = household(village, {2025: {"wage": 7300}, 2026: {"property": 3650}})
    assert set(rule.queryset().values_list("pk", flat=True)) == {wages.pk}
    # 2026 has lines but no wages: 7,300 × 184 / 365 = 3,680.
    assert explain(rule, pk=other.pk).lines[0].value == "3,680"


def test_57hao_a_year_without_lines_drops_out(village):
    """民发〔2021〕57号: a year of the window with no income lines is not a year of no income: the
    recorded year's figure is used as it is (not scaled by its 184 days)."""
    last_only = household(village, {2025: {"wage": 5999}})
    last_at = household(village, {2025: {"wage": 6000}})
    this_only = household(village, {2026: {"wage": 6000}})
    assert eligible("dibao", last_only, MID_2026)
    assert not eligible("dibao", last_at, MID_2026)
    assert not eligible("dibao", this_only, MID_2026)
    line = per_capita_line(household_evaluation(household=last_at, day=MID_2026), "dibao")
    assert (line["value"], line["outcome"]) == ("6,000", "fail")


def test_57hao_no_lines_in_the_window_is_unknown_and_says_which_months(village):
    """Missing data never passes: lines only outside the window leave the income unknown."""
    found = household(village, {2024: {"wage": 1000}})
    assert not eligible("dibao", found, MID_2026)
    line = per_capita_line(household_evaluation(household=found, day=MID_2026), "dibao")
    assert line["outcome"] == "unknown"
    assert "2025-07-01" in line["note"] and "2026-06-30" in line["note"]


@pytest.mark.parametrize(
    ("last", "this", "expected"),
    [(7809, 4159, True), (7810, 4160, False), (7811, 4161, False)],
    ids=["5999", "6000-at-the-standard", "6001"],
)
def test_57hao_exactly_at_the_standard_after_weighting(village, last, this, expected):
    """社会救助暂行办法 art. 9 with 民发〔2021〕57号: below the standard, strictly, over the 12
    months. Three members, each year's figure three times (last, this): (7,810 × 184 + 4,160
    × 181) / 365 = 6,000 a person exactly; one yuan a person either side."""
    found = household(village, {2025: {"wage": 3 * last}, 2026: {"wage": 3 * this}}, members=3)
    assert eligible("dibao", found, MID_2026) is expected
    assert eligible("dibao_marginal", found, MID_2026) is not expected


# -- leap years --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("last", "this", "expected"), [(6589, 2939, True), (6590, 2940, False)], ids=["5999", "6000"]
)
def test_57hao_window_of_1_march_2025_leaves_29_february_2024_out(village, last, this, expected):
    """On 1 March 2025 the 12 months run from 1 March 2024 to 28 February 2025: 306 days of 2024
    and 59 of 2025, 365 in all. (6,590 × 306 + 2,940 × 59) / 365 = 6,000 exactly."""
    day = datetime.date(2025, 3, 1)
    assert IncomeWindow(day).days == {2024: 306, 2025: 59}
    found = household(village, {2024: {"wage": last}, 2025: {"wage": this}})
    assert eligible("dibao", found, day) is expected


@pytest.mark.parametrize(
    ("last", "this", "expected"), [(6589, 2929, True), (6590, 2930, False)], ids=["5999", "6000"]
)
def test_57hao_window_of_29_february_2024(village, last, this, expected):
    """On 29 February 2024 the 12 months start on 28 February 2023 (2023 has no 29th) and end on
    28 February 2024: 307 days of 2023 and 59 of 2024, 366 in all. (6,590 × 307 + 2,930 × 59)
    / 366 = 6,000 exactly."""
    day = datetime.date(2024, 2, 29)
    window = IncomeWindow(day)
    assert (window.start, window.last) == (datetime.date(2023, 2, 28), datetime.date(2024, 2, 28))
    assert window.days == {2023: 307, 2024: 59}
    found = household(village, {2023: {"wage": last}, 2024: {"wage": this}})
    assert eligible("dibao", found, day) is expected


# -- what is left out, per year ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("pension", "expected"), [(2015, True), (2017, False)], ids=["5999.22", "6000.22"]
)
def test_57hao_base_pension_left_out_of_the_2025_part_only(village, pension, expected):
    """民发〔2021〕57号: the central base pension is left out in 2021–2025 only. Wages 5,000 and
    the pension each year: 2025 counts 5,000, 2026 counts 5,000 + the pension, so the 12 months
    count 5,000 + pension × 181 / 365: 5,999.22 for 2,015 (below the standard) and 6,000.22 for
    2,017 (not below). Left out of both years it would be 5,000; counted in both, 7,015."""
    lines = {"wage": 5000, "transfer_base_pension": pension}
    found = household(village, {2025: lines, 2026: lines})
    assert eligible("dibao", found, MID_2026) is expected
    income = next(
        p["income"]
        for p in household_evaluation(household=found, day=MID_2026)["policies"]
        if p["code"] == "dibao"
    )
    assert [(i["year"], i["kind"]) for i in income["excluded"]] == [(2025, "transfer_base_pension")]
    assert ("2026", "transfer_base_pension") in {
        (str(i["year"]), i["kind"]) for i in income["counted"]
    }


# -- exit and monitoring -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("last", "this", "passes"),
    [(6309, 2659, False), (6310, 2660, False), (6311, 2661, True)],
    ids=["4499", "4500-on-the-line", "4501"],
)
def test_exit_income_strictly_above_the_line_over_the_12_months(village, last, this, passes):
    """README §9 exit checks: income strictly above the line over the last 12 months. (6,310 ×
    184 + 2,660 × 181) / 365 = 4,500, the line itself."""
    found = household(
        village,
        {2025: {"wage": last}, 2026: {"wage": this}},
        housing_safety="safe",
        water_safety="safe",
    )
    [row] = household_status_rows(
        area=village, day=MID_2026, households=Household.objects.filter(pk=found.pk)
    )
    assert row.checks["income"].eligible is passes


def monitored_household(village, last, this, *, before=None):
    """An exited household meeting every other check, with wages of 2025 and 2026 (and of 2024,
    when given)."""
    years = {2025: {"wage": last}, 2026: {"wage": this}}
    if before is not None:
        years[2024] = {"wage": before}
    return household(
        village,
        years,
        status="exited",
        poverty_status="out_enjoying",
        poverty_attribute="ordinary_exited",
        housing_safety="safe",
        water_safety="safe",
    )


@pytest.mark.parametrize(
    ("last", "this", "flagged"),
    [(10509, 6859, True), (10510, 6860, False)],
    ids=["8699", "8700-at-the-range"],
)
def test_monitoring_range_over_the_12_months(village, last, this, flagged):
    """README §3: households below the range, by the income of the 12 months before. (10,510 ×
    184 + 6,860 × 181) / 365 = 8,700, the range itself."""
    found = monitored_household(village, last, this)
    screened = set(monitoring.meeting_not_monitored(area=village, day=MID_2026))
    assert (found in screened) is flagged


def decided(cadre, found):
    lead = datetime.date(2025, 1, 2)
    case = monitoring.monitored_create(
        by=cadre,
        monitored=MonitoredHousehold(
            household=found,
            year=2025,
            category="unstable",
            risk_types=["illness"],
            found_by="screening",
            first_lead_on=lead,
            consent_signed_on=lead,
        ),
    )
    for step, day in zip(Step, [5, 6, 12, 15], strict=True):
        monitoring.step_record(
            by=cadre, monitored=case, step=step, done_on=datetime.date(2025, 1, day)
        )
    return case


@pytest.mark.parametrize(
    ("last", "this", "ok"),
    [(10510, 6860, False), (10511, 6861, True)],
    ids=["8700-at-the-range", "8701"],
)
def test_risk_elimination_needs_income_strictly_above_the_range_over_the_12_months(
    village, cadre_a, last, this, ok
):
    """README §3, §9: a risk is eliminated with income strictly above the range, the income of
    the 12 months before: 8,700 exactly is not above it."""
    case = decided(cadre_a, monitored_household(village, last, this))
    if ok:
        monitoring.risk_eliminate(by=cadre_a, monitored=case, day=MID_2026, way="assisted")
        assert case.risk_eliminated_on == MID_2026
    else:
        with pytest.raises(ValidationError, match="strictly above"):
            monitoring.risk_eliminate(by=cadre_a, monitored=case, day=MID_2026, way="assisted")


@pytest.mark.parametrize(("year", "ok"), [(2024, False), (2025, True)])
def test_risk_elimination_asks_for_income_of_the_12_months(village, cadre_a, year, ok):
    """Income recorded only before the 12 months is no income of the 12 months; last year's
    lines are, for the days of last year the 12 months hold."""
    found = household(
        village,
        {year: {"wage": 30000}},
        status="exited",
        poverty_status="out_enjoying",
        poverty_attribute="ordinary_exited",
        housing_safety="safe",
        water_safety="safe",
    )
    case = decided(cadre_a, found)
    if ok:
        monitoring.risk_eliminate(by=cadre_a, monitored=case, day=MID_2026, way="assisted")
        assert case.risk_eliminated_on == MID_2026
    else:
        with pytest.raises(ValidationError, match="2025-07-01 to 2026-06-30"):
            monitoring.risk_eliminate(by=cadre_a, monitored=case, day=MID_2026, way="assisted")


@pytest.mark.parametrize(("this", "flagged"), [(7900, True), (7901, False)])
def test_sharp_drop_compares_the_12_months_with_the_12_months_before(village, this, flagged):
    """README §3, §9: a sharp income drop, income counted over the 12 months. 20,000 a year in
    2024 and 2025: the 12 months before those (1 July 2024 – 30 June 2025) read 20,000; the 12
    months before 1 July 2026 read (20,000 × 184 + this × 181) / 365, which is 30 % lower or
    more for 7,900 (13,999.45) and not for 7,901 (14,000.04)."""
    found = monitored_household(village, 20000, this, before=20000)
    screened = set(monitoring.meeting_not_monitored(area=village, day=MID_2026))
    assert (found in screened) is flagged


# -- what the explanation shows ----------------------------------------------------------------


def test_explain_command_shows_the_window_each_year_and_the_figure(village):
    """evaluate_policies --explain on 1 July 2026: the 12 months, each year's days and lines
    (counted and left out, by year), and the weighted figure compared: (7,300 × 184 + 3,650 ×
    181) / 365 = 5,490, the allowance of 2025 left out."""
    found = household(village, {2025: {"wage": 7300, "transfer_dibao": 2400}, 2026: {"wage": 3650}})
    out = io.StringIO()
    with time_machine.travel(MOMENT, tick=False):
        call_command(
            "evaluate_policies", "--explain", str(found.pk), "--policy", "dibao", stdout=out
        )
    [dibao] = json.loads(out.getvalue())["policies"]
    income = dibao["income"]
    assert (income["from"], income["to"]) == ("2025-07-01", "2026-06-30")
    assert income["years"] == [
        {"year": 2025, "days": 184, "recorded": True, "counted_net": "7300.00"},
        {"year": 2026, "days": 181, "recorded": True, "counted_net": "3650.00"},
    ]
    assert [(i["year"], i["kind"]) for i in income["counted"]] == [(2025, "wage"), (2026, "wage")]
    assert [(i["year"], i["kind"]) for i in income["excluded"]] == [(2025, "transfer_dibao")]
    assert (income["counted_net"], income["per_capita"]) == ("5490.00", "5490.00")
    assert per_capita_line({"policies": [dibao]}, "dibao")["value"] == "5,490"


def test_household_page_shows_the_window_and_each_years_share(village, client, cadre_a):
    found = household(village, {2025: {"wage": 7300, "transfer_dibao": 2400}, 2026: {"wage": 3650}})
    client.force_login(cadre_a)
    with time_machine.travel(MOMENT, tick=False):
        page = client.get(f"/welfare/households/{found.pk}/?policy=dibao").content.decode()
    assert "Income from 2025-07-01 to 2026-06-30" in page
    assert "2025: 184 of the 365 days" in page and "2026: 181 of the 365 days" in page
    assert "5490.00" in page and "left out" in page


def test_gap_report_names_the_12_months(village, client, cadre_a):
    client.force_login(cadre_a)
    with time_machine.travel(MOMENT, tick=False):
        page = client.get(f"/welfare/gaps/?policy=dibao&area={village.code}").content.decode()
    assert "income counted over the 12 months from 2025-07-01 to 2026-06-30" in page
