"""Writes on the directory and the village profile: each checks that the user keeps the entry,
validates and saves in one transaction, naming the user in the record's history.

Anyone working in an area keeps its directory entries (`Capability.KEEP_DIRECTORY`); sharing
makes them read-only elsewhere. The points and notes of a village profile are kept by those who
keep the village's registry (`Capability.KEEP_REGISTRY`).
"""

from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.db.models import Q
from django.db.models.deletion import Collector
from django.utils.translation import gettext_lazy as _

from villagedesk.accounts import permissions
from villagedesk.accounts.models import User
from villagedesk.accounts.permissions import Capability
from villagedesk.areas.models import PointOfInterest, VillageNote
from villagedesk.core.photos import photo_checked
from villagedesk.core.saving import validated_save
from villagedesk.directory.figures import network_changed
from villagedesk.directory.models import Contact, Link, LinkKind, Organisation, Position
from villagedesk.registry.identity import check_phone


def checked_phone(instance, field: str = "phone") -> None:
    """Normalise a mainland phone number in place; a bad one becomes an error on its field."""
    try:
        setattr(instance, field, check_phone(getattr(instance, field)))
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from error


def kept_code(model, pk: int | None) -> str | None:
    """The area code an existing row is kept under now (before this change), None for a new row.

    Checked as well as the new area, so that nobody moves another area's entry into their own.
    """
    if pk is None:
        return None
    return model.objects.filter(pk=pk).values_list("area_code", flat=True).first() or ""


def require_keeps_directory(by: User, *codes: str | None) -> None:
    for code in codes:
        if code is not None:
            permissions.require(by, Capability.KEEP_DIRECTORY, code)


@transaction.atomic
def organisation_save(*, by: User, organisation: Organisation) -> Organisation:
    """Add or change an organisation kept by an area of the user."""
    require_keeps_directory(by, organisation.area.code, kept_code(Organisation, organisation.pk))
    checked_phone(organisation)
    validated_save(organisation, by=by)
    return organisation


@transaction.atomic
def position_save(*, by: User, position: Position) -> Position:
    """Add or change a position in an organisation the user keeps."""
    permissions.require(by, Capability.KEEP_DIRECTORY, position.organisation.area_code)
    validated_save(position, by=by)
    return position


# What a contact brings to the network: where it is kept, who sees it, what filters find it.
NETWORK_FIELDS = ("area_code", "private", "organisation_id", "tags")


@transaction.atomic
def contact_save(*, by: User, contact: Contact) -> Contact:
    """Add or change a contact kept by an area of the user; the phone must be a mainland one."""
    before = None
    if contact.pk is not None:
        before = Contact.objects.filter(pk=contact.pk).values(*NETWORK_FIELDS).first()
    kept = None if contact.pk is None else (before or {}).get("area_code", "")
    require_keeps_directory(by, contact.area.code, kept)
    checked_phone(contact)
    validated_save(contact, by=by)
    if before is None or any(before[f] != getattr(contact, f) for f in NETWORK_FIELDS):
        network_changed([contact.area_code, kept])
    return contact


def kept_elsewhere(instance) -> bool:
    """True when deleting the row would take rows of another app with it (the team's notes on
    a person, say), which the directory neither shows nor keeps a history of."""
    collector = Collector(using=router.db_for_write(type(instance)))
    collector.collect([instance])
    label = instance._meta.app_label
    if any(model._meta.app_label != label for model in collector.data):
        return True
    return any(
        rows.model._meta.app_label != label and rows.exists() for rows in collector.fast_deletes
    )


@transaction.atomic
def contact_delete(*, by: User, contact: Contact) -> None:
    """Remove a contact the user keeps, with their links; the history keeps who removed them.

    A contact that records of another part of the app still need is refused with a message.
    """
    permissions.require(by, Capability.KEEP_DIRECTORY, contact.area_code)
    if kept_elsewhere(contact):
        raise ValidationError(
            _(
                "Other records, such as the team's notes on this person, still refer to this "
                "entry; it cannot be removed."
            )
        )
    codes = {contact.area_code}
    for link in Link.objects.filter(Q(source=contact) | Q(target=contact)).select_related(
        "source", "target"
    ):
        codes |= {link.source.area_code, link.target.area_code}
        link._history_user = by
        link.delete()
    contact._history_user = by
    contact.delete()
    network_changed(codes)


@transaction.atomic
def link_create(*, by: User, link: Link) -> Link:
    """Link two people; the user must keep the first and see the second (checked by the caller's
    selector). A link to oneself or a repeated link is refused with a message."""
    permissions.require(by, Capability.KEEP_DIRECTORY, link.source.area_code)
    validated_save(link, by=by)
    network_changed([link.source.area_code, link.target.area_code])
    return link


@transaction.atomic
def met_at_visit_links(*, visitor: Contact, met: list[Contact], notes: str = "") -> list[Link]:
    """Link a visitor's own entry to each person met at a visit, once per pair.

    Called by the visit service, which has checked the visit and its village: the visitor need
    not keep the entries of the people they met. A pair already linked this way, in either
    direction, is left as it is, so recording more visits never repeats a link.
    """
    created = []
    for contact in met:
        if contact.pk == visitor.pk:
            continue
        already = Link.objects.filter(kind=LinkKind.MET_AT_VISIT).filter(
            Q(source=visitor, target=contact) | Q(source=contact, target=visitor)
        )
        if already.exists():
            continue
        link = Link(source=visitor, target=contact, kind=LinkKind.MET_AT_VISIT, notes=notes)
        validated_save(link, by=visitor.user)
        created.append(link)
    if created:
        network_changed([visitor.area_code, *(link.target.area_code for link in created)])
    return created


@transaction.atomic
def link_delete(*, by: User, link: Link) -> None:
    """Remove a link from a person the user keeps."""
    permissions.require(by, Capability.KEEP_DIRECTORY, link.source.area_code)
    link._history_user = by
    link.delete()
    network_changed([link.source.area_code, link.target.area_code])


@transaction.atomic
def point_save(*, by: User, point: PointOfInterest, photo=None) -> PointOfInterest:
    """Add or change a point of interest of a village the user keeps the registry of.

    A new photo is checked and re-encoded (size limit, no metadata) before it is stored.
    """
    permissions.require(by, Capability.KEEP_REGISTRY, point.village.code)
    kept = kept_code(PointOfInterest, point.pk)
    if kept is not None:
        permissions.require(by, Capability.KEEP_REGISTRY, kept)
    if photo is not None:
        try:
            point.photo = photo_checked(photo)
        except ValidationError as error:
            raise ValidationError({"photo": error.messages}) from error
    validated_save(point, by=by)
    return point


@transaction.atomic
def point_delete(*, by: User, point: PointOfInterest) -> None:
    """Remove a point of interest of a village the user keeps the registry of; the history keeps
    who removed it, and the photo file stays for that history."""
    permissions.require(by, Capability.KEEP_REGISTRY, point.area_code)
    point._history_user = by
    point.delete()


@transaction.atomic
def note_save(*, by: User, note: VillageNote) -> VillageNote:
    """Add or change a note on a village the user keeps the registry of."""
    permissions.require(by, Capability.KEEP_REGISTRY, note.village.code)
    kept = kept_code(VillageNote, note.pk)
    if kept is not None:
        permissions.require(by, Capability.KEEP_REGISTRY, kept)
    validated_save(note, by=by)
    return note
