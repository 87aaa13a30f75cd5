"""Another village's households are invisible: 404 for single objects, absent from lists."""

import pytest
from django.urls import reverse

from villagedesk.accounts.models import Assignment, Role

pytestmark = pytest.mark.django_db


def detail_urls(household):
    member = household.members.first()
    return [
        reverse("registry:household-detail", args=[household.pk]),
        reverse("registry:household-edit", args=[household.pk]),
        reverse("registry:person-create", args=[household.pk]),
        reverse("registry:person-edit", args=[member.pk]),
    ]


def test_cadre_gets_404_for_every_page_of_another_village(client, cadre_a, household_b):
    client.force_login(cadre_a)
    for url in detail_urls(household_b):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {"number": "X"}).status_code == 404, url


def test_cadre_cannot_reveal_a_number_of_another_village(client, cadre_a, household_b):
    client.force_login(cadre_a)
    member = household_b.members.first()
    url = reverse("registry:person-reveal", args=[member.pk, "id_number"])
    assert client.post(url).status_code == 404


def test_cadre_opens_every_page_of_own_village(client, cadre_a, household_a):
    client.force_login(cadre_a)
    for url in detail_urls(household_a):
        assert client.get(url).status_code == 200, url


def test_list_and_search_never_show_another_village(client, cadre_a, household_a, household_b):
    client.force_login(cadre_a)
    url = reverse("registry:household-list")
    page = client.get(url).content.decode()
    assert "张三" in page and "王五" not in page
    for query in ["王五", "wangwu", "ww", household_b.members.first().id_number[-6:]]:
        response = client.get(url, {"q": query}, headers={"HX-Request": "true"})
        assert "王五" not in response.content.decode(), query
        assert "0 households" in response.content.decode(), query


def test_cadre_cannot_filter_into_another_village(client, cadre_a, household_b):
    client.force_login(cadre_a)
    page = client.get(reverse("registry:household-list"), {"village": household_b.area_code})
    assert "王五" not in page.content.decode()


def test_county_supervisor_sees_both_villages(client, county_supervisor, household_a, household_b):
    client.force_login(county_supervisor)
    page = client.get(reverse("registry:household-list")).content.decode()
    assert "张三" in page and "王五" in page
    for household in (household_a, household_b):
        url = reverse("registry:household-detail", args=[household.pk])
        assert client.get(url).status_code == 200


def test_supervisor_reads_but_cannot_edit(client, county_supervisor, household_a):
    client.force_login(county_supervisor)
    assert client.get(reverse("registry:household-edit", args=[household_a.pk])).status_code == 403


def test_home_counts_only_own_village(client, cadre_a, household_a, household_b):
    client.force_login(cadre_a)
    page = client.get(reverse("reports:home"))
    assert page.context["overview"]["households"] == 1
    assert page.context["overview"]["persons"] == 3


def test_expired_assignment_sees_nothing(client, cadre_a, household_a):
    cadre_a.assignments.update(ends_on="2021-01-01")
    client.force_login(cadre_a)
    assert client.get(household_a.get_absolute_url()).status_code == 404


def test_anonymous_visitor_is_sent_to_login(client, household_a):
    response = client.get(reverse("registry:household-list"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_focus_narrows_a_user_to_one_of_their_areas(
    client, county_supervisor, household_a, household_b, village_a
):
    Assignment.objects.create(
        user=county_supervisor, area=village_a, role=Role.CADRE, starts_on="2020-01-01"
    )
    client.force_login(county_supervisor)
    client.post(reverse("accounts:area-focus"), {"prefix": village_a.prefix})
    page = client.get(reverse("registry:household-list")).content.decode()
    assert "张三" in page and "王五" not in page
    client.post(reverse("accounts:area-focus"), {"prefix": ""})
    page = client.get(reverse("registry:household-list")).content.decode()
    assert "张三" in page and "王五" in page


def test_focus_on_an_area_not_assigned_is_ignored(client, cadre_a, household_a, village_b):
    client.force_login(cadre_a)
    client.post(reverse("accounts:area-focus"), {"prefix": village_b.prefix})
    page = client.get(reverse("registry:household-list")).content.decode()
    assert "张三" in page
