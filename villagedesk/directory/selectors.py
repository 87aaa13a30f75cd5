"""Scoped reads of the directory. Every function takes the user and sees only what they may."""

from dataclasses import dataclass

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404

from villagedesk.accounts import permissions
from villagedesk.accounts.models import User
from villagedesk.accounts.permissions import Capability
from villagedesk.areas.models import (
    PREFIX_LENGTH,
    Area,
    Level,
    PoiCategory,
    PointOfInterest,
    VillageNote,
)
from villagedesk.core.scoping import get_visible_or_404, prefix_match
from villagedesk.directory import figures
from villagedesk.directory.models import (
    Contact,
    Link,
    NetworkRank,
    Organisation,
    Position,
)
from villagedesk.directory.search import contact_match, organisation_match
from villagedesk.registry.models import Person


@dataclass(frozen=True)
class ContactFilters:
    q: str = ""
    kind: str = ""
    organisation: int | None = None
    tag: str = ""


def keeping_area_list(*, user: User) -> QuerySet[Area]:
    """Areas the user may keep entries for: from the county down, wherever they keep the
    directory."""
    return (
        Area.objects.within(permissions.prefixes(user, Capability.KEEP_DIRECTORY))
        .filter(level__gte=Level.COUNTY)
        .order_by("code")
    )


def may_keep(*, user: User, entry) -> bool:
    """True when the user keeps this directory entry (else it is theirs to read only)."""
    return permissions.holds(user, Capability.KEEP_DIRECTORY, entry.area_code)


def may_keep_profile(*, user: User, area: Area) -> bool:
    """True when the area is a village whose profile (points and notes) the user keeps."""
    return area.is_village and permissions.holds(user, Capability.KEEP_REGISTRY, area.code)


def may_see_phones(*, user: User) -> bool:
    """Phones are shown in full to those who may see personal numbers, masked to others."""
    return permissions.holds_anywhere(user, Capability.REVEAL)


def organisation_list(*, user: User, q: str = "") -> QuerySet[Organisation]:
    """Organisations the user sees, with the number of visible people in each."""
    organisations = Organisation.objects.visible_to(user)
    match = organisation_match(q)
    if match is not None:
        organisations = organisations.filter(match)
    visible_people = Contact.objects.visible_to(user).values("pk")
    return organisations.select_related("area", "parent").annotate(
        people=Count("contacts", filter=Q(contacts__in=visible_people))
    )


def organisation_choices(*, user: User) -> QuerySet[Organisation]:
    """Organisations the user sees, as a select offers them: each its id and name, in the
    usual order, without the count of people that a list shows."""
    return Organisation.objects.visible_to(user).only("id", "name")


def organisation_get(*, user: User, pk: int) -> Organisation:
    """One organisation the user sees; 404 otherwise (a private one of another area included)."""
    return get_visible_or_404(
        Organisation.objects.select_related("area", "parent"), user=user, pk=pk
    )


def position_list(*, organisation: Organisation) -> QuerySet[Position]:
    return organisation.positions.all()


def contact_list(*, user: User, filters: ContactFilters | None = None) -> QuerySet[Contact]:
    """Contacts the user sees, filtered, with organisation and position joined."""
    filters = filters or ContactFilters()
    contacts = Contact.objects.visible_to(user)
    match = contact_match(filters.q)
    if match is not None:
        contacts = contacts.filter(match)
    if filters.kind:
        contacts = contacts.filter(kind=filters.kind)
    if filters.organisation:
        contacts = contacts.filter(organisation_id=filters.organisation)
    if filters.tag:
        contacts = contacts.filter(tags__contains=filters.tag)
    return contacts.select_related("organisation", "position", "area")


def contact_get(*, user: User, pk: int) -> Contact:
    """One contact the user sees; 404 otherwise (a private entry of another area included)."""
    return get_visible_or_404(
        Contact.objects.select_related("organisation", "position", "area"), user=user, pk=pk
    )


