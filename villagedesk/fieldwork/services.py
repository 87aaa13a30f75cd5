"""Writes of fieldwork. Each asks `accounts.permissions` whether the author may write in the
village, validates fully and writes in one transaction."""

import datetime
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from villagedesk.accounts import permissions
from villagedesk.accounts.models import Assignment, User
from villagedesk.accounts.permissions import Capability
from villagedesk.areas.models import Area
from villagedesk.core.photos import photo_checked
from villagedesk.core.saving import validated_save
from villagedesk.directory import services as directory
from villagedesk.directory.models import Contact
from villagedesk.fieldwork.codes import STATUS_STEPS, ProblemStatus
from villagedesk.fieldwork.models import (
    DiaryDay,
    DiaryPhoto,
    KeyGroupTag,
    PersonNote,
    Problem,
    SentKey,
    Visit,
)
from villagedesk.registry.changes import data_changed
from villagedesk.registry.models import Household, Person


def village_of(*, household: Household | None, persons: list[Person]) -> Area:
    """The one village of a household and the persons met; refuse persons from elsewhere."""
    villages = {p.household.village_id for p in persons}
    if household is not None:
        villages.add(household.village_id)
    if not villages:
        raise ValidationError({"household": _("Choose the household visited or the persons met.")})
    if len(villages) > 1:
        raise ValidationError({"persons": _("Every person met must be of the same village.")})
    return household.village if household is not None else persons[0].household.village


@transaction.atomic
def visit_record(
    *,
    by: User,
    visit: Visit,
    persons: list[Person],
    photo=None,
) -> Visit:
    """Record a visit; with no household given, persons all of one household make it the
    household visited."""
    if visit.household_id is None and persons and len({p.household_id for p in persons}) == 1:
        visit.household = persons[0].household
    visit.village = village_of(household=visit.household, persons=persons)
    permissions.require(by, Capability.RECORD_FIELDWORK, visit.village.code)
    visit.visitor = by
    if photo is not None:
        try:
            visit.photo.save("visit.jpg", photo_checked(photo), save=False)
        except ValidationError as error:
            raise ValidationError({"photo": error.messages}) from None
    validated_save(visit)
    visit.persons.set(persons)
    link_met_in_directory(visit=visit, persons=persons)
    # Visit coverage is a figure of the supervisors' roll-ups.
    data_changed([visit.village.code])
    return visit


@transaction.atomic
def visit_photo_set(*, by: User, visit: Visit, photo) -> Visit:
    """Give the visitor's own visit its photo (a field app sends it after the visit, once the
    connection allows); sending one again replaces it."""
    permissions.require(by, Capability.RECORD_FIELDWORK, visit.area_code)
    if visit.visitor_id != by.pk:
        raise PermissionDenied
    try:
        content = photo_checked(photo)
    except ValidationError as error:
        raise ValidationError({"photo": error.messages}) from None
    replaced = visit.photo.name
    storage = visit.photo.storage
    visit.photo.save("visit.jpg", content, save=False)
    validated_save(visit)
    if replaced:
        transaction.on_commit(lambda: storage.delete(replaced))
    return visit


def link_met_in_directory(*, visit: Visit, persons: list[Person]) -> None:
    """Add "met at a visit" links from the visitor's own directory entry to the entries of the
    persons met (those of the visit's village only), in the visit's transaction."""
    visitor = Contact.objects.filter(user=visit.visitor).first()
    if visitor is None or not persons:
        return
    met = Contact.objects.filter(person__in=persons, area_code=visit.area_code).order_by("pk")
    directory.met_at_visit_links(
        visitor=visitor, met=list(met), notes=f"{visit.visited_on:%Y-%m-%d}"
    )


@transaction.atomic
def visit_follow_up_done(*, by: User, visit: Visit, on: datetime.date | None = None) -> Visit:
    """Mark a visit's follow-up as done today (or on the given day)."""
    permissions.require(by, Capability.RECORD_FIELDWORK, visit.area_code)
    if not visit.follow_up:
        raise ValidationError(_("This visit has no follow-up."))
    visit.follow_up_done_on = on or timezone.localdate()
    validated_save(visit)
    return visit


@transaction.atomic
def key_groups_set(*, by: User, person: Person, groups: list[str]) -> None:
    """Make the person's key-group tags exactly the given groups."""
    permissions.require(by, Capability.RECORD_FIELDWORK, person.area_code)
    KeyGroupTag.objects.filter(person=person).exclude(group__in=groups).delete()
    present = set(KeyGroupTag.objects.filter(person=person).values_list("group", flat=True))
    for group in groups:
        if group not in present:
            tag = KeyGroupTag(person=person, group=group)
            validated_save(tag)


