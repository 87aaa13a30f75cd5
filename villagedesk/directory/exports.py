"""The directory as a spreadsheet and as vCards for a phone's address book.

Both are personal-data exports (`contacts_export`): phones in full only for a user who may
export personal numbers and states a purpose, a watermark in the file, an audit event.
"""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from villagedesk.accounts import permissions
from villagedesk.accounts.permissions import Capability
from villagedesk.audit import services as audit
from villagedesk.audit.services import ExportStamp
from villagedesk.audit.watermark import vcard_watermarked, workbook_watermark
from villagedesk.core.masking import phone_shown
from villagedesk.core.spreadsheets import (
    rows_write,
    sheet_with_header,
    workbook_bytes,
    workbook_new,
)
from villagedesk.directory.models import Contact

# Columns of the import template: the field each fills, and its heading.
IMPORT_COLUMNS = [
    ("name", gettext_lazy("Name")),
    ("organisation", gettext_lazy("Organisation")),
    ("title", gettext_lazy("Title")),
    ("phone", gettext_lazy("Phone")),
    ("wechat", gettext_lazy("WeChat id")),
    ("office", gettext_lazy("Office")),
    ("tags", gettext_lazy("Tags")),
    ("notes", gettext_lazy("Notes")),
]


def import_columns() -> list[str]:
    """Column headings the import reads, in the active language, as the template gives them."""
    return [str(heading) for _field, heading in IMPORT_COLUMNS]


def contacts_xlsx(*, contacts, show_phones: bool, stamp: ExportStamp | None = None) -> bytes:
    """One row per contact, headed like the import template plus the kind and term; every cell
    is text, so a name typed as a formula stays a name."""
    book = workbook_new()
    sheet, first = sheet_with_header(
        book,
        _("Contacts"),
        import_columns() + [_("Kind"), _("Term from"), _("Term to")],
        widths=[12, 24, 24, 16, 16],
    )
    rows_write(
        sheet,
        first,
        (
            [
                contact.name,
                contact.organisation.name if contact.organisation_id else "",
                contact.role_label,
                phone_shown(contact.phone, reveal=show_phones),
                contact.wechat,
                contact.office,
                contact.tags,
                contact.notes,
                contact.get_kind_display(),
                contact.term_start.isoformat() if contact.term_start else "",
                contact.term_end.isoformat() if contact.term_end else "",
            ]
            for contact in contacts
        ),
    )
    if stamp is not None:
        workbook_watermark(book, stamp)
    return workbook_bytes(book)


def import_template() -> bytes:
    """An empty sheet with the headings the import reads."""
    book = workbook_new()
    sheet_with_header(book, _("Contacts"), import_columns())
    return workbook_bytes(book)


def vcard_escape(text: str) -> str:
    """A value on one vCard line: every line break (CR, CR LF, the Unicode separators) as the
    escaped \\n a phone reads, other control characters left out, so that no text of a
    contact's can start a line (a TEL, a card) of its own."""
    lines = "\n".join(text.splitlines())
    text = "".join(c for c in lines if c == "\n" or unicodedata.category(c) != "Cc")
    return text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;").replace("\n", "\\n")


def contact_vcard(contact: Contact, *, show_phones: bool) -> str:
    """A vCard 3.0, which both Android and iOS address books import."""
    lines = [
        "BEGIN:VCARD",
        "VERSION:3.0",
        f"FN:{vcard_escape(contact.name)}",
        f"N:{vcard_escape(contact.name)};;;;",
    ]
    if contact.organisation_id:
        lines.append(f"ORG:{vcard_escape(contact.organisation.name)}")
    if contact.role_label:
        lines.append(f"TITLE:{vcard_escape(contact.role_label)}")
    if contact.phone and show_phones:
        lines.append(f"TEL;TYPE=CELL:{contact.phone}")
    note = "\n".join(filter(None, [contact.wechat and f"WeChat: {contact.wechat}", contact.notes]))
    if note:
        lines.append(f"NOTE:{vcard_escape(note)}")
    lines.append("END:VCARD")
    return "\r\n".join(lines) + "\r\n"


def contacts_vcard(*, contacts, show_phones: bool) -> str:
    return "".join(contact_vcard(c, show_phones=show_phones) for c in contacts)


def contacts_export(*, by, request=None, contacts, fmt: str, full_numbers: bool, purpose: str):
    """The contacts as .xlsx (bytes) or vCard (text), recorded as an export. Phones in full
    need `export_personal_data` (anywhere: entries are shared across a county, as for
    showing phones) and a purpose; otherwise refused with a ValidationError for the user."""
    purpose = (purpose or "").strip()
    if full_numbers:
        if not permissions.holds_anywhere(by, Capability.EXPORT_PERSONAL_DATA):
            raise ValidationError(_("You may not export personal numbers in full."))
        if not purpose:
            raise ValidationError(_("State the purpose of exporting personal numbers in full."))
    contacts = list(contacts)
    stamp = audit.export_stamp(user=by)
    if fmt == "xlsx":
        content = contacts_xlsx(contacts=contacts, show_phones=full_numbers, stamp=stamp)
    else:
        cards = contacts_vcard(contacts=contacts, show_phones=full_numbers)
        content = vcard_watermarked(cards, stamp)
    audit.export_record(
        stamp=stamp,
        request=request,
        what=f"directory.contacts.{fmt}",
        area_code="",
        file_format=fmt,
        rows=len(contacts),
        persons=len(contacts),
        masked=not full_numbers,
        purpose=purpose if full_numbers else "",
        extra={"phones": sum(1 for c in contacts if c.phone)},
    )
    return content
