"""Consultations and requests for support: a form sent twice adds one row, and a request edited
from an out-of-date form is refused with what was saved meanwhile."""

import pytest
from django.urls import reverse

from villagedesk.core.tests.guards import (
    STALE_REFUSAL,
    answered_as_repeat,
    saved_meanwhile,
    sent_stale,
    sent_twice,
)
from villagedesk.development.models import Consultation, RequestStatus, SupportRequest
from villagedesk.directory.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bureau(county):
    return OrganisationFactory(area=county, name="县农业农村局")


def request_data(village, bureau, **overrides):
    return {
        "village": village.pk,
        "title": "产业发展资金",
        "kind": "funds",
        "body": bureau.pk,
        "amount": "50000",
        "asked_on": "2026-03-01",
        "status": "submitted",
        **overrides,
    }


def test_a_consultation_sent_twice_is_recorded_once(client, cadre_a, village_a, bureau):
    client.force_login(cadre_a)
    data = {
        "village": village_a.pk,
        "organisation": bureau.pk,
        "held_on": "2026-03-01",
        "asked": "汇报村情",
    }
    first, again = sent_twice(client, reverse("development:consultation-create"), data)
    assert Consultation.objects.count() == 1
    assert answered_as_repeat(client, first, again)


def test_a_request_for_support_sent_twice_is_recorded_once(client, cadre_a, village_a, bureau):
    client.force_login(cadre_a)
    url = reverse("development:request-create")
    first, again = sent_twice(client, url, request_data(village_a, bureau))
    assert SupportRequest.objects.count() == 1
    assert answered_as_repeat(client, first, again)


def test_a_request_edited_from_an_older_version_is_refused(
    client, cadre_a, committee_a, village_a, bureau
):
    support = SupportRequest.objects.create(
        village=village_a, title="产业发展资金", kind="funds", body=bureau, amount=50000
    )
    client.force_login(cadre_a)
    response = sent_stale(
        client,
        reverse("development:request-edit", args=[support.pk]),
        request_data(village_a, bureau, amount="60000"),
        meanwhile=lambda: saved_meanwhile(support, by=committee_a, status="granted"),
    )
    page = response.content.decode()
    assert STALE_REFUSAL in page
    assert 'value="60000"' in page
    assert f"<td>{RequestStatus.GRANTED.label}</td>" in page  # the status they saved
    support.refresh_from_db()
    assert (support.status, support.amount) == ("granted", 50000)
