"""Household helpers (帮扶责任人): set and changed through the service within the user's villages,
kept as history, masked for roles that may not reveal, and shown on care lists with the last
visit."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from python_calamine import CalamineWorkbook

from villagedesk.fieldwork.tests.factories import make_visit
from villagedesk.registry import figures
from villagedesk.registry.services import person_save
from villagedesk.registry.tests.factories import HouseholdFactory, PersonFactory
from villagedesk.welfare.models import HouseholdHelper
from villagedesk.welfare.services import catalogue_load, helper_set
from villagedesk.welfare.views import care_lists

TODAY = timezone.localdate()


def helper_data(**extra):
    return {
        "name": "李建国",
        "unit": "县农业农村局",
        "phone": "13912345678",
        "starts_on": TODAY.isoformat(),
        **extra,
    }


def test_a_helper_is_set_changed_and_kept_as_history(cadre_a, client, village_a):
    household = HouseholdFactory(village=village_a)
    client.force_login(cadre_a)
    url = f"/welfare/households/{household.pk}/helper/"
    earlier = (TODAY - datetime.timedelta(days=30)).isoformat()
    assert client.post(url, helper_data(starts_on=earlier)).status_code == 302
    assert client.post(url, helper_data(starts_on=earlier)).status_code == 302  # double submit
    assert HouseholdHelper.objects.count() == 1
    client.post(url, helper_data(name="王秀英", phone=""))
    old, new = HouseholdHelper.objects.order_by("starts_on")
    assert old.ends_on == TODAY - datetime.timedelta(days=1) and new.ends_on is None
    assert new.name == "王秀英" and new.set_by == cadre_a
    page = client.get(url).content.decode()
    assert "李建国" in page and "王秀英" in page
    explain = client.get(f"/welfare/households/{household.pk}/").content.decode()
    assert "王秀英" in explain


def test_bad_input_keeps_what_was_typed(cadre_a, client, village_a):
    household = HouseholdFactory(village=village_a)
    client.force_login(cadre_a)
    url = f"/welfare/households/{household.pk}/helper/"
    response = client.post(url, helper_data(phone="12345"))
    assert response.status_code == 200 and "李建国" in response.content.decode()
    assert "11 digits" in response.content.decode()
    client.post(url, helper_data())
    response = client.post(
        url, helper_data(name="王秀英", starts_on=(TODAY - datetime.timedelta(days=3)).isoformat())
    )
    assert "must start after the current one" in response.content.decode()
    assert HouseholdHelper.objects.count() == 1


def test_another_villages_household_is_404_and_the_service_refuses(
    cadre_a, cadre_b, client, village_b
):
    household = HouseholdFactory(village=village_b)
    client.force_login(cadre_a)
    assert client.get(f"/welfare/households/{household.pk}/helper/").status_code == 404
    assert (
        client.post(f"/welfare/households/{household.pk}/helper/", helper_data()).status_code == 404
    )
    with pytest.raises(PermissionDenied):
        helper_set(by=cadre_a, household=household, name="x", unit="y", phone="", starts_on=TODAY)
    with pytest.raises(ValidationError):
        helper_set(by=cadre_b, household=household, name="x", unit="y", phone="1", starts_on=TODAY)
    assert not HouseholdHelper.objects.exists()


@pytest.fixture
def care(village_a, village_b, cadre_a):
    catalogue_load()
    here = HouseholdFactory(village=village_a)
    PersonFactory(
        household=here,
        name="周残",
        disability_category="visual",
        disability_grade=2,
        id_number=None,
    )
    helper_set(
        by=cadre_a,
        household=here,
        name="李建国",
        unit="县农业农村局",
        phone="13912345678",
        starts_on=TODAY - datetime.timedelta(days=10),
    )
    make_visit(household=here, visitor=cadre_a, days_ago=2)
    there = HouseholdFactory(village=village_b)
    PersonFactory(
        household=there,
        name="吴残",
        disability_category="visual",
        disability_grade=2,
        id_number=None,
    )
    return here


def test_care_list_shows_helper_and_last_visit_and_exports_them(care, cadre_a, client):
    client.force_login(cadre_a)
    page = client.get("/welfare/care/disabled_persons/").content.decode()
    assert "李建国" in page and "13912345678" in page and "吴残" not in page
    assert 'method="post"' in page and 'name="purpose"' in page  # phones in full: by POST
    last = (TODAY - datetime.timedelta(days=2)).isoformat()
    assert last in page
    export = client.post(
        "/welfare/care/disabled_persons/?format=xlsx",
        {"full_numbers": "1", "purpose": "visit plan"},
    )
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(export.content)).get_sheet_by_index(0).to_python()
    )
    assert rows[1][2:] == ["周残", rows[1][3], "李建国", "县农业农村局", "13912345678", last]
    masked = client.get("/welfare/care/disabled_persons/?format=xlsx")
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(masked.content)).get_sheet_by_index(0).to_python()
    )
    assert rows[1][6] == "139****5678"


def test_the_phone_is_masked_for_a_committee_member(care, committee_a, client):
    client.force_login(committee_a)
    page = client.get("/welfare/care/disabled_persons/").content.decode()
    assert "李建国" in page and "13912345678" not in page and "139****5678" in page
    export = client.get("/welfare/care/disabled_persons/?format=xlsx")
    assert b"13912345678" not in export.content
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(export.content)).get_sheet_by_index(0).to_python()
    )
    assert rows[1][6] == "139****5678"
    helper_page = client.get(f"/welfare/households/{care.pk}/helper/").content.decode()
    assert "13912345678" not in helper_page.split("<h2")[1]


def test_the_helpers_phone_on_the_explanation_page_is_masked_for_one_who_may_not_reveal(
    care, committee_a, client
):
    client.force_login(committee_a)
    page = client.get(f"/welfare/households/{care.pk}/").content.decode()
    assert "李建国" in page and "139****5678" in page
    assert "13912345678" not in page


def test_the_helpers_phone_on_the_explanation_page_is_shown_to_one_who_may_reveal(
    care, cadre_a, client
):
    client.force_login(cadre_a)
    page = client.get(f"/welfare/households/{care.pk}/").content.decode()
    assert "13912345678" in page


def test_a_supervisor_who_sees_the_village_is_told_on_the_form_that_they_do_not_keep_it(
    county_supervisor, client, village_a
):
    household = HouseholdFactory(village=village_a)
    client.force_login(county_supervisor)
    response = client.post(f"/welfare/households/{household.pk}/helper/", helper_data())
    assert response.status_code == 200
    assert "You do not keep this household" in response.content.decode()
    assert "李建国" in response.content.decode()  # what was typed is kept
    assert not HouseholdHelper.objects.exists()


def test_the_care_list_is_paged_and_counted(care, county_supervisor, client, monkeypatch):
    monkeypatch.setattr(care_lists, "PAGE_SIZE", 1)
    client.force_login(county_supervisor)
    first = client.get("/welfare/care/disabled_persons/")
    assert first.context["page"].paginator.count == 2
    assert [p.name for p in first.context["persons"]] == ["周残"]
    assert "2 people" in first.content.decode()
    assert "?page=2" in first.content.decode()
    second = client.get("/welfare/care/disabled_persons/?page=2")
    assert [p.name for p in second.context["persons"]] == ["吴残"]
    # The export lists everyone, not the page.
    assert client.get("/welfare/care/disabled_persons/?format=xlsx&page=2").status_code == 200


def test_a_large_areas_care_list_count_is_kept_until_its_data_changes(
    care, county_supervisor, cadre_a, client, monkeypatch
):
    """Above INLINE_HOUSEHOLDS the count is kept for each state of the county's data: as
    counted in the request, and counted again after a write."""
    monkeypatch.setattr(figures, "INLINE_HOUSEHOLDS", 0)
    client.force_login(county_supervisor)
    assert client.get("/welfare/care/disabled_persons/").context["page"].paginator.count == 2
    third = PersonFactory(
        household=care,
        name="郑残",
        relation="son",
        birth_date=datetime.date(2005, 1, 1),
        disability_category="visual",
        disability_grade=1,
        id_number=None,
    )  # not through a service: the count kept stays
    assert client.get("/welfare/care/disabled_persons/").context["page"].paginator.count == 2
    person_save(by=cadre_a, person=third)
    page = client.get("/welfare/care/disabled_persons/")
    assert page.context["page"].paginator.count == 3
    assert sorted(p.name for p in page.context["persons"]) == ["吴残", "周残", "郑残"]
