"""Reading a ledger file into sheets of text cells, whatever its format and encoding.

Every cell becomes text here (numbers without a spurious ".0", dates as ISO dates) so that the
normalising step sees one type and treats a date typed as text and a date typed as a date alike.
A number too large for a spreadsheet to hold exactly stays in scientific notation: an identity
number typed as a number has lost its last digits (a spreadsheet keeps fifteen), and is reported
as such, never read with digits it does not have.

Sheets are read as counties make them: title and note rows above the header, a header of two rows
(a group heading over the headings of its columns, merged or not), merged cells (filled with
their value, in .xlsx, .xls and .ods alike), a row numbering the columns under the header, the
table starting anywhere in the sheet. Rows and columns keep the numbers the spreadsheet gives
them. Hidden rows and columns are read like the others: hiding changes what a sheet shows, not
what it holds, and the same sheet saved as CSV holds them too; a row meant to be left out is
deleted, not hidden.

Reading stops at MAX_ROWS so that a runaway file cannot exhaust memory: an .xlsx or .ods is
measured as it streams and an .xls from its cell records, before calamine reads it (see
`check_zip_size` and `check_xls_size`).
"""

import codecs
import csv
import datetime
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree  # noqa: S405 expat (2.4.1+) refuses entity expansion bombs

import polars as pl
import python_calamine
from django.utils.translation import gettext_lazy as _

from villagedesk.core import spreadsheets
from villagedesk.registry.imports.columns import guess_mapping, header_field

MAX_ROWS = 600_000
MAX_BYTES = 200 * 1024 * 1024
# A county's roster at the row limit, written by the exporter (inline strings), expands to about
# a gigabyte of XML.
MAX_EXPANDED_BYTES = 2 * 1024 * 1024 * 1024
MAX_COLUMNS = spreadsheets.MAX_COLUMNS
# A county's ledger is 600,000 rows by some forty columns; calamine lays out 32 bytes a cell.
MAX_CELLS = 24_000_000
# Merged ranges are filled in row by row; a ledger merges a household's cells, not thousands.
MAX_MERGED_RANGES = 200_000
HEADER_SCAN_ROWS = 12  # rows with something in them, looked at for the header
HEAD_ROWS = 100  # rows looked at for the header, blank ones included
# Characters that take no room: typed or pasted, they are not part of a value.
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]
SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".xlsb", ".ods"}


class ReadError(Exception):
    """The file cannot be read as a ledger; the message says why, in the user's language."""