def registry_person_choices(*, user: User, contact: Contact) -> QuerySet[Person]:
    """Registry persons a contact may be tied to: those of the villages the user keeps the
    directory of (a village's own list, not a county's), and the one already tied."""
    villages = [p for p in permissions.prefixes(user, Capability.KEEP_DIRECTORY) if len(p) == 12]
    persons = Person.objects.filter(area_code__in=villages)
    if contact.person_id:
        persons = persons | Person.objects.filter(pk=contact.person_id)
    return persons.select_related("household").order_by("household__number", "name")


def contact_registry_person(*, user: User, contact: Contact) -> Person | None:
    """The registry person a contact is tied to, when the user's areas include them (a shared
    entry is seen county-wide; the registry only within the village's own scope)."""
    if not contact.person_id:
        return None
    return (
        Person.objects.visible_to(user)
        .select_related("household")
        .filter(pk=contact.person_id)
        .first()
    )


def link_list(*, user: User, contact: Contact | None = None) -> QuerySet[Link]:
    """Links whose two ends the user both sees, optionally those touching one contact."""
    visible = Contact.objects.visible_to(user).values("pk")
    links = Link.objects.filter(source__in=visible, target__in=visible)
    if contact is not None:
        links = links.filter(Q(source=contact) | Q(target=contact))
    return links.select_related("source", "target")


def link_get(*, user: User, pk: int) -> Link:
    """One link whose two ends the user sees; 404 otherwise."""
    link = link_list(user=user).filter(pk=pk).first()
    if link is None:
        raise Http404
    return link


@dataclass(frozen=True)
class NetworkFilters:
    organisation: int | None = None
    tag: str = ""
    centre: int | None = None
    distance: int = 2


def network_reading(*, user: User, filters: NetworkFilters | None = None) -> figures.Reading:
    """The stored figures of the network the user sees, cut by the filters: up to date, or the
    last ones (or none yet) while the worker computes new ones.

    Ranking is computed on the part shown, so that "whom to meet first" answers the question
    asked; the people are those the user sees (a private entry of another area never is).
    """
    filters = filters or NetworkFilters()
    spec = figures.spec_for(
        user.area_prefixes(),
        organisation=filters.organisation,
        tag=filters.tag,
        centre=filters.centre,
        distance=filters.distance,
    )
    return figures.reading(spec)


def at_or_above(prefixes, field: str = "area_code") -> Q:
    """A filter for codes inside the areas of the prefixes or of an area above one of them (the
    township and the county of a village): the places whose people concern those who work there.
    """
    if not prefixes:
        return Q(pk__in=[])
    above = {
        prefix[:digits].ljust(12, "0")
        for prefix in prefixes
        for digits in PREFIX_LENGTH.values()
        if digits < len(prefix)
    }
    return Q(**{f"{field}__in": sorted(above)}) | prefix_match(prefixes, field)


def network_ranks(
    *, user: User, reading: figures.Reading, area: Area | None = None
) -> QuerySet[NetworkRank]:
    """The ranked people of the figures that concern the user, first to meet first: those kept
    in the user's areas or in an area above them (their township's and county's offices), and
    in the area only when one is given. A person no longer in the network (made private since,
    say) is left out.

    The figures are those of the whole network the user sees, which for a village's cadre is
    usually the county's: they are shared by everyone who sees the same entries and computed
    once by the worker. The ranking is therefore cut, not computed again over the cut: the
    people who join groups are found over the whole network (a township official who links the
    village to the county stays first, though the links run through other townships), and only
    those a user could go and see are listed, so a cadre is never told to visit another
    township's officials or another village's people. Ranking each user's part on its own
    would compute a network per village and lose those bridges.
    """
    ranks = (
        NetworkRank.objects.filter(figures=reading.figures)
        .filter(reading.spec.seen("contact__"))
        .filter(at_or_above(user.area_prefixes(), "contact__area_code"))
    )
    if area is not None:
        ranks = ranks.filter(contact__area_code__startswith=area.prefix)
    return ranks.select_related("contact", "contact__organisation").order_by("position")


