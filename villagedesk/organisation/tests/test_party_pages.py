import datetime

import pytest
from django.urls import reverse

from villagedesk.core.concurrency import form_token_new
from villagedesk.organisation import services
from villagedesk.organisation.codes import Stage
from villagedesk.organisation.models import PartyMember
from villagedesk.organisation.selectors import roster_structure, roster_structure_of
from villagedesk.organisation.tests.factories import PartyMemberFactory
from villagedesk.registry import figures
from villagedesk.registry.codes import Education
from villagedesk.registry.tests.factories import HouseholdFactory

ROSTER = reverse("organisation:member-list")
NEW = reverse("organisation:member-create")


def test_roster_lists_the_villages_members_only(client, cadre_a, village_a, village_b):
    PartyMemberFactory(village=village_a, name="大河党员")
    PartyMemberFactory(village=village_b, name="小河党员")
    client.force_login(cadre_a)
    body = client.get(ROSTER).content.decode()
    assert "大河党员" in body
    assert "小河党员" not in body


def test_member_of_another_village_is_not_found(client, cadre_a, village_b):
    member = PartyMemberFactory(village=village_b)
    client.force_login(cadre_a)
    for name in ("member-detail", "member-edit", "member-advance"):
        method = client.post if name == "member-advance" else client.get
        assert method(reverse(f"organisation:{name}", args=[member.pk])).status_code == 404


def test_a_registry_person_is_added_as_an_applicant(client, cadre_a, village_a, person_a):
    client.force_login(cadre_a)
    response = client.post(
        NEW,
        {
            "village": village_a.code,
            "person": person_a.pk,
            "stage": Stage.APPLICANT,
            "applied_on": "2024-03-01",
        },
    )
    member = PartyMember.objects.get()
    assert response.status_code == 302
    assert (member.person, member.name, member.stage) == (person_a, "张建国", Stage.APPLICANT)


def test_a_person_of_another_village_cannot_be_chosen(client, cadre_a, village_a, person_b):
    client.force_login(cadre_a)
    response = client.post(
        NEW,
        {
            "village": village_a.code,
            "person": person_b.pk,
            "stage": "applicant",
            "applied_on": "2024-03-01",
        },
    )
    assert response.status_code == 200
    assert not PartyMember.objects.exists()


def test_a_form_sent_twice_adds_one_member(client, cadre_a, village_a):
    client.force_login(cadre_a)
    data = {
        "village": village_a.code,
        "name": "李外来",
        "stage": "applicant",
        "applied_on": "2024-03-01",
        "form_token": form_token_new(),
    }
    client.post(NEW, data)
    client.post(NEW, data)
    assert PartyMember.objects.count() == 1


def test_a_rule_broken_in_the_form_is_a_message(client, cadre_a, village_a):
    client.force_login(cadre_a)
    response = client.post(
        NEW,
        {
            "village": village_a.code,
            "name": "李外来",
            "stage": "candidate",
            "applied_on": "2023-01-01",
            "activist_on": "2023-06-01",
            "candidate_on": "2024-05-31",
        },
    )
    assert response.status_code == 200
    assert "at least a year" in response.content.decode()
    assert not PartyMember.objects.exists()


def test_the_page_advances_a_member_one_stage(client, committee_a, village_a):
    member = PartyMemberFactory(
        village=village_a,
        stage=Stage.APPLICANT,
        applied_on=datetime.date(2024, 1, 5),
        probationary_on=None,
        full_on=None,
    )
    client.force_login(committee_a)
    page = client.get(member.get_absolute_url()).content.decode()
    assert f'name="stage" value="{Stage.APPLICANT}"' in page
    advance = reverse("organisation:member-advance", args=[member.pk])
    client.post(advance, {"on": "2024-02-01", "stage": Stage.APPLICANT})
    member.refresh_from_db()
    assert member.stage == Stage.ACTIVIST


