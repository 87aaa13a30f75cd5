"""The attendance sheet of a training, as the village keeps it for the township."""

from django.utils.translation import gettext as _

from villagedesk.audit.services import ExportStamp
from villagedesk.audit.watermark import workbook_watermark
from villagedesk.core.spreadsheets import (
    rows_write,
    sheet_with_header,
    workbook_bytes,
    workbook_new,
)
from villagedesk.organisation.models import Training


def training_workbook(*, training: Training, attendees, stamp: ExportStamp) -> bytes:
    """An .xlsx of the training (topic, date, trainer, hours) and one row per attendee, with a
    column to sign. Every cell is formula-safe text; no personal number is written."""
    header = [_("No."), _("Name"), _("Household number"), _("Village group"), _("Signature")]
    title = f"{training.topic} · {training.held_on:%Y-%m-%d} · {training.trainer} · " + _(
        "%(hours)s hours"
    ) % {"hours": f"{training.hours.normalize():f}"}
    book = workbook_new()
    sheet, first = sheet_with_header(
        book, f"{training.held_on:%Y-%m-%d}", header, widths=[6, 16, 14, 14, 20], title=title
    )
    rows_write(
        sheet,
        first,
        (
            [
                str(n),
                p.name,
                p.household.number,
                p.household.group.name if p.household.group else "",
            ]
            for n, p in enumerate(attendees, start=1)
        ),
    )
    workbook_watermark(book, stamp)
    return workbook_bytes(book)
