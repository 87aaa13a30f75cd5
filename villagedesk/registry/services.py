"""Writes on the registry: each validates, writes in one transaction and records history."""

from collections import Counter

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils.translation import gettext_lazy as _

from villagedesk.accounts import permissions
from villagedesk.accounts.models import User
from villagedesk.accounts.permissions import Capability
from villagedesk.audit import services as audit
from villagedesk.audit.models import Kind
from villagedesk.core.masking import mask_id_number
from villagedesk.core.saving import validated_save
from villagedesk.core.scoping import scope_codes_follow
from villagedesk.core.sealing import identity_hash, reseal_table, sealed_key_id
from villagedesk.registry.changes import data_changed
from villagedesk.registry.codes import FEMALE_RELATIONS, MALE_RELATIONS, Relation, Sex
from villagedesk.registry.families import derive
from villagedesk.registry.identity import identity_facts
from villagedesk.registry.models import PERSONAL_NUMBERS, Household, Person, RevealLog, Supporter


@transaction.atomic
def household_create(*, by: User, household: Household) -> Household:
    """Add a household to a village the user keeps."""
    permissions.require(by, Capability.KEEP_REGISTRY, household.village.code)
    validated_save(household, by=by)
    data_changed([household.area_code])
    return household


@transaction.atomic
def household_update(*, by: User, household: Household) -> Household:
    """Save changes to a household the user keeps; its members follow it to a new village."""
    permissions.require(by, Capability.KEEP_REGISTRY, household.village.code)
    before = Household.objects.filter(pk=household.pk).values_list("area_code", flat=True)
    data_changed([*before, household.village.code])
    validated_save(household, by=by)
    household_followed(by=by, household=household)
    return household


def household_followed(*, by: User, household: Household) -> None:
    """After a household is saved: its members, and what is kept about it and them, follow it
    to its village."""
    members = list(household.members.all())
    for member in members:
        if member.area_code != household.area_code:
            validated_save(member, by=by)
    scope_codes_follow(Household, [household.pk], household.area_code)
    scope_codes_follow(Person, [member.pk for member in members], household.area_code)


def check_identity(person: Person) -> None:
    """Check the number as its document type requires, fill sex and birth date from it where
    the document encodes them, and refuse a contradiction."""
    if not person.id_number:
        person.id_number = None
        return
    try:
        facts = identity_facts(person.id_number, document_type=person.document_type)
    except ValidationError as error:
        raise ValidationError({"id_number": error.error_list}) from None
    person.id_number = facts.number
    errors = {}
    if facts.sex and person.sex and person.sex != facts.sex:
        errors["sex"] = _("The identity number is of a %(sex)s.") % {"sex": facts.sex.label}
    if facts.birth_date and person.birth_date and person.birth_date != facts.birth_date:
        errors["birth_date"] = _("The identity number gives the birth date %(date)s.") % {
            "date": facts.birth_date.isoformat()
        }
    if errors:
        raise ValidationError(errors)
    person.sex = facts.sex or person.sex
    person.birth_date = facts.birth_date or person.birth_date


# The one answer for a number held outside the user's areas (or, in the enrolment import, held
# by no one): it neither confirms that the number is registered nor says where.
NUMBER_UNUSABLE = _("This identity number cannot be registered here; ask the county office.")


def check_number_free(*, by: User, person: Person) -> None:
    """Refuse a number another person holds: naming the household when it lies in the user's
    areas, and with NUMBER_UNUSABLE when it does not."""
    if not person.id_number:
        return
    holder = (
        Person.objects.filter(id_number_hash=identity_hash(person.id_number))
        .exclude(pk=person.pk)
        .select_related("household")
        .first()
    )
    if holder is None:
        return
    if permissions.holds(by, Capability.SEE, holder.area_code):
        raise ValidationError(
            {
                "id_number": _("This identity number is already registered in household %(param)s.")
                % {"param": holder.household.number}
            }
        )
    raise ValidationError({"id_number": NUMBER_UNUSABLE})


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
    permissions.require(by, Capability.KEEP_REGISTRY, person.household.area_code)
    check_identity(person)
    check_number_free(by=by, person=person)
    check_family(person)
    data_changed([person.area_code, person.household.area_code])
    validated_save(person, by=by)
    scope_codes_follow(Person, [person.pk], person.area_code)
    derive([person.household_id])
    person.refresh_from_db(fields=["spouse", "father", "mother"])
    return person


