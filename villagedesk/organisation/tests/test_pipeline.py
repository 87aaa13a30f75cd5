"""The Party's rules for joining, each at its boundary: exactly the minimum period passes, one day
less is refused. The clause of each rule is named in its test."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from villagedesk.organisation import services
from villagedesk.organisation.codes import Stage
from villagedesk.organisation.models import PartyMember, years_after
from villagedesk.organisation.tests.factories import PartyMemberFactory
from villagedesk.registry.codes import PoliticalStatus
from villagedesk.registry.models import Person

D = datetime.date


def applicant(village, person, **dates):
    return PartyMember(village=village, person=person, stage=Stage.APPLICANT, **dates)


def save(by, member):
    return services.party_member_save(by=by, member=member)


def refused_on(field, by, member):
    with pytest.raises(ValidationError) as caught:
        save(by, member)
    assert field in caught.value.message_dict, caught.value.message_dict
    return caught.value.message_dict[field]


# 党章 第一条: a person of eighteen or over may apply.


def test_applicant_of_exactly_eighteen_is_recorded(cadre_a, village_a, person_a):
    save(cadre_a, applicant(village_a, person_a, applied_on=D(2008, 5, 1)))
    assert PartyMember.objects.get().stage == Stage.APPLICANT


def test_applicant_a_day_short_of_eighteen_is_refused(cadre_a, village_a, person_a):
    refused_on("applied_on", cadre_a, applicant(village_a, person_a, applied_on=D(2008, 4, 30)))


def test_age_rule_holds_for_a_person_named_outside_the_registry(cadre_a, village_a):
    member = PartyMember(
        village=village_a,
        name="李外来",
        birth_date=D(2000, 1, 10),
        stage=Stage.APPLICANT,
        applied_on=D(2018, 1, 9),
    )
    refused_on("applied_on", cadre_a, member)


# 细则 第九条: activists are chosen from among those who have applied.


def test_activist_on_the_day_of_applying_is_refused(cadre_a, village_a, person_a):
    member = applicant(village_a, person_a, applied_on=D(2019, 1, 1), activist_on=D(2019, 1, 1))
    member.stage = Stage.ACTIVIST
    refused_on("activist_on", cadre_a, member)


def test_activist_the_day_after_applying_is_recorded(cadre_a, village_a, person_a):
    member = applicant(village_a, person_a, applied_on=D(2019, 1, 1), activist_on=D(2019, 1, 2))
    member.stage = Stage.ACTIVIST
    save(cadre_a, member)


# 细则 第十四条: a development object has had over a year of training and examination as an
# activist.


@pytest.fixture
def activist(cadre_a, village_a, person_a):
    member = applicant(village_a, person_a, applied_on=D(2019, 10, 1), activist_on=D(2020, 3, 1))
    member.stage = Stage.ACTIVIST
    return save(cadre_a, member)


def test_development_object_exactly_a_year_after_activist_is_recorded(cadre_a, activist):
    services.party_member_advance(
        by=cadre_a, member=activist, shown=activist.stage, on=D(2021, 3, 1)
    )
    activist.refresh_from_db()
    assert activist.stage == Stage.CANDIDATE
    assert activist.candidate_on == D(2021, 3, 1)


def test_development_object_a_day_short_of_a_year_is_refused(cadre_a, activist):
    with pytest.raises(ValidationError) as caught:
        services.party_member_advance(
            by=cadre_a, member=activist, shown=activist.stage, on=D(2021, 2, 28)
        )
    assert "on" in caught.value.message_dict
    activist.refresh_from_db()
    assert activist.stage == Stage.ACTIVIST


def test_a_year_from_29_february_ends_on_1_march():
    assert years_after(D(2020, 2, 29), 1) == D(2021, 3, 1)
    assert years_after(D(2020, 3, 1), 1) == D(2021, 3, 1)


# 党章 第七条: the probation lasts one year.


@pytest.fixture
def probationary(cadre_a, village_a, person_a):
    member = PartyMember(
        village=village_a, person=person_a, stage=Stage.PROBATIONARY, probationary_on=D(2022, 6, 1)
    )
    return save(cadre_a, member)


def test_full_member_exactly_a_year_after_probation_is_recorded(cadre_a, probationary):
    services.party_member_advance(
        by=cadre_a, member=probationary, shown=probationary.stage, on=D(2023, 6, 1)
    )
    probationary.refresh_from_db()
    assert probationary.stage == Stage.FULL


def test_full_member_a_day_short_of_a_year_of_probation_is_refused(cadre_a, probationary):
    with pytest.raises(ValidationError):
        services.party_member_advance(
            by=cadre_a, member=probationary, shown=probationary.stage, on=D(2023, 5, 31)
        )
    probationary.refresh_from_db()
    assert probationary.stage == Stage.PROBATIONARY


# The registry's political status follows the roster.


@pytest.fixture
def candidate(cadre_a, village_a, person_a):
    member = applicant(
        village_a,
        person_a,
        applied_on=D(2019, 10, 1),
        activist_on=D(2020, 3, 1),
        candidate_on=D(2021, 3, 1),
    )
    member.stage = Stage.CANDIDATE
    return save(cadre_a, member)


def test_admission_writes_the_probationary_status_into_the_registry(cadre_a, candidate):
    services.party_member_advance(
        by=cadre_a, member=candidate, shown=candidate.stage, on=D(2021, 9, 1)
    )
    candidate.person.refresh_from_db()
    assert candidate.person.political_status == PoliticalStatus.CPC_PROBATIONARY
    assert candidate.person.history.first().history_user == cadre_a


def test_full_membership_writes_the_member_status_into_the_registry(cadre_a, probationary):
    services.party_member_advance(
        by=cadre_a, member=probationary, shown=probationary.stage, on=D(2023, 6, 1)
    )
    probationary.person.refresh_from_db()
    assert probationary.person.political_status == PoliticalStatus.CPC_MEMBER


def test_an_activist_keeps_the_registry_status_as_it_was(cadre_a, activist):
    services.party_member_advance(
        by=cadre_a, member=activist, shown=activist.stage, on=D(2021, 3, 1)
    )
    activist.person.refresh_from_db()
    assert activist.person.political_status == ""


def test_a_refused_advance_leaves_the_registry_status_unchanged(cadre_a, probationary):
    status = PoliticalStatus.CPC_PROBATIONARY
    assert Person.objects.get(pk=probationary.person_id).political_status == status
    with pytest.raises(ValidationError):
        services.party_member_advance(
            by=cadre_a, member=probationary, shown=probationary.stage, on=D(2023, 5, 31)
        )
    assert Person.objects.get(pk=probationary.person_id).political_status == status


def test_the_status_is_written_in_the_advance_s_transaction(cadre_a, candidate, monkeypatch):
    def refused(**kwargs):
        raise ValidationError("registry refused")

    monkeypatch.setattr(services.registry, "person_political_status_set", refused)
    with pytest.raises(ValidationError):
        services.party_member_advance(
            by=cadre_a, member=candidate, shown=candidate.stage, on=D(2021, 9, 1)
        )
    candidate.refresh_from_db()
    assert candidate.stage == Stage.CANDIDATE


# Stage order: no step skipped, none dated before the one before it.


def test_a_development_object_without_the_activist_date_is_refused(cadre_a, village_a, person_a):
    member = applicant(village_a, person_a, applied_on=D(2019, 1, 1), candidate_on=D(2021, 1, 1))
    member.stage = Stage.CANDIDATE
    refused_on("activist_on", cadre_a, member)


def test_a_later_stage_date_on_an_earlier_stage_is_refused(cadre_a, village_a, person_a):
    member = applicant(village_a, person_a, applied_on=D(2019, 1, 1), activist_on=D(2019, 5, 1))
    refused_on("activist_on", cadre_a, member)


def test_admission_before_becoming_a_development_object_is_refused(cadre_a, village_a, person_a):
    member = PartyMember(
        village=village_a,
        person=person_a,
        stage=Stage.PROBATIONARY,
        candidate_on=D(2021, 5, 1),
        probationary_on=D(2021, 4, 30),
    )
    refused_on("probationary_on", cadre_a, member)


def test_advancing_moves_exactly_one_stage(cadre_a, village_a, person_a):
    member = save(cadre_a, applicant(village_a, person_a, applied_on=D(2019, 1, 1)))
    member = services.party_member_advance(
        by=cadre_a, member=member, shown=member.stage, on=D(2019, 2, 1)
    )
    assert member.stage == Stage.ACTIVIST
    assert member.candidate_on is None


def test_a_full_member_has_no_further_stage(cadre_a, village_a, person_a):
    member = PartyMemberFactory(village=village_a, person=person_a)
    with pytest.raises(ValidationError):
        services.party_member_advance(
            by=cadre_a, member=member, shown=member.stage, on=D(2020, 1, 1)
        )


def test_a_date_in_the_future_is_refused(cadre_a, activist):
    with pytest.raises(ValidationError):
        services.party_member_advance(
            by=cadre_a,
            member=activist,
            shown=activist.stage,
            on=timezone.localdate() + datetime.timedelta(days=400),
        )


def test_the_database_refuses_a_skipped_stage(village_a, person_a):
    member = applicant(village_a, person_a, applied_on=D(2019, 1, 1), candidate_on=D(2021, 1, 1))
    member.stage = Stage.CANDIDATE
    with pytest.raises(IntegrityError), transaction.atomic():
        member.save()


def test_the_database_refuses_steps_out_of_order(village_a, person_a):
    member = PartyMember(
        village=village_a,
        person=person_a,
        name=person_a.name,
        stage=Stage.FULL,
        probationary_on=D(2022, 6, 1),
        full_on=D(2022, 5, 1),
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        member.save()


def test_the_database_refuses_a_person_twice_on_the_roster(village_a, person_a):
    PartyMemberFactory(village=village_a, person=person_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        PartyMemberFactory(village=village_a, person=person_a)


# Who may write


def test_a_person_of_another_village_is_refused(cadre_a, village_a, person_b):
    refused_on("person", cadre_a, applicant(village_a, person_b, applied_on=D(2019, 1, 1)))


def test_the_team_of_another_village_may_not_record(cadre_b, village_a, person_a):
    with pytest.raises(PermissionDenied):
        save(cadre_b, applicant(village_a, person_a, applied_on=D(2019, 1, 1)))


def test_a_county_supervisor_reads_but_does_not_record(county_supervisor, village_a, person_a):
    with pytest.raises(PermissionDenied):
        save(county_supervisor, applicant(village_a, person_a, applied_on=D(2019, 1, 1)))


def test_the_village_committee_records(committee_a, village_a, person_a):
    save(committee_a, applicant(village_a, person_a, applied_on=D(2019, 1, 1)))
    assert PartyMember.objects.get().name == "张建国"


# The roll of a Party members' meeting


def test_members_due_lists_full_members_apart_from_probationary_ones(village_a, village_b):
    full = PartyMemberFactory(village=village_a, name="甲", full_on=D(2011, 7, 1))
    probation = PartyMemberFactory(
        village=village_a,
        name="乙",
        stage=Stage.PROBATIONARY,
        probationary_on=D(2024, 1, 10),
        full_on=None,
    )
    made_full_later = PartyMemberFactory(
        village=village_a, name="丙", probationary_on=D(2023, 3, 1), full_on=D(2024, 3, 1)
    )
    PartyMemberFactory(village=village_a, name="丁", left_on=D(2020, 1, 1))
    PartyMemberFactory(
        village=village_a,
        name="戊",
        stage=Stage.CANDIDATE,
        applied_on=D(2020, 1, 1),
        activist_on=D(2020, 3, 1),
        candidate_on=D(2021, 3, 1),
        probationary_on=None,
        full_on=None,
    )
    PartyMemberFactory(village=village_b, name="己")
    roll = services.party_members_due(village=village_a, on_date=D(2024, 2, 1))
    assert roll.full == [full]
    assert set(roll.probationary) == {probation, made_full_later}
    roll = services.party_members_due(village=village_a, on_date=D(2024, 3, 1))
    assert set(roll.full) == {full, made_full_later}
