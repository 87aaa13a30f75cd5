"""An id in a query string or form that is not plain ASCII digits is a 404 or a form error, and
a month far from now shows this month: never a server error."""

import pytest
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db

NOT_NUMBERS = ["²", "9" * 25, "abc"]


@pytest.mark.parametrize("sent", NOT_NUMBERS)
@pytest.mark.parametrize(
    "url,param", [("fieldwork:visit-create", "household"), ("fieldwork:problem-create", "visit")]
)
def test_a_page_about_a_row_that_is_not_a_number_is_404(client, cadre_a, url, param, sent):
    client.force_login(cadre_a)
    assert client.get(reverse(url), {param: sent}).status_code == 404


@pytest.mark.parametrize("sent", NOT_NUMBERS)
def test_a_visits_household_or_person_that_is_not_a_number_is_a_form_error(
    client, cadre_a, household_a, sent
):
    client.force_login(cadre_a)
    url = reverse("fieldwork:visit-create")
    response = client.post(url, {"household": sent})
    assert response.status_code == 200
    assert "household" in response.context["form"].errors
    response = client.post(url, {"household": household_a.pk, "persons": [sent]})
    assert response.status_code == 200
    assert "persons" in response.context["form"].errors


@pytest.mark.parametrize("sent", NOT_NUMBERS)
def test_a_problems_households_or_persons_that_are_not_numbers_are_a_form_error(
    client, cadre_a, sent
):
    client.force_login(cadre_a)
    response = client.post(
        reverse("fieldwork:problem-create"), {"households": [sent], "persons": [sent]}
    )
    assert response.status_code == 200
    assert {"households", "persons"} <= set(response.context["form"].errors)


@pytest.mark.parametrize("month", ["9999-12", "0001-01", "1999-12"])
def test_a_month_far_from_now_shows_this_month(client, cadre_a, month):
    client.force_login(cadre_a)
    response = client.get(reverse("fieldwork:diary"), {"month": month})
    assert response.status_code == 200
    assert response.context["month"] == timezone.localdate().replace(day=1)
