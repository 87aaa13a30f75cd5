"""Who may do what, where: the one place every app asks.

A user holds a role over an area through an assignment; each role grants a set of capabilities,
and a capability held over an area holds for every area below it (a code-prefix match). Apps never
test roles themselves: they ask `holds`, `require` or `village_list` with a capability.
The table in docs/permissions.md is generated from `ROLE_CAPABILITIES` by
`manage.py permissions_table`, and a test keeps the two equal.
"""

from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from villagedesk.accounts.models import Assignment, Role, User
from villagedesk.areas.models import Area


class Capability(models.TextChoices):
    SEE = "see", _("See the area's records")
    KEEP_REGISTRY = "keep_registry", _("Keep the registry and the village profile")
    KEEP_DIRECTORY = "keep_directory", _("Keep the directory")
    RECORD_FIELDWORK = "record_fieldwork", _("Record fieldwork")
    KEEP_DIARY = "keep_diary", _("Keep a work diary as a team member")
    READ_PEOPLE_NOTES = "read_people_notes", _("Read people notes")
    WRITE_PEOPLE_NOTES = "write_people_notes", _("Write people notes")
    REVEAL = "reveal", _("Reveal personal numbers")
    EXPORT_PERSONAL_DATA = "export_personal_data", _("Export personal numbers in full")
    KEEP_RULES = "keep_rules", _("Keep rules and local parameters")
    SUPERVISE = "supervise", _("Supervise")
    PUBLISH_GUIDANCE = "publish_guidance", _("Publish guidance, policy documents and notices")
    MAKE_REPORTS = "make_reports", _("Have the area's reports written")


ROLE_CAPABILITIES: dict[str, frozenset[Capability]] = {
    # The team lives in the village: it keeps every record there and sees personal numbers.
    Role.CADRE: frozenset(
        {
            Capability.SEE,
            Capability.KEEP_REGISTRY,
            Capability.KEEP_DIRECTORY,
            Capability.RECORD_FIELDWORK,
            Capability.KEEP_DIARY,
            Capability.READ_PEOPLE_NOTES,
            Capability.WRITE_PEOPLE_NOTES,
            Capability.REVEAL,
            Capability.EXPORT_PERSONAL_DATA,
            Capability.MAKE_REPORTS,
        }
    ),
    # The village committee shares the work but sees numbers masked and never the team's
    # judgement of people.
    Role.VILLAGE_COMMITTEE: frozenset(
        {
            Capability.SEE,
            Capability.KEEP_REGISTRY,
            Capability.KEEP_DIRECTORY,
            Capability.RECORD_FIELDWORK,
        }
    ),
    # Supervisors read and compare; they keep no village's records.
    Role.TOWNSHIP_SUPERVISOR: frozenset(
        {
            Capability.SEE,
            Capability.KEEP_DIRECTORY,
            Capability.READ_PEOPLE_NOTES,
            Capability.REVEAL,
            Capability.EXPORT_PERSONAL_DATA,
            Capability.SUPERVISE,
            Capability.PUBLISH_GUIDANCE,
            Capability.MAKE_REPORTS,
        }
    ),
    Role.COUNTY_SUPERVISOR: frozenset(
        {
            Capability.SEE,
            Capability.KEEP_DIRECTORY,
            Capability.READ_PEOPLE_NOTES,
            Capability.REVEAL,
            Capability.EXPORT_PERSONAL_DATA,
            Capability.SUPERVISE,
            Capability.KEEP_RULES,
            Capability.PUBLISH_GUIDANCE,
            Capability.MAKE_REPORTS,
        }
    ),
    # An administrator may do everything but is no member of a village's team: the diary and
    # the attendance sheet are the team's alone.
    Role.ADMINISTRATOR: frozenset(Capability) - {Capability.KEEP_DIARY},
}


def roles_with(capability: Capability) -> frozenset[str]:
    """The roles that grant the capability."""
    return frozenset(role for role, held in ROLE_CAPABILITIES.items() if capability in held)


def assignments_granting(capability: Capability) -> QuerySet[Assignment]:
    """Assignments of any period whose role grants the capability (for example, the team
    members whose diaries make the attendance sheet)."""
    return Assignment.objects.filter(role__in=roles_with(capability))


def prefixes(user: User, capability: Capability) -> list[str]:
    """The widest area prefixes over which the user holds the capability today.

    A superuser keeps the rules of the whole installation (the empty prefix covers every area);
    for everything else a superuser needs an assignment like anyone.
    """
    if capability == Capability.KEEP_RULES and user.is_superuser:
        return [""]
    return user.assigned_prefixes(roles_with(capability))


def holds(user: User, capability: Capability, area_code: str) -> bool:
    """True when the user holds the capability over the area of this code (or one above it)."""
    return any(area_code.startswith(p) for p in prefixes(user, capability))


def holds_anywhere(user: User, capability: Capability) -> bool:
    """True when the user holds the capability over at least one area."""
    return bool(prefixes(user, capability))


def keeps_default_rules(user: User) -> bool:
    """Only an administrator keeps the rules every area falls back on: a superuser, or a user
    holding the administrator role now. Others keep their counties' own versions."""
    return user.is_superuser or any(
        a.role == Role.ADMINISTRATOR for a in user.current_assignments()
    )


def require(user: User, capability: Capability, area_code: str) -> None:
    """Raise PermissionDenied unless the user holds the capability over the area."""
    if not holds(user, capability, area_code):
        raise PermissionDenied


def require_anywhere(user: User, capability: Capability) -> None:
    """Raise PermissionDenied unless the user holds the capability over some area."""
    if not holds_anywhere(user, capability):
        raise PermissionDenied


def village_list(user: User, capability: Capability | None = None) -> QuerySet[Area]:
    """The villages in the user's view (the area in focus, or all assigned), by code; with a
    capability, only those of them over which the user holds it."""
    visible = user.area_prefixes()
    villages = Area.objects.within(visible).villages()
    if capability is not None:
        villages = villages.within(prefixes(user, capability))
    return villages.order_by("code")
