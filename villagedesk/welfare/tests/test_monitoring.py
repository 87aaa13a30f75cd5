import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from villagedesk.registry import figures
from villagedesk.registry.tests.factories import HouseholdFactory, PersonFactory
from villagedesk.welfare import monitoring, selectors
from villagedesk.welfare.codes import Step
from villagedesk.welfare.models import IncomeLine, Measure, MonitoredHousehold
from villagedesk.welfare.tests.conftest import DAY
from villagedesk.welfare.tests.factories import ParameterFactory
from villagedesk.welfare.views import monitoring_cases


@pytest.fixture
def case(county, village_a, parameters):
    household = HouseholdFactory(village=village_a, group=village_a.groups.first(), status="exited")
    PersonFactory(
        household=household,
        name="赵大",
        phone="13800001111",
        labour="ordinary",
        serious_illness=True,
    )
    return MonitoredHousehold.objects.create(
        household=household,
        year=DAY.year,
        category="unstable",
        risk_types=["illness"],
        found_by="screening",
        first_lead_on=datetime.date(2025, 3, 1),
    )


def test_the_home_check_needs_the_signed_consent(case, cadre_a):
    with pytest.raises(ValidationError, match="consent"):
        monitoring.step_record(
            by=cadre_a, monitored=case, step=Step.HOME_CHECK, done_on=datetime.date(2025, 3, 2)
        )


def test_steps_go_in_order(case, cadre_a):
    case.consent_signed_on = datetime.date(2025, 3, 1)
    with pytest.raises(ValidationError, match="earlier step"):
        monitoring.step_record(
            by=cadre_a, monitored=case, step=Step.TOWNSHIP_REVIEW, done_on=datetime.date(2025, 3, 5)
        )


def test_a_cadre_of_another_village_cannot_record_steps(case, cadre_b):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        monitoring.step_record(
            by=cadre_b, monitored=case, step=Step.HOME_CHECK, done_on=datetime.date(2025, 3, 2)
        )


def test_a_late_decision_is_listed_over_the_time_limit(case, cadre_a):
    case.consent_signed_on = datetime.date(2025, 3, 1)
    for step, day in [
        (Step.HOME_CHECK, 2),
        (Step.VILLAGE_APPRAISAL, 5),
        (Step.TOWNSHIP_REVIEW, 10),
        (Step.COUNTY_DECISION, 25),
    ]:
        monitoring.step_record(
            by=cadre_a, monitored=case, step=step, done_on=datetime.date(2025, 3, day)
        )
    cases = selectors.monitored_list(user=cadre_a, year=DAY.year)
    late = monitoring.overdue_cases(cases=cases, day=DAY)
    assert [(o.case, o.days, o.limit) for o in late] == [(case, 24, 15.0)]


def test_a_household_with_labour_and_no_developmental_measure_is_flagged(case, cadre_a, village_a):
    cases = selectors.monitored_list(user=cadre_a, year=DAY.year)
    missing = monitoring.without_developmental_measure(area=village_a, cases=cases, day=DAY)
    assert [(m.case, m.overdue) for m in missing] == [(case, True)]
    Measure.objects.create(monitored=case, kind="welfare_job", started_on=datetime.date(2025, 4, 1))
    cases = selectors.monitored_list(user=cadre_a, year=DAY.year)
    assert (
        list(monitoring.without_developmental_measure(area=village_a, cases=cases, day=DAY)) == []
    )


def test_the_public_notice_carries_no_personal_numbers_or_health(case, cadre_a, client, village_a):
    client.force_login(cadre_a)
    page = client.get(
        f"/welfare/monitoring/?area={village_a.code}&year={DAY.year}&notice=1"
    ).content.decode()
    assert "赵大" in page
    head = case.household.members.get()
    assert head.id_number not in page and "13800001111" not in page
    assert "llness" not in page


