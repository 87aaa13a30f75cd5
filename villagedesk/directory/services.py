"""Writes on the directory: each checks who keeps the entry, validates and saves in one go."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from villagedesk.accounts.models import User
from villagedesk.areas.models import PointOfInterest, VillageNote
from villagedesk.directory.models import Contact, Link, LinkKind, Organisation, Position
from villagedesk.registry.identity import check_phone
from villagedesk.registry.services import require_edit


def may_keep(user: User, area_code: str) -> bool:
    """Anyone working in an area keeps its directory entries; sharing makes them read-only."""
    return any(area_code.startswith(p) for p in user.assigned_prefixes())


def require_keep(user: User, area_code: str) -> None:
    if not may_keep(user, area_code):
        raise PermissionDenied


def saved(instance) -> None:
    """Validate fields and constraints, then save; a concurrent duplicate becomes a message."""
    instance.full_clean()
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as error:
        raise ValidationError(
            _("This record changed while you were editing it. Check it and save again.")
        ) from error


def checked_phone(instance, field: str = "phone") -> None:
    try:
        setattr(instance, field, check_phone(getattr(instance, field)))
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from error


@transaction.atomic
def organisation_save(*, by: User, organisation: Organisation) -> Organisation:
    """Add or change an organisation kept by an area of the user."""
    require_keep(by, organisation.area.code)
    checked_phone(organisation)
    saved(organisation)
    return organisation


@transaction.atomic
def position_save(*, by: User, position: Position) -> Position:
    """Add or change a position in an organisation the user keeps."""
    require_keep(by, position.organisation.area_code)
    saved(position)
    return position


@transaction.atomic
def contact_save(*, by: User, contact: Contact) -> Contact:
    """Add or change a contact kept by an area of the user; the phone must be a mainland one."""
    require_keep(by, contact.area.code)
    if contact.pk:
        kept = Contact.objects.filter(pk=contact.pk).values_list("area_code", flat=True).first()
        require_keep(by, kept or "")
    checked_phone(contact)
    saved(contact)
    return contact


@transaction.atomic
def contact_delete(*, by: User, contact: Contact) -> None:
    """Remove a contact the user keeps, with its links."""
    require_keep(by, contact.area_code)
    contact.delete()


@transaction.atomic
def link_create(*, by: User, link: Link) -> Link:
    """Link two people; the user must keep the first and see the second (checked by the caller's
    selector). A link to oneself or a repeated link is refused with a message."""
    require_keep(by, link.source.area_code)
    saved(link)
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
        saved(link)
        created.append(link)
    return created


@transaction.atomic
def link_delete(*, by: User, link: Link) -> None:
    require_keep(by, link.source.area_code)
    link.delete()


@transaction.atomic
def point_save(*, by: User, point: PointOfInterest) -> PointOfInterest:
    """Add or change a point of interest of a village the user keeps the registry of."""
    require_edit(by, point.village.code)
    saved(point)
    return point


@transaction.atomic
def point_delete(*, by: User, point: PointOfInterest) -> None:
    require_edit(by, point.area_code)
    point.delete()


@transaction.atomic
def note_save(*, by: User, note: VillageNote) -> VillageNote:
    """Add or change a note on a village the user keeps the registry of."""
    require_edit(by, note.village.code)
    saved(note)
    return note
