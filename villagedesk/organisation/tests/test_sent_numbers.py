"""An id or number in a query string or form that is not plain ASCII digits is ignored or
refused as a form error, never a server error."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

NOT_NUMBERS = ["²", "9" * 25, "abc"]


@pytest.mark.parametrize("sent", NOT_NUMBERS)
@pytest.mark.parametrize(
    "url,param", [("organisation:rollup", "year"), ("organisation:group-create", "village_group")]
)
def test_a_query_that_is_not_a_number_is_ignored(client, cadre_a, url, param, sent):
    client.force_login(cadre_a)
    assert client.get(reverse(url), {param: sent}).status_code == 200


@pytest.mark.parametrize("sent", NOT_NUMBERS)
@pytest.mark.parametrize(
    "url,field,data",
    [
        ("organisation:member-create", "person", {"stage": "applicant"}),
        ("organisation:talent-create", "person", {}),
        ("organisation:group-create", "head", {"name": "一组"}),
        ("organisation:training-create", "attendees", {"topic": "种植"}),
    ],
)
def test_a_person_that_is_not_a_number_is_a_form_error(client, cadre_a, url, field, data, sent):
    client.force_login(cadre_a)
    response = client.post(reverse(url), {**data, field: [sent]})
    assert response.status_code == 200
    assert field in response.context["form"].errors
