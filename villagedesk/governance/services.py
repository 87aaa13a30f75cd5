"""Writes on village decisions. Those who record a village's fieldwork (the team and the village
committee, `Capability.RECORD_FIELDWORK`) record its meetings, matters, tasks and notices; each
write is validated whole and names its author in the history."""

import datetime
from dataclasses import asdict, dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from villagedesk.accounts import permissions
from villagedesk.accounts.models import User
from villagedesk.accounts.permissions import Capability
from villagedesk.areas.models import Area, Level
from villagedesk.core.photos import photo_checked
from villagedesk.core.saving import validated_save
from villagedesk.governance.models import (
    BODY_OF_KIND,
    ONE_MATTER_BODY,
    PARTY_KINDS,
    PUBLIC_STEPS,
    STEP_MEETINGS,
    WHOLE_BRANCH_KINDS,
    AgendaItem,
    Briefing,
    ItemResult,
    LocalRule,
    Matter,
    MatterKind,
    MatterStep,
    Meeting,
    MeetingKind,
    MeetingPhoto,
    PublicNotice,
    Step,
    Task,
)
from villagedesk.governance.rules import LAW, Body, Count, Rule, passes, quorate
from villagedesk.organisation.models import PartyMember
from villagedesk.organisation.services import party_members_due
from villagedesk.registry.models import Person


def require_recorder(by: User, village_code: str) -> None:
    permissions.require(by, Capability.RECORD_FIELDWORK, village_code)


def require_kept(by: User, model, pk: int | None) -> None:
    """An edit must also be allowed where the row was: a row cannot be moved out of reach."""
    if pk:
        kept = model.objects.filter(pk=pk).values_list("area_code", flat=True).first()
        require_recorder(by, kept or "")


def rule_for(*, village_code: str, body: Body) -> Rule:
    """The rule of the narrowest area covering the village that sets one for the body, or else
    the law's."""
    local = [
        rule
        for rule in LocalRule.objects.filter(body=body).select_related("area")
        if village_code.startswith(rule.area.prefix)
    ]
    if not local:
        return LAW[body]
    return max(local, key=lambda rule: len(rule.area.prefix)).rule()


def meeting_rule(meeting: Meeting, *, one_matter: bool = False) -> Rule:
    body = (ONE_MATTER_BODY if one_matter else BODY_OF_KIND).get(meeting.kind, Body.OTHER)
    return rule_for(village_code=meeting.village.code, body=body)


def meeting_count(meeting: Meeting) -> Count:
    return Count(
        due=meeting.due,
        present=meeting.present,
        households=meeting.households or 0,
        households_present=meeting.households_present or 0,
    )


def item_result(item: AgendaItem) -> str:
    if not item.voted:
        return ItemResult.DISCUSSED
    rule = meeting_rule(item.meeting, one_matter=item.one_matter)
    carried = passes(rule, meeting_count(item.meeting), item.votes_for)
    return ItemResult.PASSED if carried else ItemResult.FAILED


def party_count_from_roster(meeting: Meeting, party_members: list[PartyMember] | None) -> None:
    """Check the Party members named present against the village's roster on the meeting's day,
    and, at a meeting of the whole branch where the roster is kept, take those due from it: the
    full members at a Party members' meeting, where only they vote (党章 第七条), and every
    member, probationary too, at a Party class or a themed Party day. Those present are then the
    ones named among them, once any are named."""
    roll = party_members_due(village=meeting.village, on_date=meeting.held_on)
    on_roll = {member.pk for member in roll.full + roll.probationary}
    if party_members and any(member.pk not in on_roll for member in party_members):
        raise ValidationError(
            {
                "party_members": _(
                    "Name only members on the village's Party roster on the meeting's day."
                )
            }
        )
    if meeting.kind not in WHOLE_BRANCH_KINDS:
        return
    due = roll.full if meeting.kind == MeetingKind.PARTY_MEMBERS else roll.full + roll.probationary
    if not due:
        return
    meeting.due = len(due)
    if party_members:
        due_ids = {member.pk for member in due}
        meeting.present = sum(1 for member in party_members if member.pk in due_ids)
    if meeting.present is not None and meeting.present > meeting.due:
        raise ValidationError(
            {
                "present": _(
                    "The Party roster has %(due)s members due at this meeting on that day."
                )
                % {"due": meeting.due}
            }
        )


