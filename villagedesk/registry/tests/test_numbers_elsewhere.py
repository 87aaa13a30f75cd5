"""A number registered outside the user's areas gets the answer a number that cannot be used
gets: it neither confirms the registration nor names the household (whose number encodes its
village). In the user's own areas the household is named, since it is theirs to see."""

import pytest
from django.core.files import File
from django.urls import reverse
from django.utils import translation

from villagedesk.registry.imports import jobs
from villagedesk.registry.imports.engine import run_import
from villagedesk.registry.imports.messages import render
from villagedesk.registry.models import Person
from villagedesk.registry.tests.factories import HouseholdFactory
from villagedesk.registry.tests.importing import family, write_xlsx
from villagedesk.registry.tests.test_import import col
from villagedesk.registry.tests.test_pages import person_data

NEUTRAL = "This identity number cannot be registered here; ask the county office."


def id_messages(result, language="en"):
    with translation.override(language):
        return [
            render(code=i["code"], field=i["field"], value=i["value"], param=i["param"])
            for i in result.issues.iter_rows(named=True)
            if i["field"] == "id_number"
        ]


@pytest.fixture
def ledger_with(tmp_path):
    def build(id_number):
        rows = family("009")
        rows[0][col("身份证号码")] = id_number
        return write_xlsx(tmp_path / "a.xlsx", rows)

    return build


def test_import_does_not_name_a_household_outside_the_users_areas(
    ledger_with, village_a, cadre_a, household_b
):
    taken = household_b.members.get().id_number
    result = run_import(ledger_with(taken), area=village_a, by=cadre_a, check_only=True)
    assert id_messages(result) == [NEUTRAL]
    assert "B-001" not in str(result.issues.to_dicts())


def test_import_names_the_household_in_the_users_own_areas(
    ledger_with, village_a, cadre_a, household_a
):
    taken = household_a.members.get(relation="head").id_number
    result = run_import(ledger_with(taken), area=village_a, by=cadre_a, check_only=True)
    assert id_messages(result) == ["This identity number is already registered in household A-001."]


def test_the_import_job_answers_alike_for_a_number_elsewhere(
    ledger_with, village_a, cadre_a, household_b, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    path = ledger_with(household_b.members.get().id_number)
    with path.open("rb") as handle:
        job = jobs.import_check(by=cadre_a, area=village_a, upload=File(handle, name="a.xlsx"))
    codes = [issue["code"] for issue in job.issues if issue["field"] == "id_number"]
    assert codes == ["id_unusable"]
    assert "B-001" not in str(job.issues)


def test_a_county_supervisor_sees_which_household_holds_the_number(
    ledger_with, village_a, county_supervisor, household_b
):
    taken = household_b.members.get().id_number
    result = run_import(ledger_with(taken), area=village_a, by=county_supervisor, check_only=True)
    assert id_messages(result) == ["This identity number is already registered in household B-001."]


def post_person(client, user, household, id_number):
    client.force_login(user)
    url = reverse("registry:person-create", args=[household.pk])
    data = person_data(id_number=id_number, sex="", birth_date="", relation="other")
    return client.post(url, data).content.decode()


def test_person_form_answers_a_number_elsewhere_neutrally(
    client, cadre_a, household_a, household_b
):
    page = post_person(client, cadre_a, household_a, household_b.members.get().id_number)
    assert NEUTRAL in page.replace("&#x27;", "'")
    assert "B-001" not in page and "王五" not in page
    assert not Person.objects.filter(household=household_a, relation="other").exists()


def test_person_form_names_the_household_in_the_users_own_areas(
    client, cadre_a, household_a, village_a
):
    other = HouseholdFactory(village=village_a, group=village_a.groups.first(), number="A-002")
    taken = household_a.members.get(relation="head").id_number
    page = post_person(client, cadre_a, other, taken)
    assert "This identity number is already registered in household A-001." in page
    assert NEUTRAL not in page.replace("&#x27;", "'")


def test_a_member_keeps_their_own_number_when_edited(client, cadre_a, household_a):
    head = household_a.members.get(relation="head")
    client.force_login(cadre_a)
    data = person_data(
        name="张三丰", id_number=head.id_number, sex="", birth_date="", relation="head"
    )
    response = client.post(reverse("registry:person-edit", args=[head.pk]), data)
    assert response.status_code == 302
    head.refresh_from_db()
    assert head.name == "张三丰"
