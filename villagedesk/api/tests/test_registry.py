"""Households and persons through the API: scoped as the web (404 outside), paged by cursor with
the web list's filters, written through the registry's services, numbers masked unless a role
that may reveal asks, each reveal logged as the web logs it."""

import json

from villagedesk.audit.models import AuditEvent, Kind
from villagedesk.core.masking import mask_id_number
from villagedesk.registry.models import Household, RevealLog
from villagedesk.registry.tests.factories import HouseholdFactory


def post(client, path, data):
    return client.post(path, json.dumps(data), content_type="application/json")


def patch(client, path, data):
    return client.patch(path, json.dumps(data), content_type="application/json")


def test_household_list_shows_only_the_callers_village(api_for, cadre_a, homes):
    items = api_for(cadre_a).get("/api/v1/households").json()["items"]
    assert [h["id"] for h in items] == [homes["a"].pk]
    assert items[0]["head_name"] == "张秀英"
    assert items[0]["phone"] == "139****5678"


def test_household_of_another_village_is_404_like_an_unknown_one(api_for, cadre_a, homes):
    client = api_for(cadre_a)
    other = client.get(f"/api/v1/households/{homes['b'].pk}")
    unknown = client.get("/api/v1/households/999999999")
    assert other.status_code == unknown.status_code == 404
    assert other.json() == unknown.json()


def test_household_list_pages_by_cursor_without_repeats(api_for, cadre_a, village_a):
    for n in range(7):
        HouseholdFactory(village=village_a, number=f"{n:04d}")
    client = api_for(cadre_a)
    seen, cursor = [], ""
    for _ in range(5):
        page = client.get("/api/v1/households", {"limit": 3, "cursor": cursor}).json()
        seen += [h["number"] for h in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"{n:04d}" for n in range(7)]
    assert page["total"] == 7


def test_a_cursor_that_is_not_one_is_400(api_for, cadre_a, homes):
    response = api_for(cadre_a).get("/api/v1/households", {"cursor": "not-a-cursor"})
    assert response.status_code == 400
    assert response.json()["code"] == "bad_cursor"


def test_household_list_filters_as_the_web(api_for, cadre_a, village_a, homes):
    HouseholdFactory(village=village_a, number="0002", status="poor")
    client = api_for(cadre_a)
    poor = client.get("/api/v1/households", {"status": "poor"}).json()["items"]
    assert [h["number"] for h in poor] == ["0002"]
    named = client.get("/api/v1/households", {"q": "张秀英"}).json()["items"]
    assert [h["number"] for h in named] == ["0001"]


def test_an_unknown_filter_value_is_422(api_for, cadre_a, homes):
    response = api_for(cadre_a).get("/api/v1/households", {"status": "rich"})
    assert response.status_code == 422
    assert response.json()["code"] == "invalid"


def test_household_detail_masks_the_members_numbers(api_for, cadre_a, homes):
    body = api_for(cadre_a).get(f"/api/v1/households/{homes['a'].pk}").content.decode()
    head = homes["head_a"]
    assert head.id_number not in body
    assert mask_id_number(head.id_number) in body
    assert "13987654321" not in body


def test_a_reveal_shows_the_number_and_is_logged_as_on_the_web(api_for, cadre_a, homes):
    head = homes["head_a"]
    response = api_for(cadre_a).get(f"/api/v1/persons/{head.pk}", {"reveal": "id_number"})
    assert response.status_code == 200
    assert response.json()["id_number"] == head.id_number
    assert response.json()["revealed"] == ["id_number"]
    assert response.json()["phone"] == "139****4321"
    log = RevealLog.objects.get()
    assert (log.user, log.person, log.field) == (cadre_a, head, "id_number")
    assert AuditEvent.objects.filter(kind=Kind.REVEAL, object_id=str(head.pk)).count() == 1


def test_without_asking_nothing_is_revealed_nor_logged(api_for, cadre_a, homes):
    head = homes["head_a"]
    response = api_for(cadre_a).get(f"/api/v1/persons/{head.pk}")
    assert response.json()["id_number"] == mask_id_number(head.id_number)
    assert not RevealLog.objects.exists()


def test_a_committee_member_may_not_reveal(api_for, committee_a, homes):
    head = homes["head_a"]
    response = api_for(committee_a).get(f"/api/v1/persons/{head.pk}", {"reveal": "phone"})
    assert response.status_code == 403
    assert head.phone not in response.content.decode()
    assert not RevealLog.objects.exists()


def test_a_person_of_another_village_is_404_even_with_reveal(api_for, cadre_a, homes):
    response = api_for(cadre_a).get(
        f"/api/v1/persons/{homes['head_b'].pk}", {"reveal": "id_number"}
    )
    assert response.status_code == 404
    assert not RevealLog.objects.exists()


def test_household_create_goes_through_the_service(api_for, cadre_a, village_a):
    response = post(
        api_for(cadre_a),
        "/api/v1/households",
        {"village": village_a.code, "number": "0100", "address": "三组"},
    )
    assert response.status_code == 201
    household = Household.objects.get(pk=response.json()["id"])
    assert household.history.get().history_user == cadre_a


def test_household_create_in_another_village_is_404(api_for, cadre_a, village_b):
    response = post(
        api_for(cadre_a), "/api/v1/households", {"village": village_b.code, "number": "0100"}
    )
    assert response.status_code == 404
    assert not Household.objects.filter(number="0100").exists()


def test_a_supervisor_may_read_but_not_add(api_for, county_supervisor, village_a):
    response = post(
        api_for(county_supervisor),
        "/api/v1/households",
        {"village": village_a.code, "number": "0100"},
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_a_duplicate_number_is_refused_with_details(api_for, cadre_a, village_a, homes):
    response = post(
        api_for(cadre_a), "/api/v1/households", {"village": village_a.code, "number": "0001"}
    )
    assert response.status_code == 422
    assert response.json()["code"] == "refused"
    assert response.json()["details"]


def test_household_update_changes_only_what_is_sent(api_for, cadre_a, homes):
    household = homes["a"]
    response = patch(api_for(cadre_a), f"/api/v1/households/{household.pk}", {"address": "新地址"})
    assert response.status_code == 200
    household.refresh_from_db()
    assert (household.address, household.number) == ("新地址", "0001")


def test_an_update_from_a_stale_version_is_409(api_for, cadre_a, homes):
    household = homes["a"]
    client = api_for(cadre_a)
    version = client.get(f"/api/v1/households/{household.pk}").json()["version"]
    assert patch(client, f"/api/v1/households/{household.pk}", {"address": "一"}).status_code == 200
    stale = patch(
        client, f"/api/v1/households/{household.pk}", {"address": "二", "version": version}
    )
    assert stale.status_code == 409
    assert stale.json()["code"] == "edit_conflict"


def test_person_create_checks_the_identity_number(api_for, cadre_a, homes):
    response = post(
        api_for(cadre_a),
        f"/api/v1/households/{homes['a'].pk}/members",
        {
            "name": "王小明",
            "sex": "male",
            "birth_date": "2010-01-01",
            "relation": "son",
            "id_number": "530128201001010000",
        },
    )
    assert response.status_code == 422
    assert "id_number" in response.json()["details"]


def test_person_update_keeps_a_number_left_empty(api_for, cadre_a, homes):
    head = homes["head_a"]
    response = patch(
        api_for(cadre_a), f"/api/v1/persons/{head.pk}", {"name": "张秀兰", "id_number": ""}
    )
    assert response.status_code == 200
    head.refresh_from_db()
    assert head.name == "张秀兰"
    assert head.id_number