@transaction.atomic
def meeting_save(
    *,
    by: User,
    meeting: Meeting,
    persons: list[Person] | None = None,
    contacts: list | None = None,
    party_members: list[PartyMember] | None = None,
) -> Meeting:
    """Add or update a meeting of a village the user records for, with the attendees named from
    the register, the directory and the Party roster (None leaves them as they are). Whether the
    meeting had its quorum, and each voted item's result, follow the rule in force. At a meeting
    of the whole Party branch, those due are the roster's members on the day (see
    `party_count_from_roster`)."""
    require_recorder(by, meeting.village.code)
    require_kept(by, Meeting, meeting.pk)
    if meeting.kind not in PARTY_KINDS and party_members:
        raise ValidationError(
            {"party_members": _("Party members are recorded at the Party branch's meetings.")}
        )
    if meeting.kind in PARTY_KINDS:
        party_count_from_roster(meeting, party_members)
    if persons is not None and any(p.area_code != meeting.village.code for p in persons):
        raise ValidationError({"persons": _("Attendees from the register live in the village.")})
    named = len(persons or []) + len(contacts or [])
    if named > (meeting.present or 0):
        raise ValidationError({"present": _("More attendees are named than were present.")})
    if meeting.pk:
        too_many = meeting.items.filter(votes_for__isnull=False).select_related("meeting")
        for item in too_many:
            cast = item.votes_for + item.votes_against + (item.votes_abstain or 0)
            if cast > meeting.present:
                raise ValidationError(
                    {"present": _("An item has more votes than this number present.")}
                )
    rule = meeting_rule(meeting)
    meeting.quorate = quorate(rule, meeting_count(meeting))
    meeting.clause = rule.clause
    validated_save(meeting, by=by)
    if persons is not None:
        meeting.persons.set(persons)
    if contacts is not None:
        meeting.contacts.set(contacts)
    if meeting.kind not in PARTY_KINDS:
        meeting.party_members.clear()
    elif party_members is not None:
        meeting.party_members.set(party_members)
    for item in meeting.items.all():
        result = item_result(item)
        if result != item.result:
            item.result = result
            item.save(update_fields=["result"])
    return meeting


@transaction.atomic
def item_save(*, by: User, item: AgendaItem) -> AgendaItem:
    """Add or update an agenda item with its minutes and votes. A vote that misses the majority,
    or is taken without quorum, is recorded as failed. An item that a matter's step rests on
    keeps its result: a vote changed after the step would undo it."""
    require_recorder(by, item.meeting.village.code)
    if item.pk:
        kept = AgendaItem.objects.select_related("meeting").get(pk=item.pk)
        require_recorder(by, kept.meeting.area_code)
        if kept.meeting_id != item.meeting_id:
            raise ValidationError(_("An item stays with its meeting."))
    item.result = item_result(item)
    if item.pk and item.result != ItemResult.PASSED and item.steps.exists():
        raise ValidationError(
            _("A matter's step rests on this item passing; its vote can no longer fail.")
        )
    validated_save(item, by=by)
    return item


@transaction.atomic
def meeting_photo_add(*, by: User, meeting: Meeting, kind: str, upload) -> MeetingPhoto:
    """Keep a photo of the sign-in sheet, the minutes or the meeting, re-encoded."""
    require_recorder(by, meeting.village.code)
    try:
        checked = photo_checked(upload)
    except ValidationError as error:
        raise ValidationError({"image": error.messages}) from None
    photo = MeetingPhoto(meeting=meeting, kind=kind)
    photo.image.save(checked.name, checked, save=False)
    photo.full_clean()
    photo.save()
    return photo


@transaction.atomic
def matter_save(*, by: User, matter: Matter) -> Matter:
    """Add or update a matter of a village the user records for. Once a step is done its kind
    stays, since the steps were judged by it."""
    require_recorder(by, matter.village.code)
    require_kept(by, Matter, matter.pk)
    if matter.pk:
        kept = Matter.objects.get(pk=matter.pk)
        if kept.step and (kept.kind != matter.kind or kept.village_id != matter.village_id):
            raise ValidationError(
                _("The matter has steps done: its kind and village can no longer change.")
            )
    validated_save(matter, by=by)
    return matter