@transaction.atomic
def person_reveal(*, by: User, person: Person, field: str, request=None) -> str:
    """The full value of a personal number, logged; refused to users who may not reveal it."""
    if field not in PERSONAL_NUMBERS:
        raise ValueError(field)
    permissions.require(by, Capability.REVEAL, person.area_code)
    masked = mask_id_number(person.id_number or "")
    RevealLog.objects.create(user=by, person=person, person_masked=masked, field=field)
    audit.record(
        kind=Kind.REVEAL,
        user=by,
        request=request,
        area_code=person.area_code,
        object_type="registry.person",
        object_id=person.pk,
        details={"field": field, "person": masked},
    )
    return getattr(person, field) or ""


def person_history_anonymise(*, person_ids) -> int:
    """Overwrite the identity numbers, disability certificate numbers, bank account numbers and
    phones in the change history of these persons with their masked forms (PIPL art. 47: a
    deleted person's numbers are not kept). Returns the number of history rows changed."""
    fields = list(PERSONAL_NUMBERS)
    changed = []
    for row in Person.history.filter(id__in=list(person_ids)).only(*fields):
        kept = {name: getattr(row, name) for name in fields}
        for name, mask in PERSONAL_NUMBERS.items():
            if kept[name]:
                setattr(row, name, mask(kept[name]))
        if any(getattr(row, name) != kept[name] for name in fields):
            changed.append(row)
    Person.history.bulk_update(changed, fields, batch_size=1000)
    return len(changed)


@transaction.atomic
def person_delete(*, by: User, person: Person) -> None:
    """Remove a member of a household the user keeps. The history names the author and keeps
    no full number; reveal-log rows stay, naming the person by the masked number."""
    permissions.require(by, Capability.KEEP_REGISTRY, person.area_code)
    person_id, household_id = person.pk, person.household_id
    data_changed([person.area_code])
    person._history_user = by
    person.delete()
    person_history_anonymise(person_ids=[person_id])
    derive([household_id])


@transaction.atomic
def person_political_status_set(*, by: User, person: Person, status: str) -> Person:
    """Record a person's political status (the Party roster sets it as a member is admitted or
    made full), the rest of the person's record as it stands, in the history under the author.
    Only those who keep the registry over the person's village set it."""
    permissions.require(by, Capability.KEEP_REGISTRY, person.area_code)
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.political_status == status:
        return person
    person.political_status = status
    data_changed([person.area_code])
    validated_save(person, by=by)
    return person


@transaction.atomic
def supporter_save(*, by: User, supporter: Supporter) -> Supporter:
    """Add or change a legal supporter, outside the household, of a member of a household the
    user keeps."""
    permissions.require(by, Capability.KEEP_REGISTRY, supporter.household.area_code)
    validated_save(supporter, by=by)
    data_changed([supporter.household.area_code])
    return supporter


@transaction.atomic
def supporter_delete(*, by: User, supporter: Supporter) -> None:
    """Remove a legal supporter from a household the user keeps."""
    permissions.require(by, Capability.KEEP_REGISTRY, supporter.area_code)
    data_changed([supporter.area_code])
    supporter._history_user = by
    supporter.delete()


SEALED_TABLES = [Person, Person.history.model]
# The identity number, the disability certificate number, which holds it, and the bank account.
SEALED_COLUMNS = ["id_number", "disability_certificate", "bank_account"]


def identity_keys_rotate(*, batch_size: int = 5000, progress=None) -> dict[str, int]:
    """Seal again under the first key of IDENTITY_KEYS every identity, certificate and account
    number of the persons and of their history sealed under another key; returns how many per
    table.

    Idempotent and resumable: each batch commits on its own and a number already under the
    first key is left alone, so a second run (or one after an interruption) does only the rest.
    The hashes do not change: they depend on IDENTITY_HASH_KEY only.
    """
    return {
        model._meta.db_table: sum(
            reseal_table(
                connection,
                table=model._meta.db_table,
                pk=model._meta.pk.column,
                column=column,
                batch_size=batch_size,
                progress=progress,
            )
            for column in SEALED_COLUMNS
        )
        for model in SEALED_TABLES
    }


def identity_key_counts() -> dict[str, dict[str, int]]:
    """How many identity, certificate and account numbers each key id seals, per table."""
    counts = {}
    for model in SEALED_TABLES:
        table = model._meta.db_table
        counted = Counter()
        for column in SEALED_COLUMNS:
            with connection.cursor() as cursor:
                cursor.execute(
                    f'SELECT "{column}" FROM "{table}" '  # noqa: S608
                    f'WHERE "{column}" IS NOT NULL AND "{column}" <> \'\''
                )
                counted.update(sealed_key_id(value) for (value,) in cursor.fetchall())
        counts[table] = dict(counted)
    return counts
