"""Writes on the registry: each validates, writes in one transaction and records history."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from villagedesk.accounts.models import Role, User
from villagedesk.registry.codes import FEMALE_RELATIONS, MALE_RELATIONS, Relation, Sex
from villagedesk.registry.identity import identity_facts
from villagedesk.registry.models import Household, Person, RevealLog

# Roles that keep the registry: the team and the village committee; supervisors read it.
EDITING_ROLES = frozenset({Role.CADRE, Role.VILLAGE_COMMITTEE, Role.ADMINISTRATOR})


def may_edit(user: User, area_code: str) -> bool:
    return any(area_code.startswith(p) for p in user.assigned_prefixes(EDITING_ROLES))


def require_edit(user: User, area_code: str) -> None:
    if not may_edit(user, area_code):
        raise PermissionDenied


def save_checked(instance, *, by: User) -> None:
    """Validate every field and constraint, then save with the author in history."""
    instance.full_clean()
    instance._history_user = by
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as error:
        # A concurrent write got there first (a double submit): report it, save nothing.
        raise ValidationError(
            _("This record changed while you were editing it. Check it and save again.")
        ) from error


@transaction.atomic
def household_create(*, by: User, household: Household) -> Household:
    """Add a household to a village the user keeps."""
    require_edit(by, household.village.code)
    save_checked(household, by=by)
    return household


@transaction.atomic
def household_update(*, by: User, household: Household) -> Household:
    """Save changes to a household the user keeps; its members follow it to a new village."""
    require_edit(by, household.village.code)
    save_checked(household, by=by)
    for member in household.members.all():
        if member.area_code != household.area_code:
            save_checked(member, by=by)
    return household


def check_identity(person: Person) -> None:
    """Fill sex and birth date from the identity number, and refuse a contradiction."""
    if not person.id_number:
        person.id_number = None
        return
    try:
        facts = identity_facts(person.id_number)
    except ValidationError as error:
        raise ValidationError({"id_number": error.error_list}) from None
    person.id_number = facts.number
    errors = {}
    if person.sex and person.sex != facts.sex:
        errors["sex"] = _("The identity number is of a %(sex)s.") % {"sex": facts.sex.label}
    if person.birth_date and person.birth_date != facts.birth_date:
        errors["birth_date"] = _("The identity number gives the birth date %(date)s.") % {
            "date": facts.birth_date.isoformat()
        }
    if errors:
        raise ValidationError(errors)
    person.sex = facts.sex
    person.birth_date = facts.birth_date


def check_family(person: Person) -> None:
    """A relation that fixes a sex must agree with it; head and spouse are of opposite sexes."""
    errors = []
    if person.relation in MALE_RELATIONS and person.sex == Sex.FEMALE:
        errors.append(_("A %(relation)s is male.") % {"relation": person.get_relation_display()})
    if person.relation in FEMALE_RELATIONS and person.sex == Sex.MALE:
        errors.append(_("A %(relation)s is female.") % {"relation": person.get_relation_display()})
    partner_relation = {Relation.SPOUSE: Relation.HEAD, Relation.HEAD: Relation.SPOUSE}.get(
        person.relation
    )
    if partner_relation:
        partner = (
            Person.objects.filter(household_id=person.household_id, relation=partner_relation)
            .exclude(pk=person.pk)
            .first()
        )
        if partner and partner.sex == person.sex:
            errors.append(_("The head and the spouse cannot be of the same sex."))
    if errors:
        raise ValidationError({"relation": errors})


@transaction.atomic
def person_save(*, by: User, person: Person) -> Person:
    """Add or change a member of a household the user keeps."""
    require_edit(by, person.household.area_code)
    check_identity(person)
    check_family(person)
    save_checked(person, by=by)
    return person


@transaction.atomic
def person_reveal(*, by: User, person: Person, field: str) -> str:
    """The full value of a personal number, logged; refused to roles that may not reveal."""
    if field not in {"id_number", "phone"}:
        raise ValueError(field)
    if not by.may_reveal(person.area_code):
        raise PermissionDenied
    RevealLog.objects.create(user=by, person=person, field=field)
    return getattr(person, field) or ""