@dataclass
class Sheet:
    name: str
    headers: list[str]
    header_row: int  # 1-based row number of the header's last row in the file
    frame: pl.DataFrame  # one text column per header, named c0, c1, ...
    mapping: dict[int, str]

    @property
    def first_data_row(self) -> int:
        return self.header_row + 1


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        # Past 2**53 a float no longer holds every whole number: its repr keeps the point or
        # the exponent (5.3012819800517005e+17), so no field takes it for the digits it lost.
        if value.is_integer() and abs(value) < spreadsheets.EXACT_INTEGERS:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def is_utf8(data: bytes) -> bool:
    """Whether data is UTF-8, checked a megabyte at a time so that no copy of it is made."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for start in range(0, len(view), 1 << 20):
            decoder.decode(view[start : start + (1 << 20)])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


RECODE_CHUNK = 1 << 20


def recoded(data: bytes, encoding: str) -> bytes:
    """Text in `encoding` as UTF-8, a megabyte at a time, so that the whole text never stands
    as Python text (a county's file decoded at once takes several times its size)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    view = memoryview(data)
    parts = [
        decoder.decode(view[start : start + RECODE_CHUNK]).encode("utf-8")
        for start in range(0, len(view), RECODE_CHUNK)
    ]
    parts.append(decoder.decode(b"", final=True).encode("utf-8"))
    return b"".join(parts)


def utf8_csv(data: bytes) -> bytes:
    """UTF-16 with a byte-order mark (what a spreadsheet saves as "Unicode text"), UTF-8 with or
    without one, else GB18030 (which includes GBK and GB2312).

    The text stays bytes for polars: a county's file decoded to Python text takes several times
    its size.
    """
    try:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            # The decoder reads the mark for the byte order and drops it.
            return recoded(data, "utf-16")
        if data.startswith(codecs.BOM_UTF8):
            data = data[len(codecs.BOM_UTF8) :]
        if is_utf8(data):
            return data
        return recoded(data, "gb18030")
    except UnicodeDecodeError:
        raise ReadError(_("The file is neither UTF-8, UTF-16 nor GB18030 text.")) from None


def head_lines(data: bytes, count: int) -> list[str]:
    end = -1
    for _line in range(count):
        end = data.find(b"\n", end + 1)
        if end < 0:
            end = len(data)
            break
    return data[:end].decode("utf-8").splitlines()[:count]


def header_text(value: str) -> str:
    """A heading as the user reads it: no invisible characters, one blank between words."""
    for character in INVISIBLE:
        value = value.replace(character, "")
    return " ".join(value.split())


def is_blank(row: list[str]) -> bool:
    return not any(cell.strip() for cell in row)


def two_row_header(upper: list[str], lower: list[str]) -> list[str]:
    """The headings of a header of two rows: a column's own heading where it names a field, its
    group's heading and its own together where together they do (残疾 over 类别), the group's
    where the lower cell is blank or repeats it (a heading merged down both rows), else its own."""
    width = max(len(upper), len(lower))
    out = []
    for top, bottom in zip(
        upper + [""] * (width - len(upper)), lower + [""] * (width - len(lower)), strict=True
    ):
        top, bottom = header_text(top), header_text(bottom)
        if not bottom or bottom == top:
            out.append(top)
        elif not top or header_field(bottom):
            out.append(bottom)
        elif header_field(top + bottom):
            out.append(f"{top} {bottom}")
        else:
            out.append(bottom)
    return out


def is_column_numbering(row: list[str]) -> bool:
    """Whether a row under the header numbers the columns (1, 2, 3, …), as official forms do."""
    cells = [cell.strip() for cell in row if cell.strip()]
    if len(cells) < 3 or not all(cell.isdecimal() and len(cell) <= 3 for cell in cells):
        return False
    numbers = [int(cell) for cell in cells]
    return all(a < b for a, b in zip(numbers, numbers[1:], strict=False))


def find_header(rows: list[list[str]]) -> tuple[int, list[str]]:
    """The header among the first rows, as the index of its last row and its headings.

    The header is the row, or the two rows read together, naming the most known fields; title
    and note rows come before it. Two rows are taken together only when they name more fields
    than either alone, and a row numbering the columns (the first row under it that is not
    blank, nor the header again, as a header of two rows merged down both reads) belongs to the
    header.
    """
    candidates = []
    for index, row in enumerate(rows):
        if not is_blank(row):
            headers = [header_text(cell) for cell in row]
            candidates.append((len(guess_mapping(headers)), index, headers))
    for index in range(1, len(rows)):
        if not is_blank(rows[index - 1]) and not is_blank(rows[index]):
            headers = two_row_header(rows[index - 1], rows[index])
            candidates.append((len(guess_mapping(headers)), index, headers))
    # The first of the best: a single row before two rows that name no more.
    count, last, headers = max(candidates, key=lambda c: c[0], default=(0, 0, []))
    if count < 2:
        raise ReadError(
            _("No header row with known column names (such as 姓名 or 身份证号码) was found.")
        )
    below = next(
        (
            i
            for i in range(last + 1, len(rows))
            if not is_blank(rows[i]) and [header_text(cell) for cell in rows[i]] != headers
        ),
        None,
    )
    if below is not None and is_column_numbering(rows[below]):
        last = below
    return last, headers


CHUNK_ROWS = 50_000
# The unit and record separators of ASCII, which no ledger types: a chunk's cells joined by them
# are one text that polars splits into columns in Rust.
CELL_END, ROW_END = "\x1f", "\x1e"


def row_line(row: list, width: int) -> str | list[str]:
    """A row as one line of text: its cells padded with blanks or cut to `width`, turned into
    text by `cell_text` where they are numbers or dates, and ended by CELL_END but the last; the
    cells themselves, as text, when one of them holds CELL_END, which the line could not be split
    back at.

    polars would write a number as digits, the eighteen of an identity number typed as a number
    among them, though a spreadsheet keeps only the first fifteen or so. A row held as one text
    is one Python object instead of a list of them, which the collector would walk again and
    again while a chunk fills."""
    if len(row) != width:
        row = (row[:width] + [""] * (width - len(row)))[:width]
    try:
        line = CELL_END.join(row)
    except TypeError:  # a number or a date among the cells
        row = [v if type(v) is str else cell_text(v) for v in row]
        line = CELL_END.join(row)
    return line if line.count(CELL_END) == width - 1 else row


def split_frame(data: bytes, height: int, width: int) -> pl.DataFrame | None:
    """The text columns c0… of `height` lines (`row_line`) ended by ROW_END but the last, split
    by polars; None when the text cannot be split back into the same cells: a cell holding a
    separator, a carriage return (polars drops one before a separator) or a byte-order mark at
    the start (polars drops it too). With one column a blank row would be an empty line, which
    polars skips."""
    if (
        width < 2
        or not height
        or data.count(CELL_END.encode()) != height * (width - 1)
        or data.count(ROW_END.encode()) != height - 1
        or b"\r" in data
        or data.startswith(codecs.BOM_UTF8)
    ):
        return None
    return pl.read_csv(
        data,
        has_header=False,
        separator=CELL_END,
        eol_char=ROW_END,
        quote_char=None,
        schema={f"c{i}": pl.String for i in range(width)},
        empty_string_is_null=False,
    )


def frame_of(lines: list, width: int) -> pl.DataFrame:
    """Rows made by `row_line` as text columns c0…: their lines joined into one text that polars
    splits (in Rust), or, where that would change a cell, split into their cells here."""
    try:
        frame = split_frame(ROW_END.join(lines).encode(), len(lines), width)
    except TypeError:  # a row kept as its cells
        frame = None
    if frame is None:
        rows = [line.split(CELL_END) if type(line) is str else line for line in lines]
        schema = {f"c{i}": pl.String for i in range(width)}
        frame = pl.DataFrame(rows, schema=schema, orient="row")
    return frame


def head_of(rows) -> list[list[str]]:
    """The first rows of an iterator of rows, as text, up to HEADER_SCAN_ROWS that are not
    blank (and at most HEAD_ROWS in all); the iterator goes on after them."""
    head: list[list[str]] = []
    filled = 0
    for row in rows:
        head.append([v if type(v) is str else cell_text(v) for v in row])
        filled += not is_blank(head[-1])
        if filled == HEADER_SCAN_ROWS or len(head) == HEAD_ROWS:
            break
    return head


def make_sheet(name: str, rows) -> Sheet:
    """A sheet from an iterator of rows, turned into text columns a chunk at a time.

    Each row becomes one line of text as it comes (`row_line`), and only one chunk of lines lives
    as Python strings at once; a county's ledger would otherwise hold millions of them.
    """
    rows = iter(rows)
    head = head_of(rows)
    if all(is_blank(row) for row in head):
        raise ReadError(_("The sheet “%(sheet)s” is empty.") % {"sheet": name})
    last, headers = find_header(head)
    width = len(headers)
    frames, chunk = [], [row_line(row, width) for row in head[last + 1 :]]
    for row in rows:
        chunk.append(row_line(row, width))
        if len(chunk) == CHUNK_ROWS:
            frames.append(frame_of(chunk, width))
            chunk = []
    frames.append(frame_of(chunk, width))
    return Sheet(name, headers, last + 1, pl.concat(frames), guess_mapping(headers))


def cell_rows(sheet, merged=None):
    """The sheet's rows from its first row and first column, merged cells filled with the value
    of their top-left cell (cells stay as calamine gives them: text, numbers, dates; `row_line`
    turns them into text). `merged` gives the ranges where calamine knows none (an .ods).

    calamine gives every row from the first, but each from the first column that holds
    something; the columns before it are put back, so that a cell keeps its column's place.

    Ranges are taken in order of their first row and dropped after their last, so memory holds
    the ranges and their values, not their cells; the cells they cover, cut to the sheet, are
    counted first, so that overlapping ranges cannot make filling in cost more than the sheet.
    """
    if sheet.start is None:
        return
    merged = sheet.merged_cell_ranges or merged or []
    if len(merged) > MAX_MERGED_RANGES:
        raise ReadError(
            _("The sheet has more than %(max)s merged ranges; unmerge the cells and fill them in.")
            % {"max": f"{MAX_MERGED_RANGES:,}"}
        )
    before = [""] * sheet.start[1]
    last_row, last_column = sheet.end
    ranges = sorted(
        (top, left, min(bottom, last_row), min(right, last_column))
        for (top, left), (bottom, right) in merged
        if top <= last_row and left <= last_column
    )
    covered = sum((bottom - top + 1) * (right - left + 1) for top, left, bottom, right in ranges)
    if covered > MAX_CELLS:
        raise ReadError(spreadsheets.too_many_cells(LIMITS).messages[0])
    waiting = iter(ranges)
    upcoming = next(waiting, None)
    active: list[tuple[int, int, int, int, object]] = []
    for index, row in enumerate(sheet.iter_rows()):
        if before:
            row = before + row
        while upcoming is not None and upcoming[0] == index:
            top, left, bottom, right = upcoming
            active.append((top, left, bottom, right, row[left] if left < len(row) else ""))
            upcoming = next(waiting, None)
        if active:
            active = [span for span in active if span[2] >= index]
            for top, left, _bottom, right, value in active:
                first = left + 1 if top == index else left
                for c in range(first, min(right, len(row) - 1) + 1):
                    row[c] = value
        yield row


def too_many_rows(sheet: str) -> ReadError:
    return ReadError(
        _("The sheet “%(sheet)s” has more than %(max)s rows; split the file by village.")
        % {"sheet": sheet, "max": f"{MAX_ROWS:,}"}
    )


LIMITS = spreadsheets.Limits(
    bytes=MAX_BYTES,
    expanded_bytes=MAX_EXPANDED_BYTES,
    rows=MAX_ROWS,
    columns=MAX_COLUMNS,
    cells=MAX_CELLS,
)


def too_wide() -> ReadError:
    return ReadError(
        _("The sheet is too large: at most %(rows)s rows and %(columns)s columns.")
        % {"rows": f"{MAX_ROWS:,}", "columns": MAX_COLUMNS}
    )


def unreadable() -> ReadError:
    return ReadError(_("The file is not a spreadsheet that can be read."))


def check_zip_size(path: Path) -> dict[str, list]:
    """Refuse a zip-based workbook too large to read before calamine holds a whole sheet; return
    the merged ranges of an .ods by sheet (calamine reads those of an .xlsx, not of an .ods).

    calamine reads a worksheet in one piece, making room for every row and column up to the
    furthest cell (a million rows take well over a gigabyte), and reads the shared strings and
    styles whole. So for an .xlsx the parts' expanded size, the styles and the number of shared
    strings are checked first, then each sheet's rows are counted and its furthest cell found, in
    one pass over the compressed file as it streams (`core.spreadsheets`).

    An .ods (a zip with content.xml) is held to the same expanded size, and its largest sheet is
    measured from content.xml, counting repeated rows and cells, and its merged ranges found in
    the same pass (`core.spreadsheets.ods_measure`).
    An .xlsb is refused: its binary parts cannot be measured before calamine reads them, and a
    few bytes of it can declare a sheet of 17 billion cells. A zip that is neither, or whose parts
    fail their checks as they stream (a part longer than it declares), is refused.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            merged: dict[str, list] = {}
            if "xl/workbook.bin" in names:
                raise ReadError(_("Save the file as .xlsx (an .xlsb cannot be checked)."))
            if "content.xml" in names and "xl/workbook.xml" not in names:
                spreadsheets.xlsx_parts_measure(archive, LIMITS)
                largest = spreadsheets.ods_measure(
                    archive,
                    rows=MAX_ROWS,
                    columns=MAX_COLUMNS,
                    merged=merged,
                    merged_max=MAX_MERGED_RANGES,
                )
                sizes = [(path.name, largest)]
            else:
                sizes = spreadsheets.xlsx_sheet_sizes(archive, LIMITS)
            for name, size in sizes:
                if size.height > LIMITS.rows:
                    raise too_many_rows(name)
                if size.too_wide:
                    raise too_wide()
                if size.cells > LIMITS.cells:
                    raise spreadsheets.too_many_cells(LIMITS)
    except spreadsheets.SpreadsheetRefused as error:
        raise ReadError(error.messages[0]) from None
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, EOFError, OSError):
        raise unreadable() from None
    return merged


def check_sheet_size(name: str, sheet) -> None:
    """What calamine laid out, checked again before any of it becomes Python objects: the rows
    and columns from the first of the sheet, as `cell_rows` gives them."""
    if sheet.end is None:
        return
    height, width = sheet.end[0] + 1, sheet.end[1] + 1
    if height > MAX_ROWS:
        raise too_many_rows(name)
    if width > MAX_COLUMNS:
        raise too_wide()
    if height * width > MAX_CELLS:
        raise ReadError(spreadsheets.too_many_cells(LIMITS).messages[0])


def check_xls_size(path: Path) -> None:
    """Refuse an .xls whose sheets hold cells further out than the limits allow, from its cell
    records, before calamine lays the sheets out (`core.spreadsheets.xls_measure`)."""
    try:
        with path.open("rb") as handle:
            spreadsheets.xls_measure(handle, LIMITS)
    except spreadsheets.SpreadsheetRefused as error:
        raise ReadError(error.messages[0]) from None


def read_spreadsheet(path: Path) -> list[Sheet]:
    merged: dict[str, list] = {}
    if zipfile.is_zipfile(path):
        merged = check_zip_size(path)
    else:
        with path.open("rb") as handle:
            if handle.read(len(spreadsheets.OLE_MAGIC)) == spreadsheets.OLE_MAGIC:
                check_xls_size(path)
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    except python_calamine.PasswordError:
        raise ReadError(_("The file is protected by a password; save it without one.")) from None
    except Exception:  # calamine raises several kinds for files that are not spreadsheets
        raise unreadable() from None
    sheets = []
    errors = []
    for name in workbook.sheet_names:
        try:
            sheet = workbook.get_sheet_by_name(name)
        except Exception:  # a sheet calamine cannot lay out, whatever the kind of failure
            raise unreadable() from None
        check_sheet_size(name, sheet)
        try:
            sheets.append(make_sheet(name, cell_rows(sheet, merged.get(name))))
        except ReadError as error:
            errors.append(error)
    if not sheets:
        raise errors[0] if errors else ReadError(_("The file has no sheets."))
    return sheets


def csv_rows(lines: list[str], separator: str = ","):
    """The rows of the first lines of a CSV, up to a cell longer than the csv module reads
    (128 KB): polars reads such a cell with the others, and the checks report it."""
    reader = csv.reader(lines, delimiter=separator)
    while True:
        try:
            yield next(reader)
        except (StopIteration, csv.Error):
            return


SEPARATORS = (",", "\t")


def text_header(lines: list[str]) -> tuple[str, int, list[str]]:
    """The separator of a text table and its header: a comma, or a tab as a spreadsheet saves
    "Unicode text" and "Text (tab delimited)"; whichever finds the header naming more fields."""
    found, refused = [], None
    for separator in SEPARATORS:
        try:
            last, headers = find_header(head_of(csv_rows(lines, separator)))
        except ReadError as error:
            refused = refused or error
            continue
        found.append((len(guess_mapping(headers)), separator, last, headers))
    if not found:
        raise refused
    _count, separator, last, headers = max(found, key=lambda f: f[0])
    return separator, last, headers


def read_csv(path: Path) -> list[Sheet]:
    data = utf8_csv(path.read_bytes())
    separator, last, headers = text_header(head_lines(data, HEAD_ROWS))
    schema = {f"c{i}": pl.String for i in range(len(headers))}
    try:
        # A lazy scan cut at the limit parses only what it keeps; read_csv holds far more. The
        # columns are the header's: a short row is filled with blanks, a long one cut.
        frame = (
            pl.scan_csv(
                data,
                has_header=False,
                separator=separator,
                skip_rows=last + 1,
                schema=schema,
                truncate_ragged_lines=True,
            )
            .head(MAX_ROWS + 1)
            .collect()
        )
    except pl.exceptions.NoDataError:
        # Nothing under the header: a sheet with no records, as a spreadsheet's would be.
        frame = pl.DataFrame(schema=schema)
    except pl.exceptions.PolarsError:
        raise ReadError(_("The file is not a CSV table that can be read.")) from None
    if frame.height > MAX_ROWS:
        raise too_many_rows(path.name)
    frame = frame.fill_null("")
    return [Sheet(path.stem, headers, last + 1, frame, guess_mapping(headers))]


def read_ledger(path: Path) -> list[Sheet]:
    """The sheets of a ledger file that have a recognisable header."""
    path = Path(path)
    if not path.exists():
        raise ReadError(_("The file does not exist."))
    if path.stat().st_size > MAX_BYTES:
        raise ReadError(_("The file is larger than 200 MB; split it by village."))
    if path.suffix.lower() in {".csv", ".txt"}:
        return read_csv(path)
    if path.suffix.lower() in SPREADSHEET_SUFFIXES:
        return read_spreadsheet(path)
    head = path.read_bytes()[:8]
    if head.startswith((b"PK", b"\xd0\xcf\x11\xe0")):
        return read_spreadsheet(path)
    raise ReadError(_("Give a .xlsx, .xls, .ods, .csv or .txt file."))
