"""A form sent on a weak signal carries a key made on the phone (`offline_key`); when its answer is
lost, the phone sends the same form through the API under that key. Whichever arrives second
gets the record the first made: a visit, a problem or a diary day is made once, whatever the
way. Keys are their user's own, and a key is for one kind of record."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from villagedesk.core.concurrency import form_token_new
from villagedesk.fieldwork.models import DiaryDay, Problem, SentKey, Visit
from villagedesk.fieldwork.tests.test_views import visit_data

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate().isoformat()
KEY = "5b0f1c9e-4a7d-4f2e-9c1b-2d3e4f5a6b7c"

# For each kind: the web form's address and fields, the API's address and body, the records.
KINDS = {
    "visit": (
        lambda h: reverse("fieldwork:visit-create"),
        lambda h: visit_data(h),
        "/api/v1/visits",
        lambda h: {"household": h.pk, "said": "老人腿脚不便，希望办理慢病卡"},
        Visit.objects.all,
    ),
    "problem": (
        lambda h: reverse("fieldwork:problem-create"),
        lambda h: {
            "village": h.area_code,
            "title": "村口路灯坏了",
            "category": "infrastructure",
            "urgency": "normal",
            "solvable": "locally",
        },
        "/api/v1/problems",
        lambda h: {"village": h.area_code, "title": "村口路灯坏了", "category": "infrastructure"},
        Problem.objects.all,
    ),
    "diary day": (
        lambda h: reverse("fieldwork:diary-edit", args=[TODAY]),
        lambda h: {"village": h.area_code, "presence": "in_village", "work_done": "走访"},
        "/api/v1/diary",
        lambda h: {"village": h.area_code, "day": TODAY, "work_done": "走访"},
        DiaryDay.objects.all,
    ),
}


def api_post(client, path, data, key):
    return client.post(
        path, json.dumps(data), content_type="application/json", headers={"Idempotency-Key": key}
    )


@pytest.mark.parametrize("kind", KINDS)
def test_the_form_saved_then_sent_again_through_the_api_is_one_record(
    client, cadre_a, household_a, kind
):
    url, form, api, body, records = KINDS[kind]
    client.force_login(cadre_a)
    web = client.post(url(household_a), {**form(household_a), "offline_key": KEY})
    assert web.status_code == 302
    made = records().get()
    again = api_post(client, api, body(household_a), KEY)
    assert (again.status_code, again.json()["id"]) == (200, made.pk)
    assert records().count() == 1


@pytest.mark.parametrize("kind", KINDS)
def test_the_form_arriving_after_the_api_sending_leads_to_its_record(
    client, cadre_a, household_a, kind
):
    url, form, api, body, records = KINDS[kind]
    client.force_login(cadre_a)
    first = api_post(client, api, body(household_a), KEY)
    assert first.status_code == 201
    # The form as the phone sent it: from the page of a new record, with its one-time token.
    sent = {**form(household_a), "offline_key": KEY, "form_token": form_token_new()}
    late = client.post(url(household_a), sent, follow=True)
    assert records().count() == 1
    assert "saved only once" in late.content.decode()


def test_the_same_key_sent_twice_by_the_form_is_one_visit(client, cadre_a, household_a):
    client.force_login(cadre_a)
    url = reverse("fieldwork:visit-create")
    first = client.post(url, {**visit_data(household_a), "offline_key": KEY})
    # A fresh form token: only the key tells it is the same sending.
    again = client.post(url, {**visit_data(household_a), "offline_key": KEY})
    assert Visit.objects.count() == 1
    assert again.status_code == 302 and again.url == first.url


def test_another_users_same_key_is_their_own_record(client, cadre_a, village_a, household_a):
    colleague = make_user("colleague", "cadre", village_a)
    client.force_login(cadre_a)
    client.post(reverse("fieldwork:visit-create"), {**visit_data(household_a), "offline_key": KEY})
    client.force_login(colleague)
    theirs = api_post(client, "/api/v1/visits", {"household": household_a.pk}, KEY)
    assert theirs.status_code == 201
    assert sorted(Visit.objects.values_list("visitor__username", flat=True)) == [
        "cadre_a",
        "colleague",
    ]


def test_a_key_of_a_visit_is_refused_for_a_problem(client, cadre_a, household_a):
    _url, form, api, body, _records = KINDS["problem"]
    client.force_login(cadre_a)
    client.post(reverse("fieldwork:visit-create"), {**visit_data(household_a), "offline_key": KEY})
    web = client.post(
        reverse("fieldwork:problem-create"), {**form(household_a), "offline_key": KEY}
    )
    assert web.status_code == 200
    assert "another request" in web.content.decode()
    assert api_post(client, api, body(household_a), KEY).status_code == 422
    assert not Problem.objects.exists()
    assert SentKey.objects.get().visit == Visit.objects.get()


def test_a_form_shown_again_with_errors_keeps_its_key_good(client, cadre_a, household_a):
    client.force_login(cadre_a)
    url = reverse("fieldwork:visit-create")
    refused = client.post(url, {**visit_data(household_a, follow_up=""), "offline_key": KEY})
    assert refused.status_code == 200
    # The page says which sending it answers, for the phone to forget what it kept of it.
    assert f'name="offline_key" value="{KEY}"' in refused.content.decode()
    assert not SentKey.objects.exists()
    client.post(url, {**visit_data(household_a), "offline_key": KEY})
    assert SentKey.objects.get(key=KEY).visit == Visit.objects.get()


def test_a_key_not_of_the_phones_shape_is_not_kept(client, cadre_a, household_a):
    client.force_login(cadre_a)
    url = reverse("fieldwork:visit-create")
    response = client.post(url, {**visit_data(household_a), "offline_key": "<a key>"})
    assert response.status_code == 302
    assert Visit.objects.count() == 1 and not SentKey.objects.exists()


def test_the_diary_forms_photo_sent_again_through_the_api_is_one_photo(
    client, cadre_a, household_a, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from villagedesk.api.tests.test_fieldwork import jpeg

    settings.MEDIA_ROOT = tmp_path
    url, form, _api, _body, _records = KINDS["diary day"]
    client.force_login(cadre_a)
    photo = SimpleUploadedFile("photo.jpg", jpeg(), "image/jpeg")
    client.post(url(household_a), {**form(household_a), "offline_key": KEY, "photos": photo})
    day = DiaryDay.objects.get()
    again = client.post(
        f"/api/v1/diary/{day.pk}/photos",
        {"file": SimpleUploadedFile("photo.jpg", jpeg(), "image/jpeg")},
        headers={"Idempotency-Key": KEY},
    )
    assert again.status_code == 200
    assert day.photos.count() == 1