def test_households_below_the_threshold_and_not_monitored_are_listed(case, village_a, county):
    other = HouseholdFactory(village=village_a, status="not_poor")
    PersonFactory(household=other, id_number=None)
    IncomeLine.objects.create(household=other, year=DAY.year, kind="wage", amount=Decimal(5000))
    IncomeLine.objects.create(
        household=case.household, year=DAY.year, kind="wage", amount=Decimal(5000)
    )
    found = set(monitoring.meeting_not_monitored(area=county, day=DAY))
    assert found == {other}


@pytest.mark.parametrize("inline", [2000, 0])
def test_the_overview_lists_the_same_households_kept_or_found_until_the_data_changes(
    case, village_a, county, cadre_a, monkeypatch, inline
):
    monkeypatch.setattr(figures, "INLINE_HOUSEHOLDS", inline)
    others = []
    for number in ("0102", "0101"):
        other = HouseholdFactory(village=village_a, status="not_poor", number=number)
        PersonFactory(household=other, id_number=None)
        IncomeLine.objects.create(household=other, year=DAY.year, kind="wage", amount=5000)
        others.append(other)
    kept = monitoring.not_monitored_list(area=county, day=DAY)
    assert kept[0:10] == sorted(others, key=lambda h: h.number) and kept.count() == 2
    monitoring.monitored_create(
        by=cadre_a,
        monitored=MonitoredHousehold(
            household=others[0],
            year=DAY.year,
            category="marginal",
            risk_types=["employment"],
            found_by="screening",
            first_lead_on=datetime.date(2025, 3, 1),
        ),
    )
    assert monitoring.not_monitored_list(area=county, day=DAY)[0:10] == [others[1]]


@pytest.mark.parametrize("inline", [2000, 0])
def test_the_cases_without_a_measure_are_the_same_kept_or_found_until_a_measure_changes(
    case, county, cadre_a, monkeypatch, inline
):
    """Above INLINE_HOUSEHOLDS the list is kept for each state of the county's data: a measure
    given or withdrawn moves that state, so the list never outlives it."""
    monkeypatch.setattr(figures, "INLINE_HOUSEHOLDS", inline)

    def missing():
        cases = selectors.monitored_list(user=cadre_a, year=DAY.year, area=county)
        found = monitoring.without_developmental_measure(
            area=county, cases=cases, day=DAY, kept=True
        )
        return [(m.case, m.overdue) for m in found[0:10]], found.count()

    assert missing() == ([(case, True)], 1)
    measure = monitoring.measure_add(
        by=cadre_a,
        monitored=case,
        measure=Measure(kind="employment", started_on=datetime.date(2025, 4, 1)),
    )
    assert missing() == ([], 0)
    monitoring.measure_remove(by=cadre_a, measure=measure)
    assert missing() == ([(case, True)], 1)


def test_risk_elimination_needs_income_above_the_threshold(case, cadre_a):
    case.consent_signed_on = datetime.date(2025, 1, 1)
    case.first_lead_on = datetime.date(2025, 1, 1)
    # The township review waits for the five days of public notice after the appraisal.
    for step, day in zip(Step, [10, 10, 20, 20], strict=True):
        monitoring.step_record(
            by=cadre_a, monitored=case, step=step, done_on=datetime.date(2025, 1, day)
        )
    household = case.household
    household.housing_safety = household.water_safety = "safe"
    household.save()
    household.members.update(medical_insurance=True)
    with pytest.raises(ValidationError, match="income"):
        monitoring.risk_eliminate(by=cadre_a, monitored=case, day=DAY, way="assisted")
    IncomeLine.objects.create(household=household, year=DAY.year, kind="wage", amount=Decimal(5000))
    with pytest.raises(ValidationError, match="strictly above the monitoring range"):
        monitoring.risk_eliminate(by=cadre_a, monitored=case, day=DAY, way="assisted")
    IncomeLine.objects.filter(household=household).update(amount=Decimal(20000))
    monitoring.risk_eliminate(by=cadre_a, monitored=case, day=DAY, way="assisted")
    assert case.risk_eliminated_on == DAY and case.elimination == "assisted"


