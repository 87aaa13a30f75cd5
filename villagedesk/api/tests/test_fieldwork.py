"""Visits, problems and diary days through the API: each is made once per idempotency key (a
retry, and two concurrent sendings, give one record; a key sent again with another request is
refused), lists are scoped and paged, problems move only along the register's workflow
(fieldwork's state machine), and a stale edit of a problem is refused with what is saved now."""

import json
import threading

import pytest
from django.db import connection

from villagedesk.api.tests.conftest import api_client_for
from villagedesk.fieldwork.models import Problem, SentKey, Visit
from villagedesk.fieldwork.tests.factories import make_problem, make_visit


def post(client, path, data, **headers):
    return client.post(
        path, json.dumps(data), content_type="application/json", headers=headers or None
    )


def visit_of(homes, **extra):
    return {"household": homes["a"].pk, "said": "想问慢病补助怎么申请", **extra}


def test_a_visit_is_recorded_through_the_service(api_for, cadre_a, homes):
    response = post(
        api_for(cadre_a), "/api/v1/visits", visit_of(homes), **{"Idempotency-Key": "k1"}
    )
    assert response.status_code == 201
    visit = Visit.objects.get(pk=response.json()["id"])
    assert (visit.visitor, visit.household, visit.area_code) == (
        cadre_a,
        homes["a"],
        homes["a"].area_code,
    )


