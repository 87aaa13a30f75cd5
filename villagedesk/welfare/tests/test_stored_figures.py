"""The county figures of the gap report and the poverty status, stored by the background worker:
the pages show what counting them in the request gives, a write makes them out of date, and a
refresh brings them back."""

import datetime
from decimal import Decimal
from unittest.mock import patch

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from villagedesk.accounts.models import User
from villagedesk.areas.models import Area
from villagedesk.registry import changes
from villagedesk.registry import figures as registry_figures
from villagedesk.registry.models import DataGeneration, Person
from villagedesk.registry.services import person_save
from villagedesk.registry.tests.factories import PersonFactory
from villagedesk.welfare import monitoring, poverty, selectors
from villagedesk.welfare.codes import Step
from villagedesk.welfare.models import CountyFigures, MonitoredHousehold, Policy
from villagedesk.welfare.selectors import gap_rollup
from villagedesk.welfare.services import catalogue_load, income_set, parameter_set
from villagedesk.welfare.tests.factories import worker_runs
from villagedesk.welfare.tests.rulecases import DAY, enrol, figures_set, household_with, member
from villagedesk.welfare.tests.test_exports import first_sheet

pytestmark = pytest.mark.django_db


@pytest.fixture
def stored_always(monkeypatch):
    """Every area above a village read from the stored figures, however few its households."""
    monkeypatch.setattr(registry_figures, "INLINE_HOUSEHOLDS", 0)


@pytest.fixture
def households(county, village_a, village_b):
    """Poor and other households of two villages, some below the 低保 standard, some enrolled."""
    figures_set(county, year=DAY.year)
    made = []
    for n, village in enumerate([village_a, village_b] * 3):
        household = household_with(
            village,
            status=["poor", "not_poor", "monitored"][n % 3],
            income={"wage": 1_000 + 4_000 * n},
        )
        for i in range(n % 2 + 1):
            member(household, relation="head" if i == 0 else "other")
        made.append(household)
    for household in made[::2]:
        enrol("dibao", household)
    return made


def shown_rollup(client, area) -> dict:
    response = client.get(f"/welfare/gaps/?policy=dibao&area={area.code}&year={DAY.year}")
    assert response.status_code == 200
    if response.context.get("rollup") is None:
        return {}
    return {
        r.area.code: (r.eligible, r.not_enrolled, r.not_eligible)
        for r in response.context["rollup"]
    }


def live_rollup(user, area) -> dict:
    dibao = Policy.objects.get(code="dibao")
    return {
        r.area.code: (r.eligible, r.not_enrolled, r.not_eligible)
        for r in gap_rollup(user=user, policy=dibao, area=area, day=DAY)
    }


def time_shown(stored: CountyFigures) -> str:
    return f"{timezone.localtime(stored.computed_at):%Y-%m-%d %H:%M}"


def shown_poverty(client, area) -> dict:
    response = client.get(f"/welfare/poverty/?area={area.code}&year={DAY.year}")
    assert response.status_code == 200
    return {f.village.code: (f.persons, f.poor_persons) for f in response.context["figures"]}


def live_poverty(user, area) -> dict:
    rows = poverty.village_figures(user=user, area=area, day=DAY, threshold_percent=3)
    return {f.village.code: (f.persons, f.poor_persons) for f in rows}


def test_the_stored_gap_figures_equal_those_counted_in_the_request(
    stored_always, households, county, township, county_supervisor, client
):
    client.force_login(county_supervisor)
    response = client.get(f"/welfare/gaps/?policy=dibao&area={county.code}&year={DAY.year}")
    assert "being computed in the background" in response.content.decode()
    assert "<table" not in response.content.decode()
    assert worker_runs() == 1
    live = live_rollup(county_supervisor, county)
    assert any(any(row) for row in live.values())
    assert shown_rollup(client, county) == live
    # A township reads its villages from the county's figures.
    assert shown_rollup(client, township) == live_rollup(county_supervisor, township)
    assert worker_runs() == 0
    response = client.get(f"/welfare/gaps/?area={county.code}&year={DAY.year}")
    assert "Figures as of" in response.content.decode()


def test_the_stored_poverty_figures_equal_those_counted_in_the_request(
    stored_always, households, county, county_supervisor, client
):
    client.force_login(county_supervisor)
    response = client.get(f"/welfare/poverty/?area={county.code}&year={DAY.year}")
    assert "being computed in the background" in response.content.decode()
    assert worker_runs() == 1
    live = live_poverty(county_supervisor, county)
    assert all(live.values()) and any(poor for _persons, poor in live.values())
    assert shown_poverty(client, county) == live