def test_another_villages_case_is_404(case, cadre_b, client):
    client.force_login(cadre_b)
    assert client.get(f"/welfare/monitoring/{case.pk}/").status_code == 404


def test_the_monitoring_page_lists_the_case(case, cadre_a, client):
    client.force_login(cadre_a)
    page = client.get(f"/welfare/monitoring/?year={DAY.year}")
    assert page.status_code == 200 and case.household.number in page.content.decode()


def test_opening_a_case_needs_a_risk_type_and_keeps_the_form(
    village_a, cadre_a, client, parameters
):
    household = HouseholdFactory(village=village_a)
    client.force_login(cadre_a)
    response = client.post(
        "/welfare/monitoring/new/",
        {
            "village": village_a.code,
            "household_number": household.number,
            "year": 2025,
            "category": "marginal",
            "found_by": "hotline",
            "first_lead_on": "2025-05-01",
        },
    )
    assert response.status_code == 200 and not MonitoredHousehold.objects.exists()
    assert household.number in response.content.decode()


def test_a_township_parameter_overrides_the_time_limit(case, cadre_a, township):
    ParameterFactory(name="decision_days", area=township, value=30)
    case.consent_signed_on = datetime.date(2025, 3, 1)
    cases = selectors.monitored_list(user=cadre_a, year=DAY.year)
    late = monitoring.overdue_cases(cases=cases, day=datetime.date(2025, 3, 25))
    assert list(late) == []


def appraised(case, cadre_a):
    case.consent_signed_on = datetime.date(2025, 3, 1)
    case.save()
    for step, day in [(Step.HOME_CHECK, 2), (Step.VILLAGE_APPRAISAL, 5)]:
        monitoring.step_record(
            by=cadre_a, monitored=case, step=step, done_on=datetime.date(2025, 3, day)
        )


def test_the_township_review_waits_for_the_public_notice(case, cadre_a):
    appraised(case, cadre_a)
    # Five days of notice from 5 March: 5 to 9 March.
    with pytest.raises(ValidationError, match="runs until 2025-03-09.*from 2025-03-10"):
        monitoring.step_record(
            by=cadre_a, monitored=case, step=Step.TOWNSHIP_REVIEW, done_on=datetime.date(2025, 3, 9)
        )
    monitoring.step_record(
        by=cadre_a, monitored=case, step=Step.TOWNSHIP_REVIEW, done_on=datetime.date(2025, 3, 10)
    )


def test_without_notice_days_for_the_year_the_review_is_refused_clearly(case, cadre_a):
    from villagedesk.welfare.models import Parameter

    appraised(case, cadre_a)
    Parameter.objects.filter(name="notice_days").delete()
    with pytest.raises(ValidationError, match="No days of public notice"):
        monitoring.step_record(
            by=cadre_a, monitored=case, step=Step.TOWNSHIP_REVIEW, done_on=datetime.date(2025, 4, 1)
        )


def test_the_notice_page_shows_the_period(case, cadre_a, client, village_a):
    appraised(case, cadre_a)
    client.force_login(cadre_a)
    page = client.get(f"/welfare/monitoring/?area={village_a.code}&year=2025&notice=1")
    text = page.content.decode()
    assert "2025-03-05" in text and "2025-03-09" in text and "5" in text


