"""Writes of the village organisation, and the Party roster other apps read.

Those who record the village's work (the team and the village committee, `RECORD_FIELDWORK`) keep
its organisation; supervisors read it. Each write validates fully and happens in one transaction.
"""

import dataclasses
import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from villagedesk.accounts import permissions
from villagedesk.accounts.models import User
from villagedesk.accounts.permissions import Capability
from villagedesk.areas.models import Area
from villagedesk.core.saving import validated_save
from villagedesk.organisation.codes import STAGE_DATES, Stage
from villagedesk.organisation.models import (
    GroupHousehold,
    PartyMember,
    Talent,
    TenHouseholdGroup,
    Training,
)
from villagedesk.registry import services as registry
from villagedesk.registry.changes import data_changed
from villagedesk.registry.codes import PoliticalStatus
from villagedesk.registry.models import Household, Person

# Keeping the village organisation is village work: the capability of those who record it.
KEEP = Capability.RECORD_FIELDWORK
# The registry's political status of a person the roster admits or makes full.
POLITICAL_STATUS = {
    Stage.PROBATIONARY: PoliticalStatus.CPC_PROBATIONARY,
    Stage.FULL: PoliticalStatus.CPC_MEMBER,
}


def political_status_follow(*, by: User, member: PartyMember) -> None:
    """Write the stage of a member from the registry into the person's political status there,
    through the registry's service (inside the caller's transaction)."""
    status = POLITICAL_STATUS.get(member.stage)
    if member.person_id and status and not member.left_on:
        registry.person_political_status_set(by=by, person=member.person, status=status)


@dataclasses.dataclass(frozen=True)
class PartyRoll:
    """The branch's members on a day: the full members, who vote, and the probationary members,
    who attend without a vote (党章 第七条)."""

    full: list[PartyMember]
    probationary: list[PartyMember]


def party_members_due(*, village: Area, on_date: datetime.date) -> PartyRoll:
    """The Party members of the village's branch on the day, by name: full members (made full
    on or before the day) apart from probationary ones, leaving out those who had left."""
    members = list(
        PartyMember.objects.filter(
            village=village, probationary_on__isnull=False, probationary_on__lte=on_date
        )
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=on_date))
        .select_related("person")
        .order_by("name", "id")
    )
    return PartyRoll(
        full=[m for m in members if m.is_full_on(on_date)],
        probationary=[m for m in members if not m.is_full_on(on_date)],
    )


@transaction.atomic
def party_member_save(*, by: User, member: PartyMember) -> PartyMember:
    """Record or correct a member or a person on the way to joining, in a village the user keeps.

    A member from the registry is named as the registry names them; their birth date and
    education are the registry's.
    """
    permissions.require(by, KEEP, member.village.code)
    if member.person_id:
        member.name = member.person.name
        member.birth_date = None
        member.education = ""
    if not member.away:
        member.away_place = ""
    validated_save(member, by=by)
    political_status_follow(by=by, member=member)
    # The roster's structure over a large area is kept for each state of the data.
    data_changed([member.area_code])
    return member


@transaction.atomic
def party_member_advance(
    *, by: User, member: PartyMember, on: datetime.date, shown: str
) -> PartyMember:
    """Move a person one stage along the pipeline from the stage `shown` to the user, reached on
    the given day. A stage is never skipped, and the Party's minimum periods hold (see
    `PartyMember.pipeline_errors`); a person moved on since the page was shown (a second tap)
    is not moved again. A person of the registry admitted or made full has the political
    status there changed with it, in the same transaction."""
    permissions.require(by, KEEP, member.area_code)
    member = (
        PartyMember.objects.select_for_update(of=("self",))
        .select_related("person")
        .get(pk=member.pk)
    )
    if member.stage != shown:
        raise ValidationError(
            _("This person is already recorded as %(stage)s.")
            % {"stage": member.get_stage_display()}
        )
    following = member.next_stage()
    if following is None:
        raise ValidationError(_("A full member has no further stage."))
    if member.left_on:
        raise ValidationError(_("This person has left the branch."))
    setattr(member, STAGE_DATES[following], on)
    member.stage = following
    try:
        validated_save(member, by=by)
    except ValidationError as error:
        # The message of the new stage's date is the one that explains the refusal.
        field = STAGE_DATES[following]
        if hasattr(error, "error_dict") and field in error.error_dict:
            raise ValidationError({"on": error.error_dict[field]}) from None
        raise
    political_status_follow(by=by, member=member)
    data_changed([member.area_code])
    return member


@transaction.atomic
def group_save(
    *, by: User, group: TenHouseholdGroup, households: list[Household]
) -> TenHouseholdGroup:
    """Record a ten-household group and make its households exactly those given: all of the
    group's village, none already in another group."""
    permissions.require(by, KEEP, group.village.code)
    if not households:
        raise ValidationError({"households": _("Choose the group's households.")})
    if any(h.village_id != group.village_id for h in households):
        raise ValidationError({"households": _("Every household must be of the group's village.")})
    validated_save(group, by=by)
    taken = (
        GroupHousehold.objects.select_for_update()
        .filter(household__in=households)
        .exclude(group=group)
        .select_related("household", "group")
        .order_by("household__number")
    )
    if taken:
        raise ValidationError(
            {
                "households": _("Already in another group: %(households)s.")
                % {"households": ", ".join(f"{m.household.number} ({m.group.name})" for m in taken)}
            }
        )
    GroupHousehold.objects.filter(group=group).exclude(household__in=households).delete()
    present = set(GroupHousehold.objects.filter(group=group).values_list("household", flat=True))
    for household in households:
        if household.pk not in present:
            validated_save(GroupHousehold(group=group, household=household))
    return group


@transaction.atomic
def talent_save(*, by: User, talent: Talent) -> Talent:
    """Put a registry person in the village's talent pool under one kind, or correct the entry."""
    permissions.require(by, KEEP, talent.person.area_code)
    validated_save(talent, by=by)
    return talent


@transaction.atomic
def talent_remove(*, by: User, talent: Talent) -> None:
    """Take an entry out of the talent pool."""
    permissions.require(by, KEEP, talent.area_code)
    talent._history_user = by
    talent.delete()


@transaction.atomic
def training_save(*, by: User, training: Training, attendees: list[Person]) -> Training:
    """Record a training held in a village the user keeps, with its attendees from that village."""
    permissions.require(by, KEEP, training.village.code)
    if any(p.household.village_id != training.village_id for p in attendees):
        raise ValidationError({"attendees": _("Every attendee must be of the training's village.")})
    validated_save(training, by=by)
    training.attendees.set(attendees)
    return training
