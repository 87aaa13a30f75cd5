"""Contacts from a spreadsheet: every row checked, then all saved or none.

A list from a township office often has a few bad phone numbers; the user gets every bad row
with its reason at once, fixes the sheet and uploads it again, and no half of it lingers.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from villagedesk.accounts import permissions
from villagedesk.accounts.models import User
from villagedesk.accounts.permissions import Capability
from villagedesk.areas.models import Area
from villagedesk.core.spreadsheets import Limits, sheet_rows
from villagedesk.directory.exports import IMPORT_COLUMNS, import_columns
from villagedesk.directory.figures import network_changed
from villagedesk.directory.models import Contact
from villagedesk.directory.services import checked_phone

# A contact list is at most a couple of thousand rows of a dozen columns; a larger file is
# refused with a message before it is read.
LIMITS = Limits(bytes=5 * 1024 * 1024, rows=2000, columns=50)


@dataclass
class RowError:
    row: int
    name: str
    messages: list[str]


@dataclass
class ImportReport:
    saved: int = 0
    errors: list[RowError] = field(default_factory=list)


def contacts_import(*, by: User, area: Area, upload, organisations) -> ImportReport:
    """Check every row; save all of them in one transaction only if none has an error.

    The file is measured before it is read: one too large, too wide or too tall, or no
    spreadsheet at all, is refused with a message and nothing is read.
    """
    permissions.require(by, Capability.KEEP_DIRECTORY, area.code)
    report = ImportReport()
    try:
        rows = sheet_rows(upload, limits=LIMITS)
    except ValidationError as error:
        report.errors.append(RowError(row=0, name="", messages=error.messages))
        return report
    if not rows or not headings_match(rows[0]):
        report.errors.append(
            RowError(
                row=1,
                name="",
                messages=[
                    _("The first row must be the headings: %s") % "、".join(import_columns())
                ],
            )
        )
        return report
    by_name = {o.name: o for o in organisations}
    fields = [name for name, _heading in IMPORT_COLUMNS]
    contacts = []
    seen: dict[tuple[str, str], int] = {}
    for number, row in enumerate(rows[1:], start=2):
        values = dict(zip(fields, row + [""] * len(fields), strict=False))
        if not any(values.values()):
            continue
        org_name = values.pop("organisation")
        contact = Contact(area=area, **values)
        problems = []
        if org_name:
            if org_name in by_name:
                contact.organisation = by_name[org_name]
            else:
                problems.append(_("No organisation named %s in the directory.") % org_name)
        try:
            checked_phone(contact)
            contact.full_clean()
        except ValidationError as error:
            problems.extend(error.messages)
        key = (contact.name, contact.phone)
        if contact.phone and key in seen:
            problems.append(_("The same person and phone as row %d.") % seen[key])
        seen.setdefault(key, number)
        if problems:
            report.errors.append(RowError(row=number, name=contact.name, messages=problems))
        contacts.append(contact)
    if report.errors:
        return report
    try:
        with transaction.atomic():
            for contact in contacts:
                contact._history_user = by
                contact.save()
            network_changed([area.code])
    except IntegrityError:
        # Someone saved one of these people meanwhile; nothing of this file was kept.
        report.errors.append(
            RowError(row=0, name="", messages=[_("The directory changed meanwhile. Upload again.")])
        )
        return report
    report.saved = len(contacts)
    return report


def headings_match(first_row: list[str]) -> bool:
    """The template's headings in English or in Chinese, whichever the sheet was made in."""
    given = [h.strip() for h in first_row[: len(IMPORT_COLUMNS)]]
    for language in ("en", "zh-hans"):
        with translation.override(language):
            if given == import_columns():
                return True
    return False
