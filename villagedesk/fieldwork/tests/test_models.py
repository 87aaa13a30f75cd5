"""Fieldwork rows keep their own area codes (the scoped bases of core), however they are written."""

import datetime

import pytest
from django.utils import timezone

from villagedesk.accounts.models import Assignment, Role
from villagedesk.directory.tests.factories import ContactFactory
from villagedesk.fieldwork import services
from villagedesk.fieldwork.codes import KeyGroup
from villagedesk.fieldwork.models import DiaryDay, KeyGroupTag, PersonNote, Problem, Visit
from villagedesk.fieldwork.tests.factories import make_problem

pytestmark = pytest.mark.django_db


def test_rows_written_in_bulk_carry_their_village_code(cadre_a, cadre_b, household_a, village_a):
    head = household_a.members.first()
    Visit.objects.bulk_create([Visit(village=village_a, household=household_a, visitor=cadre_a)])
    DiaryDay.objects.bulk_create(
        [DiaryDay(member=cadre_a, village=village_a, day=timezone.localdate())]
    )
    KeyGroupTag.objects.bulk_create([KeyGroupTag(person=head, group=KeyGroup.PARTY)])
    for model in (Visit, DiaryDay, KeyGroupTag):
        assert model.objects.get().area_code == village_a.code
        assert model.objects.visible_to(cadre_a).count() == 1
        assert not model.objects.visible_to(cadre_b).exists()


def test_a_problem_follows_its_village_when_moved(cadre_a, village_a, village_b):
    problem = make_problem(village=village_a, by=cadre_a)
    problem.village = village_b
    problem.save()
    assert Problem.objects.get().area_code == village_b.code


def test_a_note_on_a_person_is_of_the_persons_village(cadre_a, household_a, village_a):
    note = services.person_note_add(
        by=cadre_a,
        person=household_a.members.first(),
        note=PersonNote(attitude="eager", influence="high"),
    )
    assert note.area_code == village_a.code


def test_a_note_on_a_contact_is_of_the_writers_team_that_keeps_the_contact(
    cadre_a, village_a, village_b
):
    # Of two team areas, the one over the contact's keeping area is the team whose view it is.
    Assignment.objects.create(
        user=cadre_a, area=village_b, role=Role.CADRE, starts_on=datetime.date(2020, 1, 1)
    )
    contact = ContactFactory(area=village_b, name="小河村会计")
    note = services.contact_note_add(
        by=cadre_a, contact=contact, note=PersonNote(attitude="eager", influence="high")
    )
    assert PersonNote.objects.get(pk=note.pk).area_code == village_b.code