def test_a_second_tap_on_advance_moves_no_further(client, committee_a, village_a):
    """The same form sent twice (a double tap, a page left open) moves the member once."""
    member = PartyMemberFactory(
        village=village_a,
        stage=Stage.ACTIVIST,
        applied_on=datetime.date(2020, 1, 5),
        activist_on=datetime.date(2020, 3, 1),
        probationary_on=None,
        full_on=None,
    )
    client.force_login(committee_a)
    advance = reverse("organisation:member-advance", args=[member.pk])
    sent = {"on": "2026-11-30", "stage": Stage.ACTIVIST}
    client.post(advance, sent)
    answer = client.post(advance, sent, follow=True)
    member.refresh_from_db()
    assert (member.stage, member.candidate_on, member.probationary_on) == (
        Stage.CANDIDATE,
        datetime.date(2026, 11, 30),
        None,
    )
    assert "already recorded as" in answer.content.decode()


def test_a_supervisor_sees_the_roster_but_cannot_add(client, county_supervisor, village_a):
    PartyMemberFactory(village=village_a, name="大河党员")
    client.force_login(county_supervisor)
    assert "大河党员" in client.get(ROSTER).content.decode()
    assert client.get(NEW).status_code == 403


def test_structure_counts_members_by_age_and_education(village_a, person_a):
    day = datetime.date(2026, 6, 1)
    PartyMemberFactory(village=village_a, person=person_a)  # born 1990-05-01: 36
    PartyMemberFactory(
        village=village_a,
        name="年轻",
        birth_date=datetime.date(1991, 6, 2),  # 34
        education=Education.BACHELOR,
    )
    PartyMemberFactory(
        village=village_a, name="正好", birth_date=datetime.date(1990, 6, 2), education=""
    )  # 35 until 2026-06-02
    PartyMemberFactory(
        village=village_a,
        name="申请",
        stage=Stage.APPLICANT,
        applied_on=datetime.date(2024, 1, 1),
        probationary_on=None,
        full_on=None,
    )
    structure = roster_structure(members=PartyMember.objects.all(), on=day)
    ages = {band.label: band.count for band in structure.ages}
    education = {band.label: band.count for band in structure.education}
    assert structure.total == 3
    assert ages["35 and under"] == 2
    assert ages["36 to 45"] == 1
    assert education["Junior secondary"] == 1
    assert education["Bachelor or above"] == 1
    assert education["Not recorded"] == 1
    assert {b.label: b.count for b in structure.stages}["Applicant"] == 1


def test_roster_page_queries_stay_few(client, cadre_a, village_a, django_assert_max_num_queries):
    for n in range(60):
        PartyMemberFactory(village=village_a, name=f"党员{n:02d}")
    client.force_login(cadre_a)
    with django_assert_max_num_queries(20):
        response = client.get(ROSTER)
    assert "党员00" in response.content.decode()
    assert "党员59" not in response.content.decode()


@pytest.mark.parametrize("inline", [2000, 0])
def test_the_structure_of_a_large_area_is_kept_until_a_member_changes(
    monkeypatch, cadre_a, village_a, inline
):
    monkeypatch.setattr(figures, "INLINE_HOUSEHOLDS", inline)
    HouseholdFactory(village=village_a)
    member = PartyMemberFactory(
        village=village_a,
        stage=Stage.APPLICANT,
        applied_on=datetime.date(2024, 1, 1),
        probationary_on=None,
        full_on=None,
    )
    PartyMemberFactory(village=village_a)

    def stages():
        structure = roster_structure_of(user=cadre_a)
        counts = {band.label: band.count for band in structure.stages}
        return counts["Applicant"], counts["Activist"], structure.total

    assert stages() == (1, 0, 1)
    member.activist_on = datetime.date(2024, 3, 1)
    member.stage = Stage.ACTIVIST
    services.party_member_save(by=cadre_a, member=member)
    assert stages() == (0, 1, 1)
