"""Household and person forms: a save from an out-of-date form is refused with the other
person's values shown, and a form sent twice adds one row."""

import pytest
from django.urls import reverse

from villagedesk.core.masking import mask_phone
from villagedesk.core.tests.guards import (
    STALE_REFUSAL,
    answered_as_repeat,
    saved_meanwhile,
    sent_stale,
    sent_twice,
)
from villagedesk.registry.imports.engine import run_import
from villagedesk.registry.models import Household, Person
from villagedesk.registry.tests.importing import HEADERS, family, write_xlsx
from villagedesk.registry.tests.test_pages import household_data, person_data

pytestmark = pytest.mark.django_db


def test_a_household_form_sent_twice_adds_one_household(client, cadre_a, village_a):
    client.force_login(cadre_a)
    url = reverse("registry:household-create")
    first, again = sent_twice(client, url, household_data(village_a))
    household = Household.objects.get()
    assert first["Location"] == reverse("registry:person-create", args=[household.pk])
    assert answered_as_repeat(client, first, again)


def test_a_person_without_identity_number_sent_twice_is_added_once(client, cadre_a, household_a):
    client.force_login(cadre_a)
    url = reverse("registry:person-create", args=[household_a.pk])
    first, again = sent_twice(client, url, person_data(name="王小红"))
    assert Person.objects.filter(name="王小红").count() == 1
    assert answered_as_repeat(client, first, again)


def test_a_refused_person_form_leaves_its_token_good(client, cadre_a, household_a):
    client.force_login(cadre_a)
    url = reverse("registry:person-create", args=[household_a.pk])
    refused, corrected = sent_twice(
        client, url, iter([person_data(relation="spouse"), person_data()]).__next__
    )
    assert refused.status_code == 200
    assert corrected.status_code == 302
    assert Person.objects.filter(name="王小红").count() == 1


def test_a_household_edit_from_an_older_version_is_refused(
    client, cadre_a, committee_a, household_a
):
    client.force_login(cadre_a)
    url = reverse("registry:household-edit", args=[household_a.pk])
    data = household_data(household_a.village, number=household_a.number, address="一组 1 号")
    response = client.post(
        url,
        data,
    )
    assert response.status_code == 302
    response = sent_stale(
        client,
        url,
        {**data, "address": "我的地址"},
        meanwhile=lambda: saved_meanwhile(household_a, by=committee_a, address="他的地址"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert STALE_REFUSAL in page
    assert "我的地址" in page  # what was typed is kept
    assert "他的地址" in page and "committee_a" in page  # what was saved, by whom
    # Only what they changed is listed, not the user's own changes.
    assert [d.label for d in response.context["form"].conflict.differences] == ["Address"]
    household_a.refresh_from_db()
    assert household_a.address == "他的地址"


def test_a_person_edit_from_an_older_version_is_refused_with_numbers_masked(
    client, cadre_a, committee_a, household_a
):
    person = household_a.members.get(name="李梅")
    client.force_login(cadre_a)
    url = reverse("registry:person-edit", args=[person.pk])
    data = person_data(
        name="李梅", sex="female", birth_date="", relation="spouse", id_number="", phone=""
    )
    response = sent_stale(
        client,
        url,
        {**data, "name": "李梅花"},
        meanwhile=lambda: saved_meanwhile(person, by=committee_a, phone="13912345678"),
    )
    page = response.content.decode()
    assert STALE_REFUSAL in page
    assert mask_phone("13912345678") in page
    assert "13912345678" not in page
    assert "李梅花" in page
    person.refresh_from_db()
    assert (person.name, person.phone) == ("李梅", "13912345678")


def test_saving_again_after_the_refusal_keeps_the_users_values(
    client, cadre_a, committee_a, household_a
):
    client.force_login(cadre_a)
    url = reverse("registry:household-edit", args=[household_a.pk])
    data = household_data(household_a.village, number=household_a.number, address="我的地址")
    refused = sent_stale(
        client,
        url,
        data,
        meanwhile=lambda: saved_meanwhile(household_a, by=committee_a, address="他的地址"),
    )
    again = client.post(url, {**data, "version": refused.context["form"].guard["version"]})
    assert again.status_code == 302
    household_a.refresh_from_db()
    assert household_a.address == "我的地址"


def test_a_household_form_opened_before_an_import_changed_it_is_refused(
    client, cadre_a, village_a, tmp_path
):
    rows = family()
    run_import(write_xlsx(tmp_path / "a.xlsx", rows), area=village_a)
    household = Household.objects.get(number="001")
    client.force_login(cadre_a)
    url = reverse("registry:household-edit", args=[household.pk])
    data = household_data(village_a, number="001", address="我的地址")

    def imported_again():
        rows[0][HEADERS.index("住址")] = "大河村2号"
        run_import(write_xlsx(tmp_path / "b.xlsx", rows), area=village_a)

    response = sent_stale(client, url, data, meanwhile=imported_again)
    assert STALE_REFUSAL in response.content.decode()
    household.refresh_from_db()
    assert household.address == "大河村2号"
