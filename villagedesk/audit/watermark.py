"""The watermark of every personal-data export: who exported it and when, in China time, so a
file found where it should not be names its source."""

from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext as _

from villagedesk.audit.services import ExportStamp
from villagedesk.core.spreadsheets import (
    rows_write,
    sheet_with_header,
    workbook_bytes,
    workbook_new,
)

CHINA = ZoneInfo("Asia/Shanghai")


def watermark_text(stamp: ExportStamp) -> str:
    when = timezone.localtime(stamp.at, CHINA)
    return _("Exported by %(user)s on %(time)s (China time)") % {
        "user": stamp.username,
        "time": f"{when:%Y-%m-%d %H:%M}",
    }


def workbook_watermark(book, stamp: ExportStamp) -> None:
    """Put the watermark in the document properties and the footer of every sheet of an
    xlsxwriter workbook not yet closed (the footer is printed on every page)."""
    text = watermark_text(stamp)
    book.set_properties({"author": stamp.username, "comments": text, "keywords": text})
    footer = "&L" + text.replace("&", "&&")
    for sheet in book.worksheets():
        sheet.set_footer(footer)
        sheet.set_header(footer)


def csv_watermark_line(stamp: ExportStamp) -> str:
    """The first line of a .csv export; the registry's importer skips it while looking for the
    header row (it names no known column)."""
    return "# " + watermark_text(stamp).replace("\n", " ") + "\n"


def vcard_watermarked(cards: str, stamp: ExportStamp) -> str:
    """Every card of a vCard file with the watermark as an extension property, which address
    books keep without showing it as a contact of its own."""
    note = watermark_text(stamp).replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    return cards.replace("END:VCARD", f"X-VILLAGEDESK-WATERMARK:{note}\r\nEND:VCARD")


def table_xlsx_watermarked(*, header, rows, stamp: ExportStamp, sheet: str = "", widths=None):
    """`core.spreadsheets.table_xlsx` with the watermark: a one-sheet workbook of text."""
    book = workbook_new()
    worksheet, first = sheet_with_header(book, sheet, header, widths=widths or [18] * len(header))
    rows_write(worksheet, first, rows)
    workbook_watermark(book, stamp)
    return workbook_bytes(book)
