"""Spreadsheets in and out: the one place that sets up workbooks, answers downloads and reads
uploads.

Writing: every workbook is made by `workbook_new`, whose sheets write text as text (never as a
formula, a URL or a number), and every cell text passes `cell_safe`, so that a name typed as
`=HYPERLINK(…)` stays a name when the file is opened in WPS or Excel.

Reading: an upload is measured before it is read. An .xlsx is a zip of XML parts; a tiny file can
declare a cell at XFD600000 or expand to gigabytes, and the reader (calamine) would allocate a
grid for the whole declared area. `xlsx_measure` streams the worksheet parts and refuses a file
whose expanded size, height or width passes the limits before calamine sees it.
"""

import datetime
import io
import re
import zipfile
from dataclasses import dataclass
from urllib.parse import quote

import python_calamine
import xlsxwriter
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Cells starting with these are read as formulas (or DDE commands) by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def cell_safe(value) -> str:
    """The text of a cell, with a leading apostrophe where it would start a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def workbook_new(target=None, *, constant_memory: bool = False) -> xlsxwriter.Workbook:
    """A workbook that writes strings as strings; `target` is a path, a file or (None) memory."""
    options = {
        "strings_to_formulas": False,
        "strings_to_urls": False,
        "strings_to_numbers": False,
    }
    if constant_memory:
        options["constant_memory"] = True
    else:
        options["in_memory"] = True
    return xlsxwriter.Workbook(target if target is not None else io.BytesIO(), options)


def sheet_with_header(book: xlsxwriter.Workbook, name: str, header, *, widths=None, title=None):
    """A sheet whose first row (after an optional title row) is the bold header, frozen.

    Returns the sheet and the index of the first data row.
    """
    sheet = book.add_worksheet(cell_safe(name)[:31] or None)
    row = 0
    if title:
        sheet.write_string(0, 0, cell_safe(title), book.add_format({"bold": True, "font_size": 14}))
        row = 1
    bold = book.add_format({"bold": True, "bg_color": "#DDDDDD", "border": 1})
    for col, heading in enumerate(header):
        sheet.write_string(row, col, cell_safe(heading), bold)
    for col, width in enumerate(widths or []):
        sheet.set_column(col, col, width)
    sheet.freeze_panes(row + 1, 0)
    return sheet, row + 1


def rows_write(sheet, first_row: int, rows, cell_format=None) -> int:
    """Write rows of values as text from `first_row`; returns the row after the last."""
    next_row = first_row
    for values in rows:
        for col, value in enumerate(values):
            text = cell_safe(value)
            if text:
                sheet.write_string(next_row, col, text, cell_format)
        next_row += 1
    return next_row


def workbook_bytes(book: xlsxwriter.Workbook) -> bytes:
    """Close an in-memory workbook and return its file."""
    book.close()
    return book.filename.getvalue()


def table_xlsx(*, header, rows, sheet: str = "", widths=None) -> bytes:
    """A one-sheet workbook: a header row and rows of text."""
    book = workbook_new()
    worksheet, first = sheet_with_header(book, sheet, header, widths=widths or [18] * len(header))
    rows_write(worksheet, first, rows)
    return workbook_bytes(book)


def download(content: bytes, *, filename: str, content_type: str = XLSX_CONTENT_TYPE):
    """A file download that is never cached (it may hold personal data); the name may be
    Chinese (RFC 6266: an ASCII fallback plus the UTF-8 name)."""
    response = HttpResponse(content, content_type=content_type)
    fallback = re.sub(r"[^A-Za-z0-9._-]+", "_", filename).strip("_") or "download"
    response["Content-Disposition"] = (
        f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    )
    response["Cache-Control"] = "no-store"
    return response


def xlsx_response(*, filename: str, header, rows, sheet: str = "", widths=None) -> HttpResponse:
    """A one-sheet .xlsx download of a header and rows."""
    return download(
        table_xlsx(header=header, rows=rows, sheet=sheet, widths=widths), filename=filename
    )


# Limits for the small uploads (contacts, enrolments); the registry import sets its own.
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_EXPANDED_BYTES = 200 * 1024 * 1024
MAX_ROWS = 50_000
MAX_COLUMNS = 200


@dataclass(frozen=True)
class Limits:
    bytes: int = MAX_UPLOAD_BYTES
    expanded_bytes: int = MAX_EXPANDED_BYTES
    rows: int = MAX_ROWS
    columns: int = MAX_COLUMNS


class SpreadsheetRefused(ValidationError):
    """The file passes a limit or is no spreadsheet; the message says which, for the user."""


CELL_REF = re.compile(rb"<(?:[\w.-]+:)?c\s[^>]*?r=\"([A-Z]{1,3})(\d+)\"")
ROW_REF = re.compile(rb"<(?:[\w.-]+:)?row\s[^>]*?r=\"(\d+)\"")


def column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _too_large(limits: Limits) -> SpreadsheetRefused:
    return SpreadsheetRefused(
        _("The sheet is too large: at most %(rows)s rows and %(columns)s columns.")
        % {"rows": f"{limits.rows:,}", "columns": limits.columns}
    )


def xlsx_measure(source, limits: Limits) -> None:
    """Refuse a zip-based workbook that expands past the limit or whose cells reach past the
    rows or columns allowed, reading its parts as they stream (never the whole part)."""
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
            if sum(m.file_size for m in members) > limits.expanded_bytes:
                raise SpreadsheetRefused(
                    _("The file expands to more than %(size)s MB; split it.")
                    % {"size": limits.expanded_bytes // 1024 // 1024}
                )
            for member in members:
                if member.filename.startswith("xl/worksheets/") and member.filename.endswith(
                    ".xml"
                ):
                    _part_measure(archive, member, limits)
    except zipfile.BadZipFile:
        raise SpreadsheetRefused(_("The file is not a spreadsheet that can be read.")) from None
    if hasattr(source, "seek"):
        source.seek(0)


def _part_measure(archive: zipfile.ZipFile, member: zipfile.ZipInfo, limits: Limits) -> None:
    tail = b""
    read = 0
    with archive.open(member) as stream:
        while chunk := stream.read(1 << 20):
            read += len(chunk)
            if read > limits.expanded_bytes:  # the declared size may lie
                raise _too_large(limits)
            data = tail + chunk
            cut = data.rfind(b"<")
            data, tail = data[:cut], data[cut:]
            for letters, row in CELL_REF.findall(data):
                if int(row) > limits.rows + 1 or column_number(letters) > limits.columns:
                    raise _too_large(limits)
            for row in ROW_REF.findall(data):
                if int(row) > limits.rows + 1:
                    raise _too_large(limits)


def cell_text(value) -> str:
    """A cell as calamine gives it, as text: whole numbers without ".0", dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def sheet_rows(upload, limits: Limits = Limits()) -> list[list[str]]:  # noqa: B008 - frozen
    """The first sheet of an uploaded workbook as rows of text, measured before it is read.

    Raises SpreadsheetRefused (a ValidationError) for a file too large, too wide, too tall or
    not a spreadsheet.
    """
    size = getattr(upload, "size", None)
    if size is not None and size > limits.bytes:
        raise SpreadsheetRefused(
            _("The file is larger than %(size)s MB; split it.")
            % {"size": limits.bytes // 1024 // 1024}
        )
    upload.seek(0)
    head = upload.read(4)
    upload.seek(0)
    if head.startswith(b"PK"):
        xlsx_measure(upload, limits)
    try:
        sheet = python_calamine.CalamineWorkbook.from_filelike(upload).get_sheet_by_index(0)
    except Exception:  # noqa: BLE001 - calamine raises many kinds for a file it cannot read
        raise SpreadsheetRefused(_("The file is not a spreadsheet that can be read.")) from None
    if sheet.height > limits.rows + 1 or sheet.width > limits.columns:
        raise _too_large(limits)
    rows = sheet.to_python(skip_empty_area=True)
    return [[cell_text(v) for v in row] for row in rows]