def test_an_open_case_is_edited_with_history_and_a_closed_one_is_not(
    case, cadre_a, cadre_b, client
):
    appraised(case, cadre_a)
    client.force_login(cadre_a)
    url = f"/welfare/monitoring/{case.pk}/edit/"
    data = {
        "category": "sudden",
        "risk_types": ["illness", "accident"],
        "found_by": "hotline",
        "first_lead_on": "2025-03-01",
        "consent_signed_on": "2025-03-01",
    }
    assert client.post(url, {**data, "risk_types": []}).status_code == 200
    assert client.post(url, {**data, "first_lead_on": "2025-03-04"}).status_code == 200
    assert client.post(url, data).status_code == 302
    case.refresh_from_db()
    assert case.risk_types == ["illness", "accident"] and case.category == "sudden"
    assert case.history.count() == 3  # created, consent saved by the fixture, edited
    assert case.history.first().history_user == cadre_a
    detail = client.get(f"/welfare/monitoring/{case.pk}/").content.decode()
    assert "cadre_a" in detail
    client.force_login(cadre_b)
    assert client.post(url, data).status_code == 404
    case.risk_eliminated_on = datetime.date(2025, 12, 1)
    case.elimination = "assisted"
    case.save()
    with pytest.raises(ValidationError, match="closed"):
        monitoring.monitored_update(by=cadre_a, monitored=case)


def test_steps_are_redated_or_withdrawn_last_first_and_measures_removed(case, cadre_a):
    appraised(case, cadre_a)
    home, appraisal = case.steps.order_by("done_on")
    with pytest.raises(ValidationError, match="after the next step"):
        monitoring.step_redate(by=cadre_a, record=home, done_on=datetime.date(2025, 3, 6))
    monitoring.step_redate(by=cadre_a, record=home, done_on=datetime.date(2025, 3, 3))
    with pytest.raises(ValidationError, match="last recorded step"):
        monitoring.step_remove(by=cadre_a, record=home)
    monitoring.step_remove(by=cadre_a, record=appraisal)
    assert list(case.steps.values_list("step", flat=True)) == [Step.HOME_CHECK]
    assert appraisal.history.model.objects.filter(history_type="-").count() == 1
    measure = monitoring.measure_add(
        by=cadre_a,
        monitored=case,
        measure=Measure(kind="employment", started_on=datetime.date(2025, 4, 1)),
    )
    monitoring.measure_remove(by=cadre_a, measure=measure)
    assert not case.measures.exists()


def test_the_missing_measure_is_flagged_only_after_the_set_period(case, cadre_a, village_a):
    cases = selectors.monitored_list(user=cadre_a, year=DAY.year)
    # First lead 1 March, 180 days allowed: not yet overdue on 1 May.
    early = monitoring.without_developmental_measure(
        area=village_a, cases=cases, day=datetime.date(2025, 5, 1)
    )
    assert [(m.case, m.overdue) for m in early] == [(case, False)]


def test_the_monitoring_lists_are_paged_keeping_the_filters(
    case, county, village_a, county_supervisor, client, monkeypatch
):
    monkeypatch.setattr(monitoring_cases, "PAGE_SIZE", 1)
    for number in ("0002", "0003"):
        household = HouseholdFactory(village=village_a, number=number, status="exited")
        MonitoredHousehold.objects.create(
            household=household,
            year=DAY.year,
            category="unstable",
            risk_types=["illness"],
            found_by="screening",
            first_lead_on=datetime.date(2025, 3, 1),
        )
    client.force_login(county_supervisor)
    url = f"/welfare/monitoring/?area={county.code}&year={DAY.year}"
    first = client.get(url)
    assert first.context["cases"].paginator.count == 3
    assert len(first.context["cases"]) == 1
    page = first.content.decode()
    assert f"?area={county.code}&amp;year={DAY.year}&amp;cases_page=2#cases" in page
    second = client.get(url + "&cases_page=3").context["cases"]
    assert second.number == 3 and len(second) == 1
    shown = {c.pk for n in (1, 2, 3) for c in client.get(url + f"&cases_page={n}").context["cases"]}
    assert shown == set(MonitoredHousehold.objects.values_list("pk", flat=True))
    # Another list's page keeps the cases' page in its links.
    assert "cases_page=2" in client.get(url + "&cases_page=2").context["overdue_pager"].query
