"""The household form's national columns (domain README §1) in the household and member forms
and on the household page: the flags, the production and living conditions grouped apart, the
member's active service and accident insurance; left empty, a fact stays not recorded."""

from decimal import Decimal

import pytest
from django.urls import reverse

from villagedesk.registry.models import Household
from villagedesk.registry.tests.test_pages import household_data, person_data

pytestmark = pytest.mark.django_db

CONDITIONS = {
    "identification_standard": "national",
    "martyr_family": "true",
    "two_daughters": "false",
    "arable_land": "5.5",
    "forest_land": "12",
    "cooperative_member": "true",
    "household_electricity": "true",
    "production_electricity": "false",
    "road_distance": "1.2",
    "road_type": "cement",
    "housing_area": "96.5",
    "water_difficulty": "false",
    "main_fuel": "firewood",
    "sanitary_toilet": "true",
    "radio_tv": "true",
}


def edit(client, household, **fields):
    data = household_data(household.village, number=household.number, **fields)
    return client.post(reverse("registry:household-edit", args=[household.pk]), data)


def test_domain_readme_s1_the_household_form_groups_the_conditions(client, cadre_a, household_a):
    client.force_login(cadre_a)
    page = client.get(reverse("registry:household-edit", args=[household_a.pk])).content.decode()
    conditions = page.index("Production and living conditions")
    assert page.index('name="number"') < conditions < page.index('name="main_fuel"')
    assert conditions < page.index('name="arable_land"') < page.index('name="owns_vehicle"')
    assert page.index('name="martyr_family"') < conditions


def test_domain_readme_s1_conditions_saved_from_the_form_with_history(client, cadre_a, household_a):
    client.force_login(cadre_a)
    assert edit(client, household_a, **CONDITIONS).status_code == 302
    household = Household.objects.get(pk=household_a.pk)
    assert (household.martyr_family, household.two_daughters, household.only_child) == (
        True,
        False,
        None,
    )
    assert (household.arable_land, household.road_distance, household.housing_area) == (
        Decimal("5.5"),
        Decimal("1.2"),
        Decimal("96.5"),
    )
    assert (household.main_fuel, household.road_type, household.irrigated_land) == (
        "firewood",
        "cement",
        None,
    )
    record = household.history.first()
    assert record.history_user == cadre_a and record.main_fuel == "firewood"


def test_domain_readme_s1_the_household_page_shows_the_conditions_recorded(
    client, cadre_a, household_a
):
    client.force_login(cadre_a)
    edit(client, household_a, **CONDITIONS)
    page = client.get(household_a.get_absolute_url()).content.decode()
    for shown in [
        "National standard",
        "Martyr or soldier family",
        "<dt>Arable land (mu)</dt><dd>5.5</dd>",
        "<dt>Forest land (mu)</dt><dd>12</dd>",
        "<dt>Main fuel</dt><dd>Firewood</dd>",
        "<dt>Access road type</dt><dd>Cement</dd>",
        "<dt>Housing area (m²)</dt><dd>96.5</dd>",
        "<dt>Electricity for production</dt><dd>no</dd>",
        "<dt>Radio and TV</dt><dd>yes</dd>",
    ]:
        assert shown in page, shown
    assert "Irrigated" not in page and "Two-daughter household" not in page


def test_a_household_without_conditions_says_none_are_recorded(client, cadre_a, household_a):
    client.force_login(cadre_a)
    page = client.get(household_a.get_absolute_url()).content.decode()
    assert "Production and living conditions" in page and "None recorded yet." in page


def test_a_negative_area_is_refused_and_nothing_saved(client, cadre_a, household_a):
    client.force_login(cadre_a)
    response = edit(client, household_a, arable_land="-3")
    assert response.status_code == 200
    assert Household.objects.get(pk=household_a.pk).arable_land is None


def test_another_village_s_household_conditions_cannot_be_edited(client, cadre_b, household_a):
    client.force_login(cadre_b)
    assert edit(client, household_a, main_fuel="coal").status_code == 404
    assert Household.objects.get(pk=household_a.pk).main_fuel == ""


def test_domain_readme_s1_active_serviceman_and_accident_insurance_of_a_member(
    client, cadre_a, household_a
):
    client.force_login(cadre_a)
    data = person_data(
        name="王小兵",
        sex="male",
        birth_date="2002-02-03",
        relation="son",
        education="senior",
        schooling="",
        labour="ordinary",
        active_serviceman="true",
        accident_insurance="true",
    )
    response = client.post(reverse("registry:person-create", args=[household_a.pk]), data)
    assert response.status_code == 302
    soldier = household_a.members.get(name="王小兵")
    assert (soldier.active_serviceman, soldier.accident_insurance) == (True, True)
    page = client.get(household_a.get_absolute_url()).content.decode()
    assert "Active serviceman" in page and "Personal accident insurance" in page
