"""Spreadsheets in and out: the one place that sets up workbooks, answers downloads and reads
uploads.

Writing: every workbook is made by `workbook_new`, whose sheets write text as text (never as a
formula, a URL or a number), and every cell text passes `cell_safe`, so that a name typed as
`=HYPERLINK(…)` stays a name when the file is opened in WPS or Excel.

Reading: an upload is measured before it is read. An .xlsx is a zip of XML parts; a tiny file can
declare a cell at XFD600000 or expand to gigabytes, and the reader (calamine) would allocate a
grid for the whole declared area. `xlsx_measure` streams the worksheet parts and refuses a file
whose expanded size, height or width passes the limits before calamine sees it. An .xls is a
compound file whose sheets are records; `xls_measure` walks the cell records, since a 5 KB .xls with
one cell at IV65536 makes calamine lay out 16 million cells (a gigabyte).
"""

import dataclasses
import datetime
import html
import io
import posixpath
import re
import struct
import zipfile
from dataclasses import dataclass
from urllib.parse import quote
from xml.etree import ElementTree  # noqa: S405 expat (2.4.1+) refuses entity expansion bombs

import olefile
import polars as pl
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


def sheet_name(name) -> str:
    """A name a sheet may carry: none of []:*?/\\, no apostrophe at either end, 31 characters.

    A sheet's name is no cell and never read as a formula, so it is cleaned, not quoted.
    """
    return re.sub(r"[\[\]:*?/\\]", " ", str(name or "")).strip("' ")[:31].strip()


def sheet_with_header(book: xlsxwriter.Workbook, name: str, header, *, widths=None, title=None):
    """A sheet whose first row (after an optional title row) is the bold header, frozen.

    Returns the sheet and the index of the first data row.
    """
    sheet = book.add_worksheet(sheet_name(name) or None)
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
# calamine makes room for every cell of the rectangle from A1 to the furthest cell (32 bytes
# each) and for every shared string, so their number bounds what reading a sheet costs.
MAX_CELLS = 2_000_000
# A workbook's styles are a few hundred kilobytes; calamine reads them whole.
MAX_STYLES_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class Limits:
    bytes: int = MAX_UPLOAD_BYTES
    expanded_bytes: int = MAX_EXPANDED_BYTES
    rows: int = MAX_ROWS
    columns: int = MAX_COLUMNS
    cells: int = MAX_CELLS


class SpreadsheetRefused(ValidationError):
    """The file passes a limit or is no spreadsheet; the message says which, for the user."""


def column_letters(number: int) -> str:
    """The letters of a column number, as a sheet names it (1 → A, 27 → AA, 200 → GR)."""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def column_number(letters: bytes) -> int:
    """The number of a column from its letters (A → 1, GR → 200), in either case."""
    number = 0
    for letter in letters.upper():
        number = number * 26 + letter - 64
    return number


# The start of a position attribute, r="…" or r='…'. A literal start keeps the search fast;
# a chunk with blanks around an equals sign (which no office program writes in a tag, but XML
# allows) is searched again with the patterns that allow them.
POSITION = rb"""r=["']"""
SPACED_POSITION = rb"""r\s*=\s*["']"""
SPACED_EQUALS = re.compile(rb"=(?:(?<=\s=)|\s)")


def letters_class(first: str, last: str = "Z") -> str:
    """A class of the letters from `first` to `last`, in either case (calamine reads both)."""
    return f"[{first}-{last}{first.lower()}-{last.lower()}]"


def past_column(limit: int, position: bytes = POSITION) -> re.Pattern:
    """A search for a cell reference past column `limit`, and for no other cell; the letters
    are its group.

    Only such a cell matches, so measuring a sheet is one search through it, not a match per
    cell (on a county's ledger, six times faster). For 200 (GR): three letters or more, or two
    from GS on.
    """
    letters = column_letters(limit) if limit else ""
    any_letter = letters_class("A")
    alternatives = [f"{any_letter}{{{len(letters) + 1},}}"]
    for index, letter in enumerate(letters):
        if letter < "Z":
            rest = len(letters) - index - 1
            alternatives.append(
                "".join(letters_class(c, c) for c in letters[:index])
                + letters_class(chr(ord(letter) + 1))
                + any_letter * rest
            )
    return re.compile(position + b"(" + "|".join(alternatives).encode() + rb")\d")


