import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from villagedesk.development import services
from villagedesk.development.models import Consultation, SupportRequest
from villagedesk.directory.tests.factories import ContactFactory, OrganisationFactory
from villagedesk.fieldwork.tests.factories import make_problem

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


def request_data(village, bureau, problems=()):
    return {"village": village.pk, "title": "饮水工程资金", "kind": "funds", "body": bureau.pk,
            "asked_on": "2026-03-01", "status": "submitted",
            "problems": [p.pk for p in problems]}  # fmt: skip


def test_a_request_answers_problems_of_its_village(client, cadre_a, village_a, bureau):
    pipe = make_problem(village=village_a, by=cadre_a, title="水管破裂")
    fields = make_problem(village=village_a, by=cadre_a, title="农田缺水")
    client.force_login(cadre_a)
    data = request_data(village_a, bureau, [pipe, fields])
    assert client.post(reverse("development:request-create"), data).status_code == 302
    support = SupportRequest.objects.get()
    assert set(support.problems.all()) == {pipe, fields}
    page = client.get(reverse("development:request-edit", args=[support.pk])).content.decode()
    assert "水管破裂" in page and "农田缺水" in page
    assert "水管破裂" in client.get(reverse("development:help-list")).content.decode()


def test_a_problem_of_another_village_is_refused_by_the_service(
    cadre_a, village_a, village_b, bureau
):
    elsewhere = make_problem(village=village_b, by=cadre_a, title="别村问题")
    support = SupportRequest(village=village_a, title="资金", kind="funds", body=bureau)
    with pytest.raises(ValidationError) as refused:
        services.request_save(by=cadre_a, request=support, problems=[elsewhere])
    assert "problems" in refused.value.error_dict
    assert not SupportRequest.objects.exists()


def test_the_form_refuses_a_problem_of_a_village_the_cadre_does_not_work_in(
    client, cadre_a, cadre_b, village_a, village_b, bureau
):
    elsewhere = make_problem(village=village_b, by=cadre_b, title="别村问题")
    client.force_login(cadre_a)
    response = client.post(
        reverse("development:request-create"), request_data(village_a, bureau, [elsewhere])
    )
    assert response.status_code == 200
    assert "饮水工程资金" in response.content.decode()  # what was typed is kept
    assert not SupportRequest.objects.exists()


def test_the_problem_page_loads_the_requests_answering_it(client, cadre_a, village_a, bureau):
    problem = make_problem(village=village_a, by=cadre_a, title="水管破裂")
    support = SupportRequest.objects.create(
        village=village_a, title="饮水工程资金", kind="funds", body=bureau
    )
    support.problems.add(problem)
    client.force_login(cadre_a)
    detail = client.get(problem.get_absolute_url()).content.decode()
    fragment_url = reverse("development:problem-requests", args=[problem.pk])
    assert fragment_url in detail
    assert "饮水工程资金" in client.get(fragment_url).content.decode()


def test_requests_of_another_village_problem_are_not_shown(
    client, cadre_a, cadre_b, village_b, bureau
):
    problem = make_problem(village=village_b, by=cadre_b, title="别村问题")
    url = reverse("development:problem-requests", args=[problem.pk])
    client.force_login(cadre_a)
    assert client.get(url).status_code == 404


def test_requests_and_consultations_name_their_author(cadre_a, village_a, bureau):
    request = services.request_save(
        by=cadre_a,
        request=SupportRequest(village=village_a, title="资金", kind="funds", body=bureau),
    )
    consultation = services.consultation_record(
        by=cadre_a,
        consultation=Consultation(village=village_a, organisation=bureau, asked="汇报村情"),
    )
    assert request.history.get().history_user == cadre_a
    assert consultation.history.get().history_user == cadre_a
    assert request.area_code == consultation.area_code == village_a.code


def test_a_supervisor_reads_outside_help_but_records_none(
    client, county_supervisor, village_a, bureau
):
    with pytest.raises(PermissionDenied):
        services.consultation_record(
            by=county_supervisor,
            consultation=Consultation(village=village_a, organisation=bureau, asked="汇报"),
        )
    with pytest.raises(PermissionDenied):
        services.request_save(
            by=county_supervisor,
            request=SupportRequest(village=village_a, title="资金", kind="funds", body=bureau),
        )
    client.force_login(county_supervisor)
    page = client.get(reverse("development:help-list"))
    assert page.status_code == 200
    assert reverse("development:consultation-create") not in page.content.decode()
    data = {"village": village_a.pk, "organisation": bureau.pk, "asked": "汇报村情"}
    response = client.post(reverse("development:consultation-create"), data)
    assert response.status_code == 200  # the village is not a choice
    assert not Consultation.objects.exists() and not SupportRequest.objects.exists()


def test_each_list_is_shown_a_page_at_a_time_keeping_the_others(client, cadre_a, village_a, bureau):
    for n in range(30):
        SupportRequest.objects.create(
            village=village_a, title=f"请求{n:02d}号", kind="funds", body=bureau
        )
    Consultation.objects.create(village=village_a, organisation=bureau, asked="商量水渠")
    client.force_login(cadre_a)
    url = reverse("development:help-list")
    first = client.get(url, {"village": village_a.code}).content.decode()
    shown = {n for n in range(30) if f"请求{n:02d}号" in first}
    assert len(shown) == 25
    assert "商量水渠" in first
    next_page = f'href="?village={village_a.code}&amp;requests_page=2#requests"'
    assert next_page in first
    second = client.get(url, {"village": village_a.code, "requests_page": 2}).content.decode()
    rest = {n for n in range(30) if f"请求{n:02d}号" in second}
    assert len(rest) == 5 and not rest & shown
    assert "商量水渠" in second  # the consultations keep their own first page
    assert "consultations_page=" not in second  # one page of them: no pager