def test_a_write_makes_the_gap_figures_out_of_date_and_a_refresh_brings_them_back(
    stored_always, households, county, county_supervisor, cadre_a, client
):
    client.force_login(county_supervisor)
    shown_rollup(client, county)
    worker_runs()
    before = shown_rollup(client, county)
    # The first household, poor and enrolled, earns above the 低保 standard from now on.
    income_set(
        by=cadre_a, household=households[0], year=DAY.year, amounts={"wage": Decimal(90_000)}
    )
    live = live_rollup(county_supervisor, county)
    assert live != before
    response = client.get(f"/welfare/gaps/?policy=dibao&area={county.code}&year={DAY.year}")
    assert "New figures are being computed" in response.content.decode()
    assert not response.context["stored"].up_to_date
    # Until the worker has run, the last figures show.
    assert shown_rollup(client, county) == before
    assert worker_runs() == 1
    assert shown_rollup(client, county) == live
    response = client.get(f"/welfare/gaps/?policy=dibao&area={county.code}&year={DAY.year}")
    assert response.context["stored"].up_to_date
    assert "New figures are being computed" not in response.content.decode()


def exported_rollup(client, area) -> tuple[dict, list]:
    """The export's figures by village code (the villages' names are those of the live roll-up's
    areas), and its rows after the villages."""
    response = client.get(f"/welfare/gaps/export/?policy=dibao&area={area.code}&year={DAY.year}")
    assert response.status_code == 200
    rows = first_sheet(response.content)[1:]
    codes = {v.name: v.code for v in Area.objects.within([area.prefix]).villages()}
    villages = [row for row in rows if row[0] in codes]
    return (
        {codes[name]: (int(a), int(b), int(c)) for name, a, b, c, _rule in villages},
        rows[len(villages) :],
    )


def test_the_gap_export_of_a_county_holds_the_stored_figures_without_counting_them(
    stored_always, households, county, township, county_supervisor, client
):
    client.force_login(county_supervisor)
    response = client.get(f"/welfare/gaps/export/?policy=dibao&area={county.code}&year={DAY.year}")
    assert response.status_code == 302
    assert "being computed in the background" in str(list(get_messages(response.wsgi_request)))
    assert worker_runs() == 1
    live = live_rollup(county_supervisor, county)
    live_township = live_rollup(county_supervisor, township)
    assert any(any(row) for row in live.values())
    with patch.object(selectors, "gap_counts", side_effect=AssertionError("counted")):
        exported, after = exported_rollup(client, county)
        assert exported_rollup(client, township)[0] == live_township
    assert exported == live
    assert after[0][0] == f"Figures as of {time_shown(CountyFigures.objects.get())}."
    assert worker_runs() == 0


def test_the_gap_export_of_an_area_of_few_households_counts_it(
    households, county, county_supervisor, client
):
    client.force_login(county_supervisor)
    exported, after = exported_rollup(client, county)
    assert exported == live_rollup(county_supervisor, county)
    assert after == []
    assert not CountyFigures.objects.exists()


def test_a_new_member_makes_the_poverty_figures_out_of_date_until_refreshed(
    stored_always, households, county, county_supervisor, cadre_a, client
):
    client.force_login(county_supervisor)
    shown_poverty(client, county)
    worker_runs()
    before = shown_poverty(client, county)
    person_save(
        by=cadre_a,
        person=PersonFactory.build(household=households[0], id_number=None, relation="other"),
    )
    assert shown_poverty(client, county) == before
    assert worker_runs() == 1
    after = shown_poverty(client, county)
    assert after == live_poverty(county_supervisor, county)
    village = households[0].area_code
    assert after[village] == (before[village][0] + 1, before[village][1] + 1)


def test_the_county_decision_on_a_monitoring_case_makes_the_poverty_figures_out_of_date(
    stored_always, parameters, county, village_a, county_supervisor, cadre_a, client
):
    household = household_with(village_a, status="poor")
    member(household, relation="head")
    case = MonitoredHousehold.objects.create(
        household=household,
        year=DAY.year,
        category="unstable",
        risk_types=["illness"],
        found_by="screening",
        first_lead_on=datetime.date(2025, 3, 1),
        consent_signed_on=datetime.date(2025, 3, 1),
    )
    steps = [(Step.HOME_CHECK, 2), (Step.VILLAGE_APPRAISAL, 5), (Step.TOWNSHIP_REVIEW, 10)]
    for step, day in steps:
        monitoring.step_record(
            by=cadre_a, monitored=case, step=step, done_on=datetime.date(2025, 3, day)
        )
    client.force_login(county_supervisor)
    shown_poverty(client, county)
    worker_runs()
    assert shown_poverty(client, county)[village_a.code] == (1, 1)
    # The decision makes the household a monitored household: no longer counted as poor.
    monitoring.step_record(
        by=cadre_a, monitored=case, step=Step.COUNTY_DECISION, done_on=datetime.date(2025, 3, 20)
    )
    response = client.get(f"/welfare/poverty/?area={county.code}&year={DAY.year}")
    assert not response.context["stored"].up_to_date
    assert worker_runs() == 1
    assert shown_poverty(client, county)[village_a.code] == (1, 0)


