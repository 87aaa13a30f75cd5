"""A Party meeting's due list comes from the Party roster on its day, and each member's
attendance at the branch's meetings is counted from the meetings recorded."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from villagedesk.governance import selectors, services
from villagedesk.governance.tests.factories import make_meeting
from villagedesk.organisation.codes import Stage
from villagedesk.organisation.tests.factories import PartyMemberFactory

pytestmark = pytest.mark.django_db
D = datetime.date
DAY = D(2026, 3, 1)


@pytest.fixture
def roster(village_a):
    """Four full members, one probationary, one who left before DAY, one applicant."""
    full = [PartyMemberFactory(village=village_a, name=name) for name in ("甲", "乙", "丙", "丁")]
    probationary = PartyMemberFactory(
        village=village_a,
        name="戊",
        stage=Stage.PROBATIONARY,
        probationary_on=D(2025, 9, 1),
        full_on=None,
    )
    PartyMemberFactory(village=village_a, name="己", left_on=D(2026, 1, 1))
    PartyMemberFactory(
        village=village_a,
        name="庚",
        stage=Stage.APPLICANT,
        applied_on=D(2025, 1, 1),
        probationary_on=None,
        full_on=None,
    )
    return full, probationary


def test_a_party_members_meeting_is_due_to_the_full_members_on_the_roster(
    cadre_a, village_a, roster
):
    full, probationary = roster
    meeting = services.meeting_save(
        by=cadre_a,
        meeting=make_meeting(
            by=cadre_a, village=village_a, kind="party_members", due=30, present=1
        ),
        party_members=[*full[:3], probationary],
    )
    assert (meeting.due, meeting.present) == (4, 3)
    assert meeting.quorate


def test_two_of_four_full_members_present_is_short_of_the_quorum(cadre_a, village_a, roster):
    full, probationary = roster
    meeting = services.meeting_save(
        by=cadre_a,
        meeting=make_meeting(
            by=cadre_a, village=village_a, kind="party_members", due=30, present=1
        ),
        party_members=[*full[:2], probationary],
    )
    assert (meeting.due, meeting.present) == (4, 2)
    assert not meeting.quorate


def test_a_party_class_is_due_to_probationary_members_too(cadre_a, village_a, roster):
    full, probationary = roster
    meeting = services.meeting_save(
        by=cadre_a,
        meeting=make_meeting(by=cadre_a, village=village_a, kind="party_class", due=30, present=1),
        party_members=[full[0], probationary],
    )
    assert (meeting.due, meeting.present) == (5, 2)


def test_a_member_not_on_the_roster_that_day_cannot_be_recorded_present(cadre_a, village_a, roster):
    left = PartyMemberFactory(village=village_a, name="辛", left_on=D(2026, 2, 1))
    meeting = make_meeting(by=cadre_a, village=village_a, kind="party_day", due=30, present=1)
    with pytest.raises(ValidationError) as caught:
        services.meeting_save(by=cadre_a, meeting=meeting, party_members=[left])
    assert "party_members" in caught.value.message_dict


def test_a_member_of_another_village_cannot_be_recorded_present(cadre_a, village_a, village_b):
    other = PartyMemberFactory(village=village_b, name="壬")
    meeting = make_meeting(by=cadre_a, village=village_a, kind="party_day", due=30, present=1)
    with pytest.raises(ValidationError):
        services.meeting_save(by=cadre_a, meeting=meeting, party_members=[other])


def test_a_typed_count_above_the_roster_is_refused(cadre_a, village_a, roster):
    with pytest.raises(ValidationError) as caught:
        make_meeting(by=cadre_a, village=village_a, kind="party_members", due=30, present=5)
    assert "present" in caught.value.message_dict


def test_a_meeting_of_another_body_names_no_party_members(cadre_a, village_a, roster):
    full, _probationary = roster
    meeting = make_meeting(by=cadre_a, village=village_a, kind="villagers", due=300, present=200)
    with pytest.raises(ValidationError):
        services.meeting_save(by=cadre_a, meeting=meeting, party_members=full)


def test_without_a_roster_the_typed_counts_stand(cadre_a, village_a):
    meeting = make_meeting(by=cadre_a, village=village_a, kind="party_members", due=30, present=20)
    assert (meeting.due, meeting.present) == (30, 20)


def test_each_members_attendance_is_counted_over_the_year(cadre_a, village_a, roster):
    full, probationary = roster
    for month, present in ((3, [full[0], full[1], probationary]), (4, [full[0]])):
        services.meeting_save(
            by=cadre_a,
            meeting=make_meeting(
                by=cadre_a,
                village=village_a,
                kind="party_day",
                held_on=D(2026, month, 1),
                due=30,
                present=1,
            ),
            party_members=present,
        )
    # A branch committee counts only for those recorded there.
    services.meeting_save(
        by=cadre_a,
        meeting=make_meeting(
            by=cadre_a, village=village_a, kind="branch_committee", due=3, present=1
        ),
        party_members=[full[2]],
    )
    rows = {
        m.name: (m.meetings_due, m.meetings_attended)
        for m in selectors.party_attendance(user=cadre_a, year=2026)
    }
    assert rows == {
        "甲": (2, 2),
        "乙": (2, 1),
        "丙": (3, 1),
        "丁": (2, 0),
        "戊": (2, 1),
    }


def test_a_member_is_due_only_while_on_the_roster(cadre_a, village_a, roster):
    leaving = PartyMemberFactory(village=village_a, name="癸", left_on=D(2026, 4, 1))
    for month in (3, 4, 5):
        make_meeting(
            by=cadre_a,
            village=village_a,
            kind="party_day",
            held_on=D(2026, month, 1),
            due=30,
            present=1,
        )
    meetings = list(selectors.party_member_meetings(member=leaving, year=2026))
    assert [m.held_on for m in meetings] == [D(2026, 3, 1)]


def test_the_attendance_page_shows_each_members_rate(client, cadre_a, village_a, roster):
    full, probationary = roster
    services.meeting_save(
        by=cadre_a,
        meeting=make_meeting(by=cadre_a, village=village_a, kind="party_day", due=30, present=1),
        party_members=[full[0]],
    )
    client.force_login(cadre_a)
    page = client.get(reverse("governance:party-attendance"), {"year": 2026}).content.decode()
    assert page.count(">100%</td>") == 1 and page.count(">0%</td>") == 4
    member_page = client.get(
        reverse("governance:party-member-attendance", args=[full[0].pk]), {"year": 2026}
    ).content.decode()
    assert "Attended 1 of 1" in member_page


def test_the_meeting_page_shows_who_of_the_roster_came(client, cadre_a, village_a, roster):
    full, probationary = roster
    meeting = services.meeting_save(
        by=cadre_a,
        meeting=make_meeting(by=cadre_a, village=village_a, kind="party_class", due=30, present=1),
        party_members=[full[0]],
    )
    client.force_login(cadre_a)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert page.count('poor">Absent') == 4 and page.count('exited">Present') == 1


def test_attendance_is_recorded_on_the_meeting_form(client, cadre_a, village_a, roster):
    full, probationary = roster
    meeting = make_meeting(by=cadre_a, village=village_a, kind="party_members", due=30, present=1)
    client.force_login(cadre_a)
    edit = reverse("governance:meeting-edit", args=[meeting.pk])
    form = client.get(edit).context["form"]
    assert set(form.fields["party_members"].queryset) == {*full, probationary}
    response = client.post(
        edit,
        {
            "village": village_a.pk,
            "kind": "party_members",
            "held_on": DAY.isoformat(),
            "chair": "王书记",
            "due": "30",
            "present": "1",
            "party_members": [m.pk for m in full],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    meeting.refresh_from_db()
    assert (meeting.due, meeting.present, meeting.quorate) == (4, 4, True)


def test_another_villages_member_attendance_is_not_found(client, cadre_a, village_b):
    other = PartyMemberFactory(village=village_b, name="壬")
    client.force_login(cadre_a)
    url = reverse("governance:party-member-attendance", args=[other.pk])
    assert client.get(url).status_code == 404
    page = client.get(reverse("governance:party-attendance")).content.decode()
    assert "壬" not in page


def test_an_applicant_has_no_attendance_page(client, cadre_a, village_a, roster):
    applicant = PartyMemberFactory(
        village=village_a,
        name="子",
        stage=Stage.APPLICANT,
        applied_on=D(2025, 1, 1),
        probationary_on=None,
        full_on=None,
    )
    client.force_login(cadre_a)
    url = reverse("governance:party-member-attendance", args=[applicant.pk])
    assert client.get(url).status_code == 404
