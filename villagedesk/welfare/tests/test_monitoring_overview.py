"""The monitoring overview counts and pages its lists in the database and shows what checking
every case of the area one by one gives, on a seeded demo county with decisions, developmental
measures and a village's own time limit."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from villagedesk.accounts.models import User
from villagedesk.areas.models import Area, Level
from villagedesk.welfare.codes import DEVELOPMENTAL_MEASURES, MeasureKind, Step
from villagedesk.welfare.models import Measure, MonitoredHousehold, Parameter, ProcedureStep
from villagedesk.welfare.monitoring import HAS_LABOUR
from villagedesk.welfare.parameters import parameter_values
from villagedesk.welfare.rules import Context, compile_rule
from villagedesk.welfare.selectors import monitored_list
from villagedesk.welfare.views import monitoring_cases

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 18, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
DAY = NOW.date()


@pytest.fixture
def demo():
    """The demo county of three villages, every third case decided (late or in time), every
    fourth given a developmental measure, and the first village its own time limits."""
    with time_machine.travel(NOW):
        call_command(
            "seed_demo", "--villages", "3", "--households", "90", "--seed", "5", verbosity=0
        )
    cases = list(MonitoredHousehold.objects.order_by("pk"))
    assert len(cases) >= 8
    for n, case in enumerate(cases):
        if n % 3 == 0:
            ProcedureStep.objects.create(
                monitored=case,
                step=Step.COUNTY_DECISION,
                done_on=case.first_lead_on + datetime.timedelta(days=5 + 10 * (n % 2)),
            )
        if n % 4 == 0:
            Measure.objects.create(
                monitored=case, kind=MeasureKind.EMPLOYMENT, started_on=case.first_lead_on
            )
    village = Area.objects.filter(level=Level.VILLAGE).order_by("code").first()
    Parameter.objects.create(name="decision_days", area=village, year=DAY.year, value=8)
    Parameter.objects.create(name="measure_days", area=village, year=DAY.year, value=30)
    return village


def reference(user, area, day) -> dict:
    """The lists as found by checking every case of the area in turn."""
    cases = list(monitored_list(user=user, year=day.year, area=area))
    decision_days = parameter_values(name="decision_days", year=day.year)
    measure_days = parameter_values(name="measure_days", year=day.year)
    overdue = []
    for case in cases:
        limit = decision_days.at(case.area_code)
        decided = next(
            (s.done_on for s in case.steps.all() if s.step == Step.COUNTY_DECISION), None
        )
        days = ((decided or day) - case.first_lead_on).days
        if limit is not None and days > float(limit):
            overdue.append((case.pk, days, float(limit)))
    labour = set(
        compile_rule(HAS_LABOUR, name="labour", context=Context(area=area, day=day))
        .queryset()
        .values_list("pk", flat=True)
    )
    missing = []
    for case in cases:
        if case.risk_eliminated_on or case.household_id not in labour:
            continue
        if any(m.kind in DEVELOPMENTAL_MEASURES for m in case.measures.all()):
            continue
        limit = measure_days.at(case.area_code)
        late = limit is not None and (day - case.first_lead_on).days > float(limit)
        missing.append((case.pk, late))
    return {"cases": [c.pk for c in cases], "overdue": overdue, "missing_measures": missing}


def shown(client, area) -> tuple[dict, dict]:
    """Every page of the three lists of cases, and the figures above them."""
    lists = {"cases": [], "overdue": [], "missing_measures": []}
    figures = {}
    lines = {
        "cases": lambda c: c.pk,
        "overdue": lambda o: (o.case.pk, o.days, o.limit),
        "missing_measures": lambda m: (m.case.pk, m.overdue),
    }
    for name, line in lines.items():
        number = 1
        while True:
            response = client.get(
                f"/welfare/monitoring/?area={area.code}&year={DAY.year}&{name}_page={number}"
            )
            page = response.context[name]
            lists[name] += [line(item) for item in page]
            figures[name] = page.paginator.count
            if not page.has_next():
                break
            number += 1
    return lists, figures


def test_the_overview_shows_what_checking_every_case_gives(demo, client, monkeypatch):
    monkeypatch.setattr(monitoring_cases, "PAGE_SIZE", 4)
    supervisor = User.objects.get(username="county")
    client.force_login(supervisor)
    county = Area.objects.get(level=Level.COUNTY)
    with time_machine.travel(NOW):
        for area in [county, demo]:
            expected = reference(supervisor, area, DAY)
            lists, figures = shown(client, area)
            assert lists == expected
            assert figures == {name: len(items) for name, items in expected.items()}
        assert all(reference(supervisor, county, DAY).values())
