"""The month attendance workbook supervisors download: one row per team member and village."""

import calendar
import datetime
import io

import xlsxwriter
from django.utils.translation import gettext as _

from villagedesk.fieldwork.codes import Presence
from villagedesk.fieldwork.selectors import AttendanceRow

# One letter per day in the grid, so a month fits on a printed page.
PRESENCE_MARKS = {
    Presence.IN_VILLAGE: "✓",
    Presence.LEAVE: "L",
    Presence.TRAVEL: "T",
    Presence.TRAINING: "P",
}


def attendance_workbook(*, rows: list[AttendanceRow], month: datetime.date) -> bytes:
    """An .xlsx of the month: totals per presence, the required days and a day-by-day grid."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet(f"{month:%Y-%m}")
    bold = book.add_format({"bold": True})
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
    sheet.write_row(0, 0, header, bold)
    for r, row in enumerate(rows, start=1):
        sheet.write_row(
            r,
            0,
            [
                row.village,
                row.village_code,
                row.member,
                row.in_village,
                row.leave,
                row.travel,
                row.training,
                row.required,
            ],
        )
        for d in range(1, days + 1):
            presence = row.days.get(d)
            if presence:
                sheet.write(r, 7 + d, PRESENCE_MARKS[Presence(presence)])
    legend_row = len(rows) + 2
    sheet.write(
        legend_row,
        0,
        "  ".join(f"{mark} = {Presence(p).label}" for p, mark in PRESENCE_MARKS.items()),
    )
    sheet.set_column(0, 2, 16)
    sheet.set_column(3, 7, 10)
    sheet.set_column(8, 8 + days, 3)
    sheet.freeze_panes(1, 3)
    book.close()
    return out.getvalue()
