"""Every create form of welfare adds its row once when sent twice (a measure, a step, a case,
an enrolment, a helper, a year's income, a parameter, a rule version), and a monitoring case
edited from an out-of-date form is refused with what was saved meanwhile."""

import datetime

import pytest
from django.urls import reverse

from villagedesk.core.tests.guards import (
    STALE_REFUSAL,
    answered_as_repeat,
    saved_meanwhile,
    sent_stale,
    sent_twice,
)
from villagedesk.welfare.codes import RiskType
from villagedesk.welfare.models import (
    Enrolment,
    HouseholdHelper,
    IncomeLine,
    Measure,
    MonitoredHousehold,
    Parameter,
    Policy,
    PolicyRule,
    ProcedureStep,
)
from villagedesk.welfare.services import catalogue_load
from villagedesk.welfare.tests.test_monitoring import case  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def household(case):  # noqa: F811
    case.consent_signed_on = datetime.date(2025, 3, 1)
    case.save()
    return case.household


def detail(h):
    return reverse(
        "welfare:monitored-detail", args=[MonitoredHousehold.objects.get(household=h).pk]
    )


CREATES = {
    "measure": (
        detail,
        lambda h: {"kind": "welfare_job", "started_on": "2025-04-01", "note": "护林员"},
        lambda: Measure.objects.all(),
    ),
    "procedure step": (
        detail,
        lambda h: {"step": "home_check", "done_on": "2025-03-02"},
        lambda: ProcedureStep.objects.all(),
    ),
    "helper": (
        lambda h: reverse("welfare:helper-edit", args=[h.pk]),
        lambda h: {"name": "李建国", "unit": "县农业农村局", "starts_on": "2025-03-01"},
        lambda: HouseholdHelper.objects.all(),
    ),
    "income": (
        lambda h: reverse("welfare:income-edit", args=[h.pk]),
        lambda h: {"wage": "12000"},
        lambda: IncomeLine.objects.all(),
    ),
}


@pytest.mark.parametrize("form", CREATES)
def test_a_case_or_household_form_sent_twice_adds_one_row(client, cadre_a, household, form):
    url, data, rows = CREATES[form]
    client.force_login(cadre_a)
    first, again = sent_twice(client, url(household), data(household))
    assert rows().count() == 1
    assert answered_as_repeat(client, first, again)


def test_a_monitoring_case_sent_twice_is_opened_once(client, cadre_a, household):
    MonitoredHousehold.objects.all().delete()
    client.force_login(cadre_a)
    data = {
        "village": household.area_code,
        "household_number": household.number,
        "year": 2025,
        "category": "sudden",
        "risk_types": ["illness"],
        "found_by": "screening",
        "first_lead_on": "2025-03-01",
    }
    first, again = sent_twice(client, reverse("welfare:monitored-create"), data)
    assert MonitoredHousehold.objects.count() == 1
    assert answered_as_repeat(client, first, again)


def test_an_enrolment_sent_twice_is_recorded_once(client, cadre_a, household):
    catalogue_load()
    client.force_login(cadre_a)
    data = {
        "policy": Policy.objects.get(code="dibao").pk,
        "village": household.area_code,
        "household_number": household.number,
        "starts_on": "2025-01-01",
    }
    first, again = sent_twice(client, reverse("welfare:enrolment-create"), data)
    assert Enrolment.objects.count() == 1
    assert answered_as_repeat(client, first, again)


def test_a_parameter_sent_twice_is_saved_once(client, county_supervisor, township):
    client.force_login(county_supervisor)
    data = {"name": "notice_days", "area": township.pk, "year": 2025, "value": "7", "note": ""}
    first, again = sent_twice(client, reverse("welfare:parameter-list"), data)
    assert Parameter.history.filter(name="notice_days").count() == 1
    assert answered_as_repeat(client, first, again)


def test_a_rule_version_sent_twice_is_saved_once(client, county_supervisor, county):
    catalogue_load()
    before = PolicyRule.objects.count()
    client.force_login(county_supervisor)
    data = {
        "definition": '{"field": "per_capita_income", "op": "<", "value": 5000}',
        "effective_from": "2025-06-01",
        "area": county.code,
        "save": "1",
    }
    first, again = sent_twice(client, reverse("welfare:rule-edit", args=["dibao"]), data)
    assert PolicyRule.objects.count() == before + 1
    assert answered_as_repeat(client, first, again)


def test_a_case_edited_from_an_older_version_is_refused(client, cadre_a, committee_a, household):
    monitored = MonitoredHousehold.objects.get(household=household)
    client.force_login(cadre_a)
    data = {
        "category": "sudden",
        "risk_types": ["illness"],
        "found_by": "hotline",
        "first_lead_on": "2025-03-01",
        "consent_signed_on": "2025-03-01",
    }
    response = sent_stale(
        client,
        reverse("welfare:monitored-edit", args=[monitored.pk]),
        data,
        meanwhile=lambda: saved_meanwhile(monitored, by=committee_a, risk_types=["accident"]),
    )
    page = response.content.decode()
    assert STALE_REFUSAL in page and "committee_a" in page
    assert f"<td>{RiskType.ACCIDENT.label}</td>" in page  # the risk types they saved
    monitored.refresh_from_db()
    assert (monitored.category, monitored.risk_types) == ("unstable", ["accident"])