def network_links(*, ranks: QuerySet[NetworkRank], first: int, last: int) -> list[tuple[int, int]]:
    """The links, each pair once, from the people of `ranks` at positions first to last to
    anyone of `ranks` up to last: what a chart drawn up to last adds to one drawn before first."""
    drawn = ranks.filter(position__lte=last).values("contact_id")
    page = ranks.filter(position__gte=first, position__lte=last).values("contact_id")
    pairs = Link.objects.filter(
        Q(source__in=page, target__in=drawn) | Q(source__in=drawn, target__in=page)
    ).values_list("source_id", "target_id")
    return sorted({(min(a, b), max(a, b)) for a, b in pairs})


def network_area_get(*, user: User, code: str) -> Area:
    """A township or village of the user's areas whose people the network page lists; 404
    otherwise."""
    return get_visible_or_404(Area.objects.filter(level__gte=Level.TOWNSHIP), user=user, code=code)


def network_area_list(*, user: User) -> QuerySet[Area]:
    """Townships and villages of the user's areas, by code."""
    return Area.objects.visible_to(user).filter(level__gte=Level.TOWNSHIP).order_by("code")


def network_organisation_list(
    *, user: User, area: Area | None, chosen: int | None
) -> QuerySet[Organisation]:
    """Organisations to cut the network by: those above the villages (the county's and the
    townships' offices, the assisting units), those kept in the area chosen, and the one chosen."""
    wanted = Q(level__lt=Level.VILLAGE)
    if area is not None:
        wanted |= Q(area_code__startswith=area.prefix)
    if chosen:
        wanted |= Q(pk=chosen)
    return Organisation.objects.visible_to(user).filter(wanted).order_by("level", "name_pinyin")


def profile_area_get(*, user: User, code: str) -> Area:
    """An area in the user's scope whose profile may be shown; 404 otherwise."""
    return get_visible_or_404(Area.objects.filter(level__gte=Level.COUNTY), user=user, code=code)


def profile_area_list(*, user: User) -> QuerySet[Area]:
    """Villages whose profiles the user may open."""
    return permissions.village_list(user)


def point_list(*, area: Area) -> QuerySet[PointOfInterest]:
    """Points of interest in an area already fetched through profile_area_get."""
    return PointOfInterest.objects.within([area.prefix]).select_related("village")


def point_get(*, user: User, pk: int) -> PointOfInterest:
    """One point in the user's areas; 404 outside them."""
    return get_visible_or_404(PointOfInterest.objects.select_related("village"), user=user, pk=pk)


def point_counts_by_category(*, area: Area) -> list[tuple[str, int]]:
    """How many points of each category an area already fetched through profile_area_get holds,
    in the order of the categories, with labels."""
    counts = dict(
        PointOfInterest.objects.within([area.prefix])
        .values("category")
        .annotate(n=Count("id"))
        .values_list("category", "n")
    )
    return [(str(c.label), counts[c.value]) for c in PoiCategory if counts.get(c.value)]


def profile_village_summary(*, area: Area) -> QuerySet[Area]:
    """The villages of an area already fetched through profile_area_get, by code, each with its
    number of points and of notes."""
    points = PointOfInterest.objects.filter(village=OuterRef("pk")).values("village")
    notes = VillageNote.objects.filter(village=OuterRef("pk")).values("village")
    return (
        Area.objects.within([area.prefix])
        .villages()
        .annotate(
            point_count=Coalesce(Subquery(points.annotate(n=Count("id")).values("n")), 0),
            note_count=Coalesce(Subquery(notes.annotate(n=Count("id")).values("n")), 0),
        )
        .order_by("code")
    )


def note_list(*, area: Area) -> QuerySet[VillageNote]:
    """Notes of the villages of an area already fetched through profile_area_get."""
    return VillageNote.objects.within([area.prefix]).select_related("village")


def note_get(*, user: User, pk: int) -> VillageNote:
    """One note of a village in the user's areas; 404 outside them."""
    return get_visible_or_404(VillageNote.objects.select_related("village"), user=user, pk=pk)
