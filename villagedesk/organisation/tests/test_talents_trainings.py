import datetime
import io
from decimal import Decimal

import pytest
import python_calamine
from django.core.exceptions import ValidationError
from django.urls import reverse

from villagedesk.audit.models import AuditEvent
from villagedesk.organisation import services
from villagedesk.organisation.codes import Stage, TalentKind
from villagedesk.organisation.models import Talent, Training
from villagedesk.organisation.tests.factories import GroupFactory, PartyMemberFactory
from villagedesk.registry.tests.factories import HouseholdFactory, PersonFactory


def test_talent_pool_shows_phones_masked(client, cadre_a, person_a):
    person_a.phone = "13912345678"
    person_a.save()
    services.talent_save(
        by=cadre_a,
        talent=Talent(person=person_a, kind=TalentKind.EX_SERVICEMAN, skills="驾驶"),
    )
    client.force_login(cadre_a)
    body = client.get(reverse("organisation:talent-list")).content.decode()
    assert "张建国" in body
    assert "139****5678" in body
    assert "13912345678" not in body


def test_a_person_is_tagged_once_per_kind(cadre_a, person_a):
    services.talent_save(by=cadre_a, talent=Talent(person=person_a, kind=TalentKind.GRADUATE))
    with pytest.raises(ValidationError):
        services.talent_save(by=cadre_a, talent=Talent(person=person_a, kind=TalentKind.GRADUATE))
    services.talent_save(by=cadre_a, talent=Talent(person=person_a, kind=TalentKind.RESERVE_CADRE))
    assert Talent.objects.count() == 2


def test_talents_of_another_village_are_hidden(client, cadre_a, cadre_b, person_b):
    talent = services.talent_save(
        by=cadre_b, talent=Talent(person=person_b, kind=TalentKind.ENTREPRENEUR)
    )
    client.force_login(cadre_a)
    assert "王五" not in client.get(reverse("organisation:talent-list")).content.decode()
    assert client.get(reverse("organisation:talent-edit", args=[talent.pk])).status_code == 404
    assert client.post(reverse("organisation:talent-remove", args=[talent.pk])).status_code == 404
    assert Talent.objects.count() == 1


def test_the_talent_page_adds_a_registry_person(client, committee_a, village_a, person_a):
    client.force_login(committee_a)
    response = client.post(
        reverse("organisation:talent-create"),
        {"village": village_a.code, "person": person_a.pk, "kind": "returned_worker"},
    )
    assert response.status_code == 302
    assert Talent.objects.get().person == person_a


@pytest.fixture
def training(cadre_a, village_a, person_a):
    other = PersonFactory(
        household=person_a.household, name='=HYPERLINK("http://x","点我")', relation="child"
    )
    return services.training_save(
        by=cadre_a,
        training=Training(
            village=village_a,
            topic="=1+1 党课",
            held_on=datetime.date(2026, 3, 5),
            trainer="县委党校",
            hours=Decimal("2.5"),
        ),
        attendees=[person_a, other],
    )


def test_an_attendee_of_another_village_is_refused(cadre_a, village_a, person_b):
    with pytest.raises(ValidationError):
        services.training_save(
            by=cadre_a,
            training=Training(
                village=village_a, topic="党课", held_on=datetime.date(2026, 3, 5), hours=2
            ),
            attendees=[person_b],
        )


def test_attendance_export_cells_never_start_a_formula(client, cadre_a, training):
    client.force_login(cadre_a)
    response = client.get(reverse("organisation:training-export", args=[training.pk]))
    assert "no-store" in response["Cache-Control"]
    rows = (
        python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(response.content))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert rows[0][0].startswith("'=1+1 党课")
    names = [row[1] for row in rows[2:]]
    assert "张建国" in names
    assert all(not str(cell).startswith("=") for row in rows for cell in row)
    assert AuditEvent.objects.filter(object_type="organisation.training_attendance").exists()


def test_training_of_another_village_is_not_found(client, cadre_b, training):
    client.force_login(cadre_b)
    for name in ("training-detail", "training-edit", "training-export"):
        assert client.get(reverse(f"organisation:{name}", args=[training.pk])).status_code == 404


def test_rollup_counts_each_village_and_names_no_one(
    client, county_supervisor, cadre_a, village_a, village_b, person_a, training
):
    PartyMemberFactory(village=village_a, name="甲")
    PartyMemberFactory(village=village_a, name="乙", away=True, away_place="昆明")
    PartyMemberFactory(
        village=village_b,
        name="丙",
        stage=Stage.APPLICANT,
        applied_on=datetime.date(2024, 1, 1),
        probationary_on=None,
        full_on=None,
    )
    household = HouseholdFactory(village=village_a, number="A-100")
    services.group_save(
        by=cadre_a, group=GroupFactory.build(village=village_a), households=[household]
    )
    client.force_login(county_supervisor)
    response = client.get(reverse("organisation:rollup"), {"year": "2026"})
    rows = {row["village"].code: row for row in response.context["rows"]}
    a, b = rows[village_a.code], rows[village_b.code]
    assert [s["count"] for s in a["stages"]] == [0, 0, 0, 0, 2]
    assert [s["count"] for s in b["stages"]] == [1, 0, 0, 0, 0]
    assert (a["away"], a["groups"], a["grouped"], a["households"]) == (1, 1, 1, 2)
    assert a["percent"] == 50
    assert (a["trainings"], b["trainings"]) == (1, 0)
    body = response.content.decode()
    assert "甲" not in body and "张建国" not in body


def test_committee_sees_only_its_own_village_in_the_rollup(client, committee_a, village_b):
    client.force_login(committee_a)
    response = client.get(reverse("organisation:rollup"))
    assert [row["village"].code for row in response.context["rows"]] == ["530128100001"]