def greater_than(limit: int) -> bytes:
    """A pattern for the whole numbers greater than `limit` (leading zeros allowed)."""
    digits = str(limit)
    alternatives = [rb"[1-9]\d{%d,}" % len(digits)]
    for index, digit in enumerate(digits):
        if digit < "9":
            rest = len(digits) - index - 1
            alternatives.append(
                digits[:index].encode() + b"[%d-9]" % (int(digit) + 1) + rb"\d" * rest
            )
    return b"0*(?:" + b"|".join(alternatives) + b")"


def past_row(limit: int, position: bytes = POSITION) -> re.Pattern:
    """A search for a cell reference below row `limit`, whatever its row element says; the row
    number is its group. The letters are taken whole (a possessive `++`): giving one back could
    never let a digit match, and not trying it takes a quarter off the search."""
    return re.compile(position + rb"[A-Za-z]++(" + greater_than(limit) + rb""")["']""")


# The blanks Python's \s stands for in bytes, spelled out for polars, whose \s and \d take in
# every Unicode blank and digit.
BLANK = r"[\t\n\x0b\x0c\r ]"
SPACED_EQUALS_IN_RUST = f"{BLANK}=|={BLANK}"
# After <c, anything but ' r="' (to the end of the text): Python's (?! r=") without lookahead,
# which Rust has not.
NOT_PLACED_IN_RUST = 'c(?:[^ ]| [^r]| r[^=]| r=[^"]|(?: r=| r| )?$)'


def in_rust(pattern: re.Pattern) -> str:
    """A search of this module (a bytes pattern for Python) as polars (Rust) reads it: the same
    cells match. Rust has no possessive `++`, which matters to the search's speed only (it is
    taken where giving a letter back could never match), and reads \\d and \\s as Unicode."""
    text = pattern.pattern.decode("ascii")
    return text.replace("++", "+").replace(r"\d", "[0-9]").replace(r"\s", BLANK)


def beyond(data: bytes, height: int, width: int, prefix: bytes = b"") -> bool:
    """Whether a chunk of a worksheet may hold a cell below row `height` or right of column
    `width`, a blank around an equals sign (after which those cells are searched for with the
    patterns that allow blanks) or an element starting with <c that is not a cell placed as
    office programs write it (`UnplacedCells`): one search in polars, whose Rust engine goes
    through a county's ledger in under a third of the time Python's four take. Only a chunk it
    finds something in is searched again by Python's, which measure it; a chunk that is not
    UTF-8 (which polars cannot search) is searched by them too."""
    try:
        text = pl.Series([data], dtype=pl.Binary).cast(pl.String)
    except pl.exceptions.ComputeError:  # not UTF-8
        return True
    unplaced = "<" + re.escape(prefix.decode("ascii")) + NOT_PLACED_IN_RUST
    pattern = "|".join(
        [SPACED_EQUALS_IN_RUST, in_rust(past_row(height)), in_rust(past_column(width)), unplaced]
    )
    return text.str.contains(pattern).item()


ROOT_TAG = re.compile(rb"<([\w.-]+:)?worksheet[\s>]")


def row_tag(prefix: bytes) -> re.Pattern:
    """A row element and its number when it gives one; the literal start keeps the scan fast."""
    return re.compile(
        b"<" + re.escape(prefix) + rb"""row(?=[\s/>])(?:[^>]*?\sr\s*=\s*["'](\d+)["'])?"""
    )


def worksheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """The XML part of each sheet of an .xlsx, by sheet name, from the workbook's relations."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))  # noqa: S314
    relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))  # noqa: S314
    targets = {rel.get("Id"): rel.get("Target", "") for rel in relations}
    present = set(archive.namelist())
    parts = {}
    for element in workbook.iter():
        if element.tag.endswith("}sheet"):
            rid = next((v for k, v in element.attrib.items() if k.endswith("}id")), None)
            target = targets.get(rid, "")
            part = posixpath.normpath(
                target[1:] if target.startswith("/") else posixpath.join("xl", target)
            )
            if part in present:
                parts[element.get("name")] = part
    return parts


@dataclass(frozen=True)
class SheetSize:
    height: int
    width: int
    columns: int  # the limit the width was measured against

    @property
    def too_wide(self) -> bool:
        return self.width > self.columns

    @property
    def cells(self) -> int:
        return self.height * self.width


class UnplacedCells:
    """Cells that give no position (r="…") take the next column, so a row of them is as wide
    as it has cells. Such files are rare (no office program writes them); their rows are counted
    one by one, and a row that mixes placed and unplaced cells is taken as too wide, since its
    width would depend on where the placed ones are."""

    def __init__(self, prefix: bytes):
        self.row = re.compile(b"<" + re.escape(prefix) + rb"row(?:\s[^>]*)?/?>")
        self.start = b"<" + prefix + b"c "
        # An element starting with <c that is not a cell placed as office programs write it.
        self.unplaced_start = re.compile(b"<" + re.escape(prefix) + b'c(?! r=")')
        self.starts = [b"<" + prefix + b"c" + end for end in (b">", b"/", b"\n", b"\t", b"\r")]
        self.carried = 0  # cells of a row that continues into the next chunk
        self.mixed = False

    def some_in(self, data: bytes, *, numbered: int) -> bool:
        """Whether some cell of the chunk gives no position.

        Office programs write the position first (<c r="A1" …>): when every element starting
        with <c is such a cell, one search settles it. Otherwise every cell named by position
        accounts for one position attribute (as does a numbered row), and fewer attributes than
        cells means some cells give none.
        """
        if self.unplaced_start.search(data) is None:
            return False
        placed = data.count(b' r="') + data.count(b" r='")
        cells = data.count(self.start) + sum(data.count(s) for s in self.starts)
        return cells > placed - numbered

    def widest(self, data: bytes) -> int:
        """The most cells in a row of this chunk; a row cut by the chunk's end is carried on."""
        widest = count = 0
        for start in self.starts:
            data = data.replace(start, self.start)
        for index, segment in enumerate(self.row.split(data)):
            cells = segment.count(self.start)
            placed = segment.count(b' r="') + segment.count(b" r='")
            if 0 < placed < cells:
                self.mixed = True
            count = cells + (self.carried if index == 0 else 0)
            widest = max(widest, count)
        self.carried = count
        return widest


def sheet_measure(archive: zipfile.ZipFile, part: str, *, rows: int, columns: int) -> SheetSize:
    """The height and width of a worksheet part as calamine will lay it out, measured as the
    part streams; it stops as soon as the sheet passes `rows` or `columns`.

    A row that gives its number may skip empty rows, and so may a cell; calamine makes room for
    those too, so the height is at least the highest row number in either. The width is the
    furthest column a cell names (searched for past the widest seen so far, so that only a few
    cells are looked at) or, for cells that name none, the most cells in a row.
    """
    height = width = 0
    tail, pattern, unplaced = b"", None, None
    with archive.open(part) as stream:
        while height <= rows and width <= columns and (chunk := stream.read(1 << 20)):
            data = tail + chunk
            if pattern is None:
                root = ROOT_TAG.search(data)
                prefix = root[1] or b"" if root else b""
                pattern, unplaced = row_tag(prefix), UnplacedCells(prefix)
            cut = data.rfind(b"<")
            data, tail = data[:cut], data[cut:]
            numbers = pattern.findall(data)
            height = max(height + len(numbers), max(map(int, filter(None, numbers)), default=0))
            # A cell may name a row below its row element, or give no position; none does in a
            # file an office program wrote, so these searches find nothing there after the first
            # chunk.
            if not beyond(data, height, width, prefix):
                unplaced.carried = 0
                continue
            position = SPACED_POSITION if SPACED_EQUALS.search(data) else POSITION
            for number in past_row(height, position).findall(data):
                height = max(height, int(number))
            for letters in past_column(width, position).findall(data):
                width = max(width, column_number(letters))
            if unplaced.some_in(data, numbered=sum(1 for n in numbers if n)):
                width = max(width, unplaced.widest(data))
                if unplaced.mixed:
                    width = columns + 1
            else:
                unplaced.carried = 0
    return SheetSize(height, width, columns)


