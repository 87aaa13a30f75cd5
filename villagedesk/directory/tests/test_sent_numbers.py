"""A network filter or offset that is not plain ASCII digits is ignored, never a server error."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("sent", ["²", "9" * 25, "abc"])
@pytest.mark.parametrize(
    "url,param",
    [
        ("directory:network", "organisation"),
        ("directory:network", "centre"),
        ("directory:network", "distance"),
        ("directory:network-chart", "offset"),
        ("directory:network-chart", "organisation"),
    ],
)
def test_a_number_that_is_not_plain_digits_is_ignored(client, cadre_a, url, param, sent):
    client.force_login(cadre_a)
    assert client.get(reverse(url), {param: sent}).status_code == 200
