"""The month attendance workbook supervisors download: one row per team member and village."""

import calendar
import datetime

from django.utils.translation import gettext as _

from villagedesk.audit.services import ExportStamp
from villagedesk.audit.watermark import workbook_watermark
from villagedesk.core.spreadsheets import (
    cell_safe,
    sheet_with_header,
    workbook_bytes,
    workbook_new,
)
from villagedesk.fieldwork.codes import Presence
from villagedesk.fieldwork.selectors import AttendanceRow

# One letter per day in the grid, so a month fits on a printed page.
PRESENCE_MARKS = {
    Presence.IN_VILLAGE: "✓",
    Presence.LEAVE: "L",
    Presence.TRAVEL: "T",
    Presence.TRAINING: "P",
}

# The first columns name the member; the day counts follow; then one narrow column per day.
NAME_COLUMNS = 3
FIRST_DAY_COLUMN = 8


def attendance_workbook(
    *, rows: list[AttendanceRow], month: datetime.date, stamp: ExportStamp | None = None
) -> bytes:
    """An .xlsx of the month: totals per presence, the required days and a day-by-day grid.

    Names are written as formula-safe text and day counts as numbers, so a supervisor can add
    them up.
    """
    days = calendar.monthrange(month.year, month.month)[1]
    header = [
        _("Village"),
        _("Village code"),
        _("Team member"),
        str(Presence.IN_VILLAGE.label),
        str(Presence.LEAVE.label),
        str(Presence.TRAVEL.label),
        str(Presence.TRAINING.label),
        _("Required days in the village"),
        *[str(d) for d in range(1, days + 1)],
    ]
    widths = [16] * NAME_COLUMNS + [10] * (FIRST_DAY_COLUMN - NAME_COLUMNS) + [3] * days
    book = workbook_new()
    sheet, first = sheet_with_header(book, f"{month:%Y-%m}", header, widths=widths)
    for r, row in enumerate(rows, start=first):
        for c, text in enumerate([row.village, row.village_code, row.member]):
            sheet.write_string(r, c, cell_safe(text))
        counts = [row.in_village, row.leave, row.travel, row.training, row.required]
        for c, count in enumerate(counts, start=NAME_COLUMNS):
            sheet.write_number(r, c, count)
        for d in range(1, days + 1):
            presence = row.days.get(d)
            if presence:
                sheet.write_string(r, FIRST_DAY_COLUMN - 1 + d, PRESENCE_MARKS[Presence(presence)])
    legend = "  ".join(f"{mark} = {Presence(p).label}" for p, mark in PRESENCE_MARKS.items())
    sheet.write_string(first + len(rows) + 1, 0, cell_safe(legend))
    # Keep the member's name in view while scrolling through the days.
    sheet.freeze_panes(first, NAME_COLUMNS)
    if stamp is not None:
        workbook_watermark(book, stamp)
    return workbook_bytes(book)
