"""An edit form's version that is not plain ASCII digits is an out-of-date form, never a server
error."""

import pytest
from django.urls import reverse

from villagedesk.core.forms import FORM_OUT_OF_DATE

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("sent", ["²", "9" * 25, "abc"])
def test_a_version_that_is_not_a_number_is_an_out_of_date_form(client, cadre_a, household_a, sent):
    client.force_login(cadre_a)
    response = client.post(
        reverse("registry:household-edit", args=[household_a.pk]), {"version": sent}
    )
    assert response.status_code == 200
    assert str(FORM_OUT_OF_DATE) in response.context["form"].non_field_errors()