@transaction.atomic
def person_note_add(*, by: User, person: Person, note: PersonNote) -> PersonNote:
    """Add the team's current view of a person; earlier notes stay as its history."""
    permissions.require(by, Capability.WRITE_PEOPLE_NOTES, person.area_code)
    note.person = person
    note.recorded_by = by
    note.recorded_at = timezone.now()
    validated_save(note)
    return note


def note_team_area(*, by: User, contact: Contact) -> str:
    """The code of the area of the team whose judgement a note on a contact is: the writer's
    widest area of note writing over the contact's keeping area if there is one, else the first
    (by code) of the writer's areas of note writing. PermissionDenied when the writer has none."""
    prefixes = permissions.prefixes(by, Capability.WRITE_PEOPLE_NOTES)
    if not prefixes:
        raise PermissionDenied
    covering = [p for p in prefixes if contact.area_code.startswith(p)]
    # An area's code is its prefix padded with zeros.
    return (covering or prefixes)[0].ljust(12, "0")


@transaction.atomic
def contact_note_add(*, by: User, contact: Contact, note: PersonNote) -> PersonNote:
    """Add the writer's team's current view of a directory contact (the caller's selector has
    checked the contact is visible); earlier notes of the team stay as its history."""
    note.area_code = note_team_area(by=by, contact=contact)
    note.person = None
    note.contact = contact
    note.recorded_by = by
    note.recorded_at = timezone.now()
    validated_save(note)
    return note


def village_people(*, village: Area, households: list[Household], persons: list[Person]) -> None:
    if any(h.village_id != village.pk for h in households) or any(
        p.household.village_id != village.pk for p in persons
    ):
        raise ValidationError(
            {"persons": _("Households and persons concerned must be of the problem's village.")}
        )


def owner_works_there(problem: Problem) -> None:
    if problem.owner_id is None:
        return
    codes = {problem.village.code[:n].ljust(12, "0") for n in (2, 4, 6, 9, 12)}
    if not Assignment.objects.current().filter(user=problem.owner, area__code__in=codes).exists():
        raise ValidationError({"owner": _("The owner must work in this village or above it.")})


@transaction.atomic
def problem_create(
    *,
    by: User,
    problem: Problem,
    households: list[Household],
    persons: list[Person],
) -> Problem:
    """Register a problem in a village the user works in."""
    permissions.require(by, Capability.RECORD_FIELDWORK, problem.village.code)
    village_people(village=problem.village, households=households, persons=persons)
    owner_works_there(problem)
    problem.created_by = by
    problem.status = ProblemStatus.NEW
    validated_save(problem, by=by)
    problem.households.set(households)
    problem.persons.set(persons)
    # Open problems are a figure of the supervisors' roll-ups.
    data_changed([problem.village.code])
    return problem


@transaction.atomic
def problem_update(
    *, by: User, problem: Problem, households: list[Household], persons: list[Person]
) -> Problem:
    """Save changes to a problem's description, causes, owner and dates (not its status)."""
    permissions.require(by, Capability.RECORD_FIELDWORK, problem.village.code)
    stored = Problem.objects.get(pk=problem.pk)
    if stored.status != problem.status:
        raise ValidationError(_("Change the status with the status buttons."))
    village_people(village=problem.village, households=households, persons=persons)
    owner_works_there(problem)
    validated_save(problem, by=by)
    problem.households.set(households)
    problem.persons.set(persons)
    return problem


@transaction.atomic
def problem_move(
    *, by: User, problem: Problem, status: str, referred_to: str = "", resolution: str = ""
) -> Problem:
    """Move a problem one step along the register's workflow; skipping a step is refused.

    Work starts only once a cause is written down, a referral names the body referred to, and a
    problem is solved only with a note of what was done; solving it also closes the follow-up of
    the visit it came from.
    """
    permissions.require(by, Capability.RECORD_FIELDWORK, problem.area_code)
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    if status not in STATUS_STEPS.get(problem.status, set()):
        raise ValidationError(
            _("A problem that is %(old)s cannot become %(new)s directly.")
            % {
                "old": ProblemStatus(problem.status).label,
                "new": ProblemStatus(status).label if status in ProblemStatus.values else status,
            }
        )
    if problem.status == ProblemStatus.ANALYSING and not (
        problem.subjective_causes.strip() or problem.objective_causes.strip()
    ):
        raise ValidationError(
            _("Write down the subjective or objective causes before moving on from analysis.")
        )
    if status == ProblemStatus.REFERRED:
        problem.referred_to = referred_to.strip() or problem.referred_to
    if status == ProblemStatus.SOLVED:
        if not resolution.strip():
            raise ValidationError({"resolution": _("Write down what was done to solve it.")})
        problem.resolution = resolution.strip()
        visit = problem.visit
        if visit is not None and visit.follow_up and visit.follow_up_done_on is None:
            visit.follow_up_done_on = timezone.localdate()
            validated_save(visit)
    problem.status = status
    validated_save(problem, by=by)
    data_changed([problem.area_code])
    return problem


