import pytest
from django.urls import reverse

from villagedesk.development.models import Consultation, SupportRequest
from villagedesk.directory.tests.factories import ContactFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def bureau(county):
    return OrganisationFactory(area=county, name="县农业农村局")


def test_cadre_cannot_see_requests_or_consultations_of_another_village(
    client, cadre_a, village_b, bureau
):
    request = SupportRequest.objects.create(
        village=village_b, title="修建灌溉水渠", kind="funds", body=bureau, amount=80000
    )
    Consultation.objects.create(village=village_b, organisation=bureau, asked="请求支持水渠")
    client.force_login(cadre_a)
    assert client.get(reverse("development:request-edit", args=[request.pk])).status_code == 404
    page = client.get(reverse("development:help-list")).content.decode()
    assert "修建灌溉水渠" not in page and "请求支持水渠" not in page


def test_cadre_records_a_request_and_sees_it(client, cadre_a, village_a, bureau):
    client.force_login(cadre_a)
    data = {
        "village": village_a.pk,
        "title": "产业发展资金",
        "kind": "funds",
        "body": bureau.pk,
        "amount": "50000",
        "asked_on": "2026-03-01",
        "status": "submitted",
    }
    assert client.post(reverse("development:request-create"), data).status_code == 302
    assert "产业发展资金" in client.get(reverse("development:help-list")).content.decode()


def test_a_negative_amount_is_refused(client, cadre_a, village_a, bureau):
    client.force_login(cadre_a)
    data = {"village": village_a.pk, "title": "资金", "kind": "funds", "body": bureau.pk,
            "amount": "-5", "asked_on": "2026-03-01", "status": "draft"}  # fmt: skip
    response = client.post(reverse("development:request-create"), data)
    assert response.status_code == 200
    assert not SupportRequest.objects.exists()


def test_a_consultation_needs_someone_consulted(client, cadre_a, village_a):
    client.force_login(cadre_a)
    data = {"village": village_a.pk, "held_on": "2026-03-01", "asked": "汇报村情"}
    response = client.post(reverse("development:consultation-create"), data)
    assert "Say whom the team consulted" in response.content.decode()
    assert not Consultation.objects.exists()


def test_natives_outside_the_village_are_listed(client, cadre_a, village_a):
    ContactFactory(area=village_a, name="陈乡贤", kind="native", lives_in="昆明")
    client.force_login(cadre_a)
    assert "陈乡贤" in client.get(reverse("development:help-list")).content.decode()
