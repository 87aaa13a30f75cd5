"""The parameters page: administrators and county supervisors set local figures per area and
year within their areas, validated, with every change kept."""

import re

from villagedesk.accounts.models import Role
from villagedesk.welfare.models import Parameter
from villagedesk.welfare.tests.factories import ParameterFactory

URL = "/welfare/parameters/"
TAG = re.compile(r"<[^>]*>")


def visible(page: str) -> str:
    """The page's text as a reader sees it: no tags, no attribute values."""
    return TAG.sub(" ", page)


def post(client, area, **extra):
    data = {"name": "notice_days", "area": area.pk, "year": 2025, "value": "7", "note": "县文件"}
    return client.post(URL, {**data, **extra})


def test_a_county_supervisor_sets_and_changes_a_parameter_with_history(
    county, township, county_supervisor, client
):
    ParameterFactory(name="dibao_standard", area=county, value=6000)
    client.force_login(county_supervisor)
    page = client.get(URL + "?year=2025").content.decode()
    assert "dibao_standard" in page and "6000" in page
    assert post(client, township).status_code == 302
    assert post(client, township).status_code == 302  # double submit: no new history line
    assert post(client, township, value="10").status_code == 302
    parameter = Parameter.objects.get(name="notice_days")
    assert parameter.area == township and parameter.value == 10 and parameter.note == "县文件"
    assert [h.value for h in parameter.history.all()] == [10, 7]
    assert parameter.history.first().history_user == county_supervisor
    page = client.get(URL + "?year=2025").content.decode()
    assert "supervisor" in page  # the latest changes name who made them


def test_parameters_and_their_changes_are_named_in_words_not_keys(
    county, county_supervisor, client
):
    ParameterFactory(name="dibao_standard", area=county, value=6000)
    client.force_login(county_supervisor)
    post(client, county)
    for language, words in (("en", "Days of public notice"), ("zh-hans", "公示天数")):
        page = client.get(URL + "?year=2025", HTTP_ACCEPT_LANGUAGE=language).content.decode()
        text = visible(page)
        assert "dibao_standard" not in text and "notice_days" not in text
        assert words in text


def test_bad_values_are_refused_and_the_form_keeps_them(county, county_supervisor, client):
    client.force_login(county_supervisor)
    response = post(client, county, value="2.5")
    assert response.status_code == 200 and "whole number" in response.content.decode()
    assert 'value="2.5"' in response.content.decode()
    assert (
        "between 0 and 100"
        in post(client, county, name="exit_incidence_percent", value="120").content.decode()
    )
    assert (
        "never negative" in post(client, county, name="dibao_standard", value="-1").content.decode()
    )
    assert post(client, county, name="unknown_name").status_code == 200
    assert not Parameter.objects.exists()


def test_others_are_refused_and_areas_outside_are_not_offered(
    county, village_a, cadre_a, committee_a, client, django_user_model
):
    for user in (cadre_a, committee_a):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        assert post(client, county).status_code == 403
    from villagedesk.accounts.models import Assignment
    from villagedesk.areas.models import Area, Level

    other_county = Area.objects.create(
        code="999999000000", name="外县", level=Level.COUNTY, parent=county.parent
    )
    keeper = django_user_model.objects.create_user(username="other_keeper", password="x")
    Assignment.objects.create(user=keeper, area=other_county, role=Role.COUNTY_SUPERVISOR)
    client.force_login(keeper)
    response = post(client, county)
    assert response.status_code == 200 and not Parameter.objects.exists()


def test_the_service_refuses_a_cadre_and_a_supervisor_of_another_county(
    county, township, cadre_a, django_user_model
):
    import pytest
    from django.core.exceptions import PermissionDenied

    from villagedesk.accounts.models import Assignment
    from villagedesk.areas.models import Area, Level
    from villagedesk.welfare.services import parameter_set

    other_county = Area.objects.create(
        code="530129000000", name="外县", level=Level.COUNTY, parent=county.parent
    )
    other_supervisor = django_user_model.objects.create_user(username="other", password="x")
    Assignment.objects.create(user=other_supervisor, area=other_county, role=Role.COUNTY_SUPERVISOR)
    for user in (cadre_a, other_supervisor):
        with pytest.raises(PermissionDenied):
            parameter_set(by=user, name="notice_days", area=township, year=2025, value=7)
    assert not Parameter.objects.exists()