@transaction.atomic
def matter_step_record(
    *,
    by: User,
    matter: Matter,
    step: str,
    done_on: datetime.date | None = None,
    item: AgendaItem | None = None,
    notice: PublicNotice | None = None,
    note: str = "",
) -> MatterStep:
    """Record the matter's next step, never another: no step is skipped, none is dated before
    the one before it. A meeting step rests on a passed item of a meeting of its kind in the
    matter's village, and is dated by the meeting; a step made public rests on a notice of the
    village, dated by its posting."""
    require_recorder(by, matter.village.code)
    matter = Matter.objects.select_for_update().get(pk=matter.pk)
    expected = matter.next_step
    if expected is None:
        raise ValidationError(_("Every step of this matter is done."))
    if step != expected:
        raise ValidationError(
            _("The next step is “%(step)s”: no step is skipped.") % {"step": expected.label}
        )
    step = Step(step)
    kinds = STEP_MEETINGS.get(step)
    if kinds:
        if item is None:
            raise ValidationError({"item": _("Choose the meeting item where this was decided.")})
        meeting = item.meeting
        if meeting.village_id != matter.village_id:
            raise ValidationError({"item": _("Choose a meeting of the matter's village.")})
        if meeting.kind not in kinds:
            raise ValidationError(
                {
                    "item": _("This step is taken by a %(kinds)s.")
                    % {"kinds": " / ".join(str(k.label) for k in sorted(kinds))}
                }
            )
        if not item.passed:
            raise ValidationError({"item": _("The item did not pass at that meeting.")})
        one_matter = matter.kind == MatterKind.ONE_MATTER
        if step == Step.RESOLUTION and item.one_matter != one_matter:
            raise ValidationError(
                {
                    "item": _(
                        "A matter of one matter, one discussion is resolved under its own rule, "
                        "and only such a matter is."
                    )
                }
            )
        done_on = meeting.held_on
    elif step in PUBLIC_STEPS:
        if notice is None:
            raise ValidationError({"notice": _("Choose the notice that made it public.")})
        if notice.village_id != matter.village_id:
            raise ValidationError({"notice": _("Choose a notice of the matter's village.")})
        done_on = notice.posted_on
    if done_on is None:
        raise ValidationError({"done_on": _("Give the date.")})
    last = matter.steps.order_by("-done_on").first()
    if last and done_on < last.done_on:
        raise ValidationError(
            {
                "done_on": _("This step cannot come before the one before it (%(day)s).")
                % {"day": last.done_on.isoformat()}
            }
        )
    done = MatterStep(
        matter=matter,
        step=step,
        done_on=done_on,
        item=item if kinds else None,
        notice=notice if step in PUBLIC_STEPS else None,
        note=note,
        recorded_by=by,
    )
    done.full_clean()
    done.save()
    matter.step = step
    validated_save(matter, by=by)
    if notice is not None and notice.matter_id is None:
        notice.matter = matter
        notice.save(update_fields=["matter"])
    return done


@transaction.atomic
def task_save(*, by: User, task: Task, evidence=None) -> Task:
    """Add or update a task from a passed resolution of the task's village. Its owner is a user
    who works in the village, or a person named; the problem it answers is of the village too."""
    require_recorder(by, task.village.code)
    require_kept(by, Task, task.pk)
    errors = {}
    if task.item_id:
        if task.item.meeting.village_id != task.village_id:
            errors["item"] = _("Choose a resolution of the task's village.")
        elif not task.item.passed:
            errors["item"] = _("Only a resolution that passed gives tasks.")
    if task.owner_id and not permissions.holds(task.owner, Capability.SEE, task.village.code):
        errors["owner"] = _("The owner must work in the task's village.")
    if task.problem_id and task.problem.village_id != task.village_id:
        errors["problem"] = _("A task answers only problems of its own village.")
    if errors:
        raise ValidationError(errors)
    if evidence is not None:
        try:
            checked = photo_checked(evidence)
        except ValidationError as error:
            raise ValidationError({"evidence": error.messages}) from None
        task.evidence.save(checked.name, checked, save=False)
    validated_save(task, by=by)
    return task


@transaction.atomic
def briefing_record(*, by: User, briefing: Briefing) -> Briefing:
    """Record a matter reported up or passed down, in the matter's village."""
    require_recorder(by, briefing.matter.village.code)
    briefing.village = briefing.matter.village
    validated_save(briefing, by=by)
    return briefing


@transaction.atomic
def notice_save(*, by: User, notice: PublicNotice, photo=None) -> PublicNotice:
    """Add or update a public notice of a village the user records for; refused when its text
    carries personal numbers or health details (see `disclosure`)."""
    require_recorder(by, notice.village.code)
    require_kept(by, PublicNotice, notice.pk)
    if notice.matter_id and notice.matter.village_id != notice.village_id:
        raise ValidationError({"matter": _("Choose a matter of the notice's village.")})
    if photo is not None:
        try:
            checked = photo_checked(photo)
        except ValidationError as error:
            raise ValidationError({"photo": error.messages}) from None
        notice.photo.save(checked.name, checked, save=False)
    validated_save(notice, by=by)
    return notice


@dataclass(frozen=True)
class RuleFigures:
    """A local rule's quorum and majority, as the rules page sends them."""

    quorum_numerator: int
    quorum_denominator: int
    quorum_more_than: bool
    majority_numerator: int
    majority_denominator: int
    majority_more_than: bool
    majority_of_all: bool


@transaction.atomic
def local_rule_set(*, by: User, area: Area, body: str, figures: RuleFigures) -> LocalRule:
    """Set the quorum and majority a province, city or county asks of one body in its villages,
    replacing the area's rule for it: only those who keep the rules over the area set it, and
    only stricter than the law or as strict, never looser (`LocalRule.clean`). Meetings already
    recorded keep the rule they were held under until they are next saved."""
    permissions.require(by, Capability.KEEP_RULES, area.code)
    if area.level > Level.COUNTY:
        raise ValidationError({"area": _("A local rule is set by a province, a city or a county.")})
    rule = LocalRule.objects.select_for_update().filter(area=area, body=body).first()
    rule = rule or LocalRule(area=area, body=body)
    for name, value in asdict(figures).items():
        setattr(rule, name, value)
    validated_save(rule, by=by)
    return rule