@transaction.atomic
def problem_answer(*, by: User, problem: Problem, answer: str) -> Problem:
    """Record the answer of the body a problem was referred to."""
    permissions.require(by, Capability.RECORD_FIELDWORK, problem.area_code)
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    if problem.status != ProblemStatus.REFERRED:
        raise ValidationError(_("Only a referred problem gets an answer."))
    if not answer.strip():
        raise ValidationError({"referral_answer": _("Write the answer received.")})
    problem.referral_answer = answer.strip()
    validated_save(problem, by=by)
    return problem


def assignment_covering(*, member: User, village: Area, day: datetime.date):
    """The member's team assignment over the village that includes the day, or None."""
    prefixes = [village.code[:n] for n in (2, 4, 6, 9, 12)]
    return (
        permissions.assignments_granting(Capability.KEEP_DIARY)
        .filter(user=member, area__code__in=[p.ljust(12, "0") for p in prefixes])
        .current(on=day)
        .first()
    )


@transaction.atomic
def diary_save(*, by: User, entry: DiaryDay, photos=(), photo_key: str = "") -> DiaryDay:
    """Save the member's own diary day; it must fall within their assignment to the village.

    Position and photos are kept only when the member adds them; nothing here asks for them.
    The first photo is kept under `photo_key`, the key the phone made for the form's sending, so
    that the phone's sending of the same photo through the API (`diary_photo_add`) finds it.
    """
    entry.member = by
    if entry.day and entry.village_id:
        if assignment_covering(member=by, village=entry.village, day=entry.day) is None:
            raise ValidationError(
                {
                    "day": _("This day is outside your assignment to %(village)s.")
                    % {"village": entry.village.display_name}
                }
            )
    checked = []
    for upload in photos:
        try:
            checked.append(photo_checked(upload))
        except ValidationError as error:
            raise ValidationError({"photos": error.messages}) from None
    validated_save(entry, by=by)
    for index, content in enumerate(checked):
        photo = DiaryPhoto(day=entry, key=photo_key if index == 0 else "")
        photo.image.save("diary.jpg", content, save=True)
    return entry


@transaction.atomic
def diary_photo_add(*, by: User, entry: DiaryDay, photo, key: str = "") -> tuple[DiaryPhoto, bool]:
    """Add a photo to the member's own diary day; returns it and whether it was added now. A
    photo already added under `key` (the phone sent it again, its answer lost; or the day's form
    sent it under that key) is returned instead of a second one."""
    if entry.member_id != by.pk:
        raise PermissionDenied
    permissions.require(by, Capability.KEEP_DIARY, entry.area_code)
    if key and (first := entry.photos.filter(key=key).first()) is not None:
        return first, False
    try:
        content = photo_checked(photo)
    except ValidationError as error:
        raise ValidationError({"photo": error.messages}) from None
    added = DiaryPhoto(day=entry, key=key)
    try:
        with transaction.atomic():
            added.image.save("diary.jpg", content, save=True)
    except IntegrityError:
        # A concurrent sending under the same key added it first.
        added.image.storage.delete(added.image.name)
        return entry.photos.get(key=key), False
    return added, True


# Records made once per key


def sent_once(*, by: User, key: str, fingerprint: str, kind: str, write: Callable[[], Model]):
    """Make a record once per key of the user: the first sending runs `write` (a service that
    records a `kind`: "visit", "problem" or "diary_day"); a later one (a retry after a lost
    answer, or a concurrent one) gets that record back. Returns the record and whether it was
    made now.

    The key is written in the record's transaction under a unique constraint: of two concurrent
    sendings, the second waits on the key, then fails to write it, and its record is rolled
    back. A key is the user's own: another user's same key is another record. The same key
    sent with another kind of record is refused, and so is the API's same key with another body
    (`fingerprint`). A web form records its key with no fingerprint ("") and checks none: the
    API's sending of the same form, or the form itself after the API's, gets the first record.
    """
    first = sent_key_get(user=by, key=key)
    if first is None:
        try:
            with transaction.atomic():
                record = write()
                SentKey.objects.create(user=by, key=key, fingerprint=fingerprint, **{kind: record})
        except IntegrityError:
            first = sent_key_get(user=by, key=key)
            if first is None:
                raise
        else:
            return record, True
    if getattr(first, f"{kind}_id") is None or (
        fingerprint and first.fingerprint and first.fingerprint != fingerprint
    ):
        raise ValidationError(
            _("This idempotency key was sent before with another request: make a new key."),
            code="key_reused",
        )
    return first.record, False


def sent_key_get(*, user: User, key: str) -> SentKey | None:
    """What the user's key made, if anything."""
    return (
        SentKey.objects.filter(user=user, key=key)
        .select_related("visit", "problem", "diary_day")
        .first()
    )