def expanded_too_far(limits: Limits) -> SpreadsheetRefused:
    return SpreadsheetRefused(
        _("The file expands to more than %(size)s MB; split it.")
        % {"size": limits.expanded_bytes // 1024 // 1024}
    )


def too_large(limits: Limits) -> SpreadsheetRefused:
    return SpreadsheetRefused(
        _("The sheet is too large: at most %(rows)s rows and %(columns)s columns.")
        % {"rows": f"{limits.rows:,}", "columns": limits.columns}
    )


def too_many_cells(limits: Limits) -> SpreadsheetRefused:
    return SpreadsheetRefused(
        _(
            "The sheet is too large: from its first cell to its last it spans more than "
            "%(cells)s cells; remove the stray cells far below or to the right, or split it."
        )
        % {"cells": f"{limits.cells:,}"}
    )


def unreadable() -> SpreadsheetRefused:
    return SpreadsheetRefused(_("The file is not a spreadsheet that can be read."))


SHARED_STRINGS = "xl/sharedStrings.xml"
STYLES = "xl/styles.xml"


def strings_count(archive: zipfile.ZipFile, part: str, limit: int) -> int:
    """How many shared strings a part holds, counted as it streams, stopping past `limit`."""
    count, tail = 0, b""
    with archive.open(part) as stream:
        while count <= limit and (chunk := stream.read(1 << 20)):
            data = tail + chunk
            count += data.count(b"<si>") + data.count(b"<si ") + data.count(b":si>")
            count += data.count(b":si ")
            tail = data[-3:]
            count -= tail.count(b"<si") + tail.count(b":si")  # counted again with the next chunk
    return count


def xlsx_parts_measure(archive: zipfile.ZipFile, limits: Limits) -> None:
    """Refuse a workbook whose parts expand past the limit (as the archive declares them and as
    they stream: a part longer than declared fails its check when read), whose styles are out of
    all proportion, or with more shared strings than a sheet may have cells."""
    if sum(member.file_size for member in archive.infolist()) > limits.expanded_bytes:
        raise expanded_too_far(limits)
    present = set(archive.namelist())
    if STYLES in present and archive.getinfo(STYLES).file_size > MAX_STYLES_BYTES:
        raise expanded_too_far(limits)
    if SHARED_STRINGS in present and strings_count(archive, SHARED_STRINGS, limits.cells) > (
        limits.cells
    ):
        raise too_many_cells(limits)


ODS_TOKEN = re.compile(
    rb"<table:(table|table-row|table-cell|covered-table-cell)(?=[\s/>])([^>]*?)(/?)>"
    rb"|</table:(table-row)>"
)
ODS_ROWS_REPEATED = re.compile(rb"""number-rows-repeated\s*=\s*["'](\d+)""")
ODS_COLUMNS_REPEATED = re.compile(rb"""number-columns-repeated\s*=\s*["'](\d+)""")
ODS_ROWS_SPANNED = re.compile(rb"""number-rows-spanned\s*=\s*["'](\d+)""")
ODS_COLUMNS_SPANNED = re.compile(rb"""number-columns-spanned\s*=\s*["'](\d+)""")
ODS_NAME = re.compile(rb"""table:name\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def repeated(pattern: re.Pattern, attributes: bytes) -> int:
    found = pattern.search(attributes)
    return int(found[1]) if found else 1


def ods_table_name(attributes: bytes) -> str:
    found = ODS_NAME.search(attributes)
    if not found:
        return ""
    name = found[1] if found[1] is not None else found[2]
    return html.unescape(name.decode("utf-8", "replace"))


def ods_measure(
    archive: zipfile.ZipFile,
    *,
    rows: int,
    columns: int,
    merged: dict[str, list] | None = None,
    merged_max: int = 0,
) -> SheetSize:
    """The largest sheet of an .ods as calamine lays it out, from content.xml as it streams.

    A row or cell may stand for many (number-rows-repeated, number-columns-repeated): a file of
    a kilobyte can declare a billion cells. calamine skips repeated rows and cells that are empty
    (office programs end every sheet with a million of them), so only those with content count,
    and each counts as many times as it is repeated. Every element is looked at, so this is
    slower than measuring an .xlsx; the format is rare among ledgers.

    Given `merged`, the merged ranges of each sheet (a cell spanning rows or columns) go into
    it by sheet name, as ((top, left), (bottom, right)) counted from 0 as calamine counts an
    .xlsx's; past `merged_max` ranges in a sheet, one more is kept and no others, which is
    enough to refuse the sheet.
    """
    height = width = 0
    position = row_repeat = column = 0
    row_has_content = False
    ranges: list = []
    tail = b""
    with archive.open("content.xml") as stream:
        while height <= rows and width <= columns and (chunk := stream.read(1 << 20)):
            data = tail + chunk
            cut = data.rfind(b"<")
            data, tail = data[:cut], data[cut:]
            for element, attributes, closed, end in ODS_TOKEN.findall(data):
                if end:
                    position += row_repeat
                    if row_has_content:
                        height = max(height, position)
                elif element == b"table":
                    position = 0
                    if merged is not None:
                        ranges = merged.setdefault(ods_table_name(attributes), [])
                elif element == b"table-row":
                    row_repeat = repeated(ODS_ROWS_REPEATED, attributes)
                    column, row_has_content = 0, False
                    if closed:
                        position += row_repeat
                else:
                    if (
                        merged is not None
                        and b"spanned" in attributes
                        and element == b"table-cell"
                        and len(ranges) <= merged_max
                    ):
                        down = repeated(ODS_ROWS_SPANNED, attributes)
                        across = repeated(ODS_COLUMNS_SPANNED, attributes)
                        if down > 1 or across > 1:
                            ranges.append(
                                ((position, column), (position + down - 1, column + across - 1))
                            )
                    column += repeated(ODS_COLUMNS_REPEATED, attributes)
                    if not closed or b"value-type" in attributes:
                        row_has_content = True
                        width = max(width, column)
    return SheetSize(height, width, columns)


def xlsx_sheet_sizes(archive: zipfile.ZipFile, limits: Limits):
    """Each sheet's name and size, measured as its part streams; refuses a workbook whose parts
    expand past the limit (`xlsx_parts_measure`) before reading any of them."""
    xlsx_parts_measure(archive, limits)
    for name, part in worksheet_parts(archive).items():
        yield name, sheet_measure(archive, part, rows=limits.rows, columns=limits.columns)


def xlsx_measure(source, limits: Limits) -> None:
    """Refuse a zip-based workbook that expands past the limit, or one of whose sheets has more
    rows, a cell further right or more cells than allowed, before calamine makes room for it."""
    try:
        with zipfile.ZipFile(source) as archive:
            # The first row is the header.
            with_header = dataclasses.replace(limits, rows=limits.rows + 1)
            for _name, size in xlsx_sheet_sizes(archive, with_header):
                if size.height > with_header.rows or size.too_wide:
                    raise too_large(limits)
                if size.cells > limits.cells:
                    raise too_many_cells(limits)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, EOFError, OSError):
        raise unreadable() from None
    if hasattr(source, "seek"):
        source.seek(0)


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
XLS_BOF = 0x0809
# The records that place a value in a cell (BIFF2 to BIFF8), each starting with its row and column
# as two little-endian 16-bit numbers: calamine makes room for the rectangle that holds them.
# Blank cells (BLANK, MULBLANK) carry formatting only and calamine leaves them out.
XLS_CELLS = {0x0002, 0x0003, 0x0004, 0x0005, 0x0006, 0x007E, 0x00D6, 0x00FD, 0x0203, 0x0204}
XLS_CELLS |= {0x0205, 0x0206, 0x0406, 0x027E}
XLS_MULRK = 0x00BD  # several numbers in a row: row, first column, …, last column


def xls_sizes(stream: bytes):
    """The size of each sheet of an .xls workbook stream, as calamine lays it out: from the
    top-left to the bottom-right of the cells that hold a value. Sheets are the substreams after
    the first (the workbook globals), each opened by a BOF record."""
    substream = -1
    top = left = 1 << 16
    bottom = right = -1

    def size():
        return SheetSize(bottom - top + 1, right - left + 1, 0) if bottom >= 0 else None

    offset, end = 0, len(stream) - 4
    while offset <= end:
        kind, length = struct.unpack_from("<HH", stream, offset)
        body = offset + 4
        if kind == XLS_BOF:
            if substream > 0 and (found := size()):
                yield found
            substream += 1
            top = left = 1 << 16
            bottom = right = -1
        elif substream > 0 and length >= 4 and (kind in XLS_CELLS or kind == XLS_MULRK):
            row, column = struct.unpack_from("<HH", stream, body)
            last = column
            if kind == XLS_MULRK and length >= 6:
                (last,) = struct.unpack_from("<H", stream, body + length - 2)
            top, bottom = min(top, row), max(bottom, row)
            left, right = min(left, column), max(right, column, last)
        offset = body + length
    if substream > 0 and (found := size()):
        yield found


def xls_measure(source, limits: Limits) -> None:
    """Refuse an .xls one of whose sheets has more rows, more columns or more cells than
    allowed, before calamine makes room for it. A compound file with no workbook stream (an
    encrypted .xlsx is one) is left to calamine, which tells what it is."""
    try:
        with olefile.OleFileIO(source) as ole:
            name = next((n for n in ("Workbook", "Book") if ole.exists(n)), None)
            if name is None:
                return
            if ole.get_size(name) > limits.bytes:
                raise expanded_too_far(limits)
            stream = ole.openstream(name).read()
    except (OSError, struct.error, ValueError):
        raise unreadable() from None
    for size in xls_sizes(stream):
        if size.height > limits.rows + 1 or size.width > limits.columns:
            raise too_large(limits)
        if size.cells > limits.cells:
            raise too_many_cells(limits)
    if hasattr(source, "seek"):
        source.seek(0)


# Whole numbers a spreadsheet's numbers (64-bit floating point) hold exactly.
EXACT_INTEGERS = 2**53


def cell_text(value) -> str:
    """A cell as calamine gives it, as text: whole numbers without ".0", dates as ISO dates.

    A number past 2**53 keeps its exponent (5.3012819800517005e+17): an identity number typed
    as a number has lost its last digits, and must not be read as digits it does not have."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < EXACT_INTEGERS:
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
    head = upload.read(len(OLE_MAGIC))
    upload.seek(0)
    if head.startswith(b"PK"):
        xlsx_measure(upload, limits)
    elif head == OLE_MAGIC:
        xls_measure(upload, limits)
    try:
        sheet = python_calamine.CalamineWorkbook.from_filelike(upload).get_sheet_by_index(0)
    except Exception:  # noqa: BLE001 - calamine raises many kinds for a file it cannot read
        raise unreadable() from None
    # What calamine laid out is checked again before any of it becomes Python objects.
    if sheet.height > limits.rows + 1 or sheet.width > limits.columns:
        raise too_large(limits)
    if sheet.height * sheet.width > limits.cells:
        raise too_many_cells(limits)
    rows = sheet.to_python(skip_empty_area=True)
    return [[cell_text(v) for v in row] for row in rows]