def test_a_policy_changed_in_the_admin_makes_every_countys_figures_out_of_date(county, client):
    catalogue_load()
    superuser = User.objects.create_superuser("root", password="x")
    before = changes.generations(["530128"])["530128"]
    policy = Policy.objects.get(code="dibao")
    client.force_login(superuser)
    page = client.get(reverse("admin:welfare_policy_change", args=[policy.pk]))
    data = {
        **{k: v for k, v in page.context["adminform"].form.initial.items() if v is not None},
        "benefit_unit": "person",
        **{f"rules-{k}": v for k, v in {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0}.items()},
    }
    response = client.post(reverse("admin:welfare_policy_change", args=[policy.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert changes.generations(["530128"]) == {"530128": before + 1}


def test_a_shipped_policy_that_changes_without_its_rule_makes_the_figures_out_of_date(county):
    catalogue_load()
    before = changes.generations(["530128"])["530128"]
    Policy.objects.filter(code="dibao").update(income_basis="full")
    catalogue_load()
    assert changes.generations(["530128"]) == {"530128": before + 1}
    catalogue_load()
    assert changes.generations(["530128"]) == {"530128": before + 1}


def test_a_parameter_of_the_county_makes_its_gap_figures_out_of_date(
    stored_always, households, county, county_supervisor, client
):
    client.force_login(county_supervisor)
    shown_rollup(client, county)
    worker_runs()
    parameter_set(
        by=county_supervisor, name="dibao_standard", area=county, year=DAY.year, value=50_000
    )
    assert (
        not client.get(f"/welfare/gaps/?area={county.code}&year={DAY.year}")
        .context["stored"]
        .up_to_date
    )
    worker_runs()
    assert shown_rollup(client, county) == live_rollup(county_supervisor, county)


def test_figures_of_the_current_year_are_out_of_date_the_next_day(
    stored_always, county, village_a, county_supervisor, client
):
    figures_set(county, year=2026)
    household_with(village_a)
    client.force_login(county_supervisor)
    with time_machine.travel(datetime.datetime(2026, 6, 1, 12, tzinfo=datetime.UTC)):
        client.get(f"/welfare/gaps/?area={county.code}")
        worker_runs()
        assert client.get(f"/welfare/gaps/?area={county.code}").context["stored"].up_to_date
    with time_machine.travel(datetime.datetime(2026, 6, 2, 12, tzinfo=datetime.UTC)):
        stored = client.get(f"/welfare/gaps/?area={county.code}").context["stored"]
        assert stored.computed and not stored.up_to_date
        assert worker_runs() == 1
        assert client.get(f"/welfare/gaps/?area={county.code}").context["stored"].up_to_date


def test_figures_asked_for_are_not_asked_for_again_until_done(
    stored_always, households, county, county_supervisor, client
):
    client.force_login(county_supervisor)
    for _ in range(3):
        shown_rollup(client, county)
    assert worker_runs() == 1
    assert CountyFigures.objects.get().asked_at is None


def test_an_area_of_few_households_is_counted_in_the_request(
    households, county, county_supervisor, client
):
    client.force_login(county_supervisor)
    assert shown_rollup(client, county) == live_rollup(county_supervisor, county)
    assert shown_poverty(client, county) == live_poverty(county_supervisor, county)
    response = client.get(f"/welfare/gaps/?area={county.code}&year={DAY.year}")
    assert response.context["stored"] is None
    assert not CountyFigures.objects.exists()


def test_a_rule_that_cannot_be_evaluated_says_why_without_stored_figures(
    stored_always, county, village_a, county_supervisor, client
):
    figures_set(county, year=DAY.year)
    household_with(village_a)
    Policy.objects.get(code="dibao").rules.all().delete()
    client.force_login(county_supervisor)
    response = client.get(f"/welfare/gaps/?area={county.code}&year={DAY.year}")
    assert "no rule version is in force" in response.content.decode()
    assert not CountyFigures.objects.exists()


def test_an_area_whose_own_rule_works_is_counted_when_its_countys_failed(
    stored_always, county, township, village_a, county_supervisor, client
):
    # The standards are set for the township only: the county's figures cannot be computed.
    figures_set(township, year=DAY.year)
    member(household_with(village_a, status="poor", income={"wage": 1_000}), relation="head")
    client.force_login(county_supervisor)
    shown_rollup(client, township)
    worker_runs()
    assert CountyFigures.objects.get().error
    assert shown_rollup(client, township) == live_rollup(county_supervisor, township) != {}


def test_writes_count_in_the_counties_they_concern(county, village_a, cadre_a):
    changes.data_changed([village_a.code])
    changes.data_changed([village_a.code, "530128100002"])
    assert changes.generations(["530128", "530129"]) == {"530128": 2, "530129": 0}
    # A parameter of the province concerns every county of it; a default rule, every county.
    changes.data_changed(["53"])
    changes.data_changed(["54"])
    changes.data_changed(everywhere=True)
    assert DataGeneration.objects.get(county="530128").generation == 4
    assert changes.counties_of(["", "5301"]) == ["530128"]
    assert changes.counties_of(["2", ""]) == []


def test_a_member_saved_counts_in_the_county(households, cadre_a):
    before = changes.generations(["530128"])["530128"]
    person = Person.objects.filter(household=households[0]).first()
    person.name = "李四"
    person_save(by=cadre_a, person=person)
    assert changes.generations(["530128"]) == {"530128": before + 1}