def test_the_same_key_sent_again_gives_the_first_visit(api_for, cadre_a, homes):
    client = api_for(cadre_a)
    first = post(client, "/api/v1/visits", visit_of(homes), **{"Idempotency-Key": "k1"})
    again = post(client, "/api/v1/visits", visit_of(homes), **{"Idempotency-Key": "k1"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Visit.objects.count() == 1


def test_another_key_makes_another_visit(api_for, cadre_a, homes):
    client = api_for(cadre_a)
    post(client, "/api/v1/visits", visit_of(homes), **{"Idempotency-Key": "k1"})
    post(client, "/api/v1/visits", visit_of(homes), **{"Idempotency-Key": "k2"})
    assert Visit.objects.count() == 2


def test_keys_belong_to_their_user(api_for, cadre_a, village_a, homes):
    from conftest import make_user

    colleague = make_user("colleague", "cadre", village_a)
    post(api_for(cadre_a), "/api/v1/visits", visit_of(homes), **{"Idempotency-Key": "k1"})
    post(api_for(colleague), "/api/v1/visits", visit_of(homes), **{"Idempotency-Key": "k1"})
    assert Visit.objects.count() == 2


def test_a_key_sent_again_for_another_household_is_refused_and_shows_nothing(
    api_for, cadre_a, village_a, homes
):
    from villagedesk.registry.tests.factories import HouseholdFactory

    other = HouseholdFactory(village=village_a, number="0002")
    client = api_for(cadre_a)
    first = post(client, "/api/v1/visits", visit_of(homes), **{"Idempotency-Key": "k1"})
    again = post(
        client, "/api/v1/visits", visit_of(homes, household=other.pk), **{"Idempotency-Key": "k1"}
    )
    assert first.status_code == 201
    assert again.status_code == 422
    assert str(first.json()["id"]) not in again.content.decode()
    assert list(Visit.objects.values_list("household", flat=True)) == [homes["a"].pk]


def test_another_users_key_is_no_way_to_their_visit(api_for, cadre_a, village_a, homes):
    from conftest import make_user

    colleague = make_user("colleague", "cadre", village_a)
    mine = post(api_for(cadre_a), "/api/v1/visits", visit_of(homes), **{"Idempotency-Key": "k1"})
    theirs = post(
        api_for(colleague), "/api/v1/visits", visit_of(homes), **{"Idempotency-Key": "k1"}
    )
    assert theirs.status_code == 201
    assert theirs.json()["id"] != mine.json()["id"]
    assert Visit.objects.get(pk=theirs.json()["id"]).visitor == colleague


def test_a_visit_without_a_key_is_422(api_for, cadre_a, homes):
    response = post(api_for(cadre_a), "/api/v1/visits", visit_of(homes))
    assert response.status_code == 422
    assert not Visit.objects.exists()


def test_a_race_lost_on_the_key_gives_the_winners_visit(cadre_a, homes, monkeypatch):
    """The second of two concurrent sendings finds no key before writing, then fails on the
    unique key: its visit is rolled back and it answers with the first."""
    from villagedesk.fieldwork import services as fieldwork

    winner = make_visit(household=homes["a"], visitor=cadre_a)
    key = SentKey.objects.create(user=cadre_a, key="k1", fingerprint="f", visit=winner)
    lookups = iter([None, key])
    monkeypatch.setattr(fieldwork, "sent_key_get", lambda **kw: next(lookups))
    visit, made = fieldwork.sent_once(
        by=cadre_a,
        key="k1",
        fingerprint="f",
        kind="visit",
        write=lambda: fieldwork.visit_record(
            by=cadre_a, visit=Visit(household=homes["a"]), persons=[]
        ),
    )
    assert (visit, made) == (winner, False)
    assert Visit.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sendings_make_one_visit(cadre_a, homes):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every write; the race needs two connections")
    secret_client = api_client_for(cadre_a)
    barrier = threading.Barrier(2)
    answers = []

    def send():
        barrier.wait()
        answers.append(
            post(secret_client, "/api/v1/visits", visit_of(homes), **{"Idempotency-Key": "k1"})
        )
        connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(a.status_code for a in answers) == [200, 201]
    assert len({a.json()["id"] for a in answers}) == 1
    assert Visit.objects.count() == 1


def test_a_visit_to_another_village_is_404_and_nothing_is_saved(api_for, cadre_a, homes):
    response = post(
        api_for(cadre_a),
        "/api/v1/visits",
        {"household": homes["b"].pk},
        **{"Idempotency-Key": "k1"},
    )
    assert response.status_code == 404
    assert not Visit.objects.exists()


def test_a_supervisor_may_not_record_a_visit(api_for, county_supervisor, homes):
    response = post(
        api_for(county_supervisor), "/api/v1/visits", visit_of(homes), **{"Idempotency-Key": "k"}
    )
    assert response.status_code == 403


def test_the_visit_list_is_scoped_and_paged(api_for, cadre_a, cadre_b, homes):
    mine = [make_visit(household=homes["a"], visitor=cadre_a, days_ago=d) for d in range(3)]
    make_visit(household=homes["b"], visitor=cadre_b)
    client = api_for(cadre_a)
    first = client.get("/api/v1/visits", {"limit": 2}).json()
    rest = client.get("/api/v1/visits", {"limit": 2, "cursor": first["next_cursor"]}).json()
    ids = [v["id"] for v in first["items"] + rest["items"]]
    assert sorted(ids) == sorted(v.pk for v in mine)
    assert rest["next_cursor"] is None


def test_a_problem_is_registered_and_moves_one_step_at_a_time(api_for, cadre_a, village_a):
    client = api_for(cadre_a)
    created = post(
        client,
        "/api/v1/problems",
        {"village": village_a.code, "title": "饮水管道冻裂", "category": "infrastructure"},
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    assert created.json()["next_statuses"] == ["analysing"]
    skipped = post(client, f"/api/v1/problems/{pk}/move", {"status": "solved"})
    assert skipped.status_code == 422
    assert post(client, f"/api/v1/problems/{pk}/move", {"status": "analysing"}).status_code == 200
    no_cause = post(client, f"/api/v1/problems/{pk}/move", {"status": "in_progress"})
    assert no_cause.status_code == 422
    client.patch(
        f"/api/v1/problems/{pk}",
        json.dumps({"objective_causes": "管道埋得太浅"}),
        content_type="application/json",
    )
    moved = post(client, f"/api/v1/problems/{pk}/move", {"status": "in_progress"})
    assert moved.json()["status"] == "in_progress"
    assert Problem.objects.get(pk=pk).history.count() >= 3


def test_a_refused_move_says_why_in_the_callers_language(cadre_a, village_a):
    problem = make_problem(village=village_a, by=cadre_a)
    client = api_client_for(cadre_a, language="zh-Hans")
    response = post(client, f"/api/v1/problems/{problem.pk}/move", {"status": "solved"})
    assert response.status_code == 422
    assert "不能直接变为" in json.dumps(response.json()["details"], ensure_ascii=False)


def test_a_problem_of_another_village_is_404(api_for, cadre_a, cadre_b, village_b):
    problem = make_problem(village=village_b, by=cadre_b)
    client = api_for(cadre_a)
    assert client.get(f"/api/v1/problems/{problem.pk}").status_code == 404
    moved = post(client, f"/api/v1/problems/{problem.pk}/move", {"status": "analysing"})
    assert moved.status_code == 404
    problem.refresh_from_db()
    assert problem.status == "new"


def problem_of(village, **extra):
    return {"village": village.code, "title": "饮水管道冻裂", "category": "infrastructure", **extra}


def test_the_same_key_sent_again_gives_the_first_problem(api_for, cadre_a, village_a):
    client = api_for(cadre_a)
    first = post(client, "/api/v1/problems", problem_of(village_a), **{"Idempotency-Key": "p1"})
    again = post(client, "/api/v1/problems", problem_of(village_a), **{"Idempotency-Key": "p1"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    assert Problem.objects.count() == 1


def test_a_visits_key_sent_for_a_problem_is_refused(api_for, cadre_a, village_a, homes):
    client = api_for(cadre_a)
    post(client, "/api/v1/visits", visit_of(homes), **{"Idempotency-Key": "k1"})
    problem = post(client, "/api/v1/problems", problem_of(village_a), **{"Idempotency-Key": "k1"})
    assert problem.status_code == 422
    assert not Problem.objects.exists()


def test_a_problem_names_its_owner_only_among_those_who_work_there(
    api_for, cadre_a, cadre_b, village_a
):
    client = api_for(cadre_a)
    refused = post(client, "/api/v1/problems", problem_of(village_a, owner=cadre_b.pk))
    owned = post(client, "/api/v1/problems", problem_of(village_a, owner=cadre_a.pk))
    assert refused.status_code == 422 and "owner" in refused.json()["details"]
    assert owned.status_code == 201
    assert Problem.objects.get().owner == cadre_a


def test_a_stale_problem_edit_is_409_with_what_is_saved_now(api_for, cadre_a, village_a):
    problem = make_problem(village=village_a, by=cadre_a)
    client = api_for(cadre_a)
    version = problem.version

    def patch(data):
        return client.patch(
            f"/api/v1/problems/{problem.pk}", json.dumps(data), content_type="application/json"
        )

    assert patch({"title": "管道又冻裂了", "version": version}).status_code == 200
    stale = patch({"description": "三组也停水", "version": version})
    assert stale.status_code == 409
    assert stale.json()["code"] == "edit_conflict"
    current = stale.json()["details"]["current"]
    assert (current["title"], current["version"]) == ("管道又冻裂了", version + 1)
    problem.refresh_from_db()
    assert problem.description != "三组也停水"
    chosen = patch({"description": "三组也停水", "version": current["version"]})
    assert chosen.status_code == 200
    assert chosen.json()["title"] == "管道又冻裂了"


def patch_of(client, problem, data):
    return client.patch(
        f"/api/v1/problems/{problem.pk}", json.dumps(data), content_type="application/json"
    )


def test_a_problems_owner_and_people_are_changed_by_patch(api_for, cadre_a, village_a, homes):
    from conftest import make_user

    colleague = make_user("colleague", "cadre", village_a)
    problem = make_problem(village=village_a, by=cadre_a)
    sent = {"owner": colleague.pk, "households": [homes["a"].pk], "persons": [homes["head_a"].pk]}
    changed = patch_of(api_for(cadre_a), problem, {**sent, "version": problem.version})
    assert changed.status_code == 200
    assert {name: changed.json()[name] for name in sent} == {
        "owner": colleague.pk,
        "households": [homes["a"].pk],
        "persons": [homes["head_a"].pk],
    }
    problem.refresh_from_db()
    assert problem.owner == colleague
    assert list(problem.households.all()) == [homes["a"]]
    assert list(problem.persons.all()) == [homes["head_a"]]
    assert problem.history.first().history_user == cadre_a


def test_a_patch_leaving_out_people_keeps_them_and_a_null_owner_clears_it(
    api_for, cadre_a, village_a, homes
):
    problem = make_problem(village=village_a, by=cadre_a)
    problem.households.set([homes["a"]])
    problem.owner = cadre_a
    problem.save()
    changed = patch_of(api_for(cadre_a), problem, {"owner": None, "title": "管道又冻裂了"})
    assert changed.status_code == 200
    problem.refresh_from_db()
    assert (problem.owner, problem.title) == (None, "管道又冻裂了")
    assert list(problem.households.all()) == [homes["a"]]


def test_a_patch_refuses_an_owner_who_does_not_work_there(api_for, cadre_a, cadre_b, village_a):
    problem = make_problem(village=village_a, by=cadre_a)
    refused = patch_of(api_for(cadre_a), problem, {"owner": cadre_b.pk})
    assert refused.status_code == 422 and "owner" in refused.json()["details"]
    problem.refresh_from_db()
    assert problem.owner_id != cadre_b.pk


def test_a_patch_refuses_a_household_of_another_village(
    api_for, cadre_a, village_a, village_b, homes
):
    from villagedesk.accounts.models import Assignment

    Assignment.objects.create(
        user=cadre_a, area=village_b, role="cadre", starts_on=cadre_a.assignments.get().starts_on
    )
    problem = make_problem(village=village_a, by=cadre_a)
    refused = patch_of(api_for(cadre_a), problem, {"households": [homes["b"].pk]})
    assert refused.status_code == 422
    refused_person = patch_of(api_for(cadre_a), problem, {"persons": [homes["head_b"].pk]})
    assert refused_person.status_code == 422
    assert not problem.households.exists() and not problem.persons.exists()


def test_a_patch_naming_a_household_outside_the_callers_areas_is_404(
    api_for, cadre_a, village_a, homes
):
    problem = make_problem(village=village_a, by=cadre_a)
    assert patch_of(api_for(cadre_a), problem, {"households": [homes["b"].pk]}).status_code == 404
    assert not problem.households.exists()


def test_another_villages_problem_is_not_patched(api_for, cadre_a, cadre_b, village_b, homes):
    problem = make_problem(village=village_b, by=cadre_b)
    sent = {"owner": cadre_a.pk, "households": [homes["b"].pk], "title": "改了"}
    assert patch_of(api_for(cadre_a), problem, sent).status_code == 404
    problem.refresh_from_db()
    assert (problem.title, problem.owner_id) != ("改了", cadre_a.pk)
    assert not problem.households.exists()


def test_a_stale_edit_of_a_problems_people_is_409_with_those_saved_now(
    api_for, cadre_a, village_a, homes
):
    problem = make_problem(village=village_a, by=cadre_a)
    client = api_for(cadre_a)
    version = problem.version
    first = {"owner": cadre_a.pk, "households": [homes["a"].pk], "version": version}
    assert patch_of(client, problem, first).status_code == 200
    stale = patch_of(client, problem, {"households": [], "owner": None, "version": version})
    assert stale.status_code == 409
    current = stale.json()["details"]["current"]
    assert (current["owner"], current["households"], current["persons"]) == (
        cadre_a.pk,
        [homes["a"].pk],
        [],
    )
    assert current["version"] == version + 1
    assert list(problem.households.all()) == [homes["a"]]


def diary_of(village, **extra):
    from django.utils import timezone

    return {
        "village": village.code,
        "day": str(timezone.localdate()),
        "work_done": "走访五户",
        **extra,
    }


def test_a_diary_day_is_written_once_per_key(api_for, cadre_a, village_a):
    from villagedesk.fieldwork.models import DiaryDay

    client = api_for(cadre_a)
    first = post(client, "/api/v1/diary", diary_of(village_a), **{"Idempotency-Key": "d1"})
    again = post(client, "/api/v1/diary", diary_of(village_a), **{"Idempotency-Key": "d1"})
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["id"] == again.json()["id"]
    day = DiaryDay.objects.get()
    assert (day.member, day.work_done, day.history.first().history_user) == (
        cadre_a,
        "走访五户",
        cadre_a,
    )


def test_a_second_diary_entry_of_a_day_is_refused_as_the_form_refuses_it(
    api_for, cadre_a, village_a
):
    from villagedesk.fieldwork.models import DiaryDay

    client = api_for(cadre_a)
    post(client, "/api/v1/diary", diary_of(village_a), **{"Idempotency-Key": "d1"})
    second = post(client, "/api/v1/diary", diary_of(village_a), **{"Idempotency-Key": "d2"})
    away = post(
        client,
        "/api/v1/diary",
        {**diary_of(village_a), "day": "2024-01-02", "presence": "leave"},
        **{"Idempotency-Key": "d3"},
    )
    assert second.status_code == 422
    assert away.status_code == 422 and "reason" in away.json()["details"]
    assert DiaryDay.objects.count() == 1


def test_a_diary_day_in_another_village_is_404(api_for, cadre_a, village_b):
    from villagedesk.fieldwork.models import DiaryDay

    response = post(
        api_for(cadre_a), "/api/v1/diary", diary_of(village_b), **{"Idempotency-Key": "d1"}
    )
    assert response.status_code == 404
    assert not DiaryDay.objects.exists()


def jpeg(size=(2400, 1200)) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, "green").save(buffer, "JPEG")
    return buffer.getvalue()


def test_a_visit_gets_its_photo_after_it_is_sent(
    api_for, cadre_a, homes, settings, tmp_path, django_capture_on_commit_callbacks
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    client = api_for(cadre_a)
    visit = post(client, "/api/v1/visits", visit_of(homes), **{"Idempotency-Key": "k1"}).json()
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"/api/v1/visits/{visit['id']}/photo",
                {"file": SimpleUploadedFile("photo.jpg", jpeg(), "image/jpeg")},
            )
        assert response.status_code == 200
    stored = Visit.objects.get(pk=visit["id"]).photo
    assert max(Image.open(stored.path).size) == 1600
    assert len(list((tmp_path / "visits").rglob("*.jpg"))) == 1  # the first photo was replaced


def test_only_the_visitor_gives_a_visit_its_photo(api_for, cadre_a, village_a, homes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from conftest import make_user

    visit = make_visit(household=homes["a"], visitor=cadre_a)
    colleague = make_user("colleague", "cadre", village_a)
    refused = api_for(colleague).post(
        f"/api/v1/visits/{visit.pk}/photo",
        {"file": SimpleUploadedFile("photo.jpg", jpeg(), "image/jpeg")},
    )
    not_a_photo = api_for(cadre_a).post(
        f"/api/v1/visits/{visit.pk}/photo",
        {"file": SimpleUploadedFile("photo.jpg", b"not an image", "image/jpeg")},
    )
    assert refused.status_code == 403
    assert not_a_photo.status_code == 422 and "photo" in not_a_photo.json()["details"]
    assert not Visit.objects.get(pk=visit.pk).photo


def test_a_diary_photo_sent_again_under_its_key_is_added_once(
    api_for, cadre_a, village_a, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    from villagedesk.fieldwork.models import DiaryPhoto

    settings.MEDIA_ROOT = tmp_path
    client = api_for(cadre_a)
    day = post(client, "/api/v1/diary", diary_of(village_a), **{"Idempotency-Key": "d1"}).json()

    def send(**headers):
        return client.post(
            f"/api/v1/diary/{day['id']}/photos",
            {"file": SimpleUploadedFile("photo.jpg", jpeg(), "image/jpeg")},
            headers=headers,
        )

    assert [send(**{"Idempotency-Key": "p1"}).status_code for _ in range(2)] == [201, 200]
    assert max(Image.open(DiaryPhoto.objects.get().image.path).size) == 1600
    # Without a key, each sending is another photo.
    assert send().status_code == 201
    assert DiaryPhoto.objects.filter(day_id=day["id"]).count() == 2


def test_only_the_member_adds_photos_to_their_diary(
    api_for, cadre_a, village_a, settings, tmp_path
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from conftest import make_user
    from villagedesk.fieldwork.models import DiaryPhoto

    settings.MEDIA_ROOT = tmp_path
    colleague = make_user("colleague", "cadre", village_a)
    day = post(
        api_for(cadre_a), "/api/v1/diary", diary_of(village_a), **{"Idempotency-Key": "d1"}
    ).json()
    theirs = api_for(colleague).post(
        f"/api/v1/diary/{day['id']}/photos",
        {"file": SimpleUploadedFile("photo.jpg", jpeg(), "image/jpeg")},
    )
    not_a_photo = api_for(cadre_a).post(
        f"/api/v1/diary/{day['id']}/photos",
        {"file": SimpleUploadedFile("photo.jpg", b"not an image", "image/jpeg")},
    )
    assert theirs.status_code == 404
    assert not_a_photo.status_code == 422 and "photo" in not_a_photo.json()["details"]
    assert not DiaryPhoto.objects.exists()


def patch(client, path, data):
    return client.patch(path, json.dumps(data), content_type="application/json")


def test_a_diary_day_is_changed_from_the_version_it_was_read_at(api_for, cadre_a, village_a):
    from conftest import make_user
    from villagedesk.fieldwork.models import DiaryDay

    client = api_for(cadre_a)
    day = post(client, "/api/v1/diary", diary_of(village_a), **{"Idempotency-Key": "d1"}).json()
    path = f"/api/v1/diary/{day['id']}"
    changed = patch(client, path, {"work_done": "走访五户，开了小组会", "version": day["version"]})
    assert changed.status_code == 200
    assert (changed.json()["work_done"], changed.json()["version"]) == ("走访五户，开了小组会", 2)
    stale = patch(client, path, {"work_done": "只走访了两户", "version": day["version"]})
    assert stale.status_code == 409
    assert stale.json()["details"]["current"]["work_done"] == "走访五户，开了小组会"
    colleague = make_user("colleague", "cadre", village_a)
    assert patch(api_for(colleague), path, {"work_done": "别人的"}).status_code == 404
    away = patch(client, path, {"presence": "leave", "version": 2})
    assert away.status_code == 422 and "reason" in away.json()["details"]
    assert DiaryDay.objects.get().work_done == "走访五户，开了小组会"
