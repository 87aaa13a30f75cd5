"""Writing ledgers as counties send them, in every format the import reads.

A ledger is a list of `Grid`s (one per sheet): rows of cells, where a cell is text (str), a
number (int or float, written as a spreadsheet number), a date (written as a date cell) or None
(empty); with merged ranges and hidden columns. The same grid is written as .xlsx (XlsxWriter),
.xls (BIFF8 in a compound file, written here: no library the project uses writes .xls), .ods
(OpenDocument, written here) or .csv (as a spreadsheet saves one: numbers and dates as it shows
them, merged cells empty but their first).
"""

import csv
import datetime
import math
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import xlsxwriter

EXCEL_EPOCH = datetime.date(1899, 12, 30)


@dataclass
class Grid:
    name: str
    rows: list[list]
    merged: list[tuple[int, int, int, int]] = field(
        default_factory=list
    )  # top, left, bottom, right
    hidden_columns: set[int] = field(default_factory=set)

    def covered(self) -> set[tuple[int, int]]:
        """The cells a merged range covers, its top-left one excepted."""
        return {
            (r, c)
            for top, left, bottom, right in self.merged
            for r in range(top, bottom + 1)
            for c in range(left, right + 1)
            if (r, c) != (top, left)
        }


def serial(value: datetime.date) -> int:
    return (value - EXCEL_EPOCH).days


def write_xlsx(path: Path, grids: list[Grid]) -> Path:
    book = xlsxwriter.Workbook(str(path))
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    for grid in grids:
        sheet = book.add_worksheet(grid.name)
        for column in grid.hidden_columns:
            sheet.set_column(column, column, None, None, {"hidden": True})
        covered = grid.covered()
        for r, row in enumerate(grid.rows):
            for c, value in enumerate(row):
                if value is None or (r, c) in covered:
                    continue
                if isinstance(value, str):
                    sheet.write_string(r, c, value)
                elif isinstance(value, datetime.date):
                    sheet.write_datetime(
                        r, c, datetime.datetime.combine(value, datetime.time()), date_format
                    )
                else:
                    sheet.write_number(r, c, value)
        for top, left, bottom, right in grid.merged:
            sheet.merge_range(top, left, bottom, right, None)
            value = grid.rows[top][left] if left < len(grid.rows[top]) else None
            if isinstance(value, str):
                sheet.write_string(top, left, value)
            elif isinstance(value, datetime.date):
                sheet.write_datetime(
                    top, left, datetime.datetime.combine(value, datetime.time()), date_format
                )
            elif value is not None:
                sheet.write_number(top, left, value)
    book.close()
    return path


# BIFF8 records (Microsoft's [MS-XLS]) and the compound file around them ([MS-CFB]).
BOF, EOF, CODEPAGE, XF, BOUNDSHEET = 0x0809, 0x000A, 0x0042, 0x00E0, 0x0085
DIMENSIONS, COLINFO, NUMBER, LABEL, MERGEDCELLS = 0x0200, 0x007D, 0x0203, 0x0204, 0x00E5
DATE_XF = 1  # the second XF: the built-in date format 14
SECTOR = 512
END_OF_CHAIN, FREE, FAT_SECTOR, NO_STREAM = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF


def record(kind: int, body: bytes) -> bytes:
    return struct.pack("<HH", kind, len(body)) + body


def unicode_string(text: str, *, length_bytes: int = 2) -> bytes:
    """An XLUnicodeString: the length, a flag byte (1: UTF-16), the characters."""
    data = text.encode("utf-16-le")
    length = struct.pack("<H" if length_bytes == 2 else "<B", len(data) // 2)
    return length + b"\x01" + data


def xf(number_format: int) -> bytes:
    return record(XF, struct.pack("<HHH", 0, number_format, 0x0001) + bytes(14))


def sheet_stream(grid: Grid) -> bytes:
    width = max((len(row) for row in grid.rows), default=0)
    parts = [
        record(BOF, struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB, 0x07CC, 0, 0x06)),
        record(DIMENSIONS, struct.pack("<IIHHH", 0, len(grid.rows), 0, width, 0)),
    ]
    for column in sorted(grid.hidden_columns):
        parts.append(record(COLINFO, struct.pack("<HHHHHH", column, column, 2560, 0, 1, 0)))
    covered = grid.covered()
    for r, row in enumerate(grid.rows):
        for c, value in enumerate(row):
            if value is None or (r, c) in covered:
                continue
            if isinstance(value, str):
                parts.append(record(LABEL, struct.pack("<HHH", r, c, 0) + unicode_string(value)))
            elif isinstance(value, datetime.date):
                parts.append(record(NUMBER, struct.pack("<HHHd", r, c, DATE_XF, serial(value))))
            else:
                parts.append(record(NUMBER, struct.pack("<HHHd", r, c, 0, float(value))))
    for start in range(0, len(grid.merged), 1000):
        ranges = grid.merged[start : start + 1000]
        body = struct.pack("<H", len(ranges)) + b"".join(
            struct.pack("<HHHH", top, bottom, left, right) for top, left, bottom, right in ranges
        )
        parts.append(record(MERGEDCELLS, body))
    parts.append(record(EOF, b""))
    return b"".join(parts)


def workbook_stream(grids: list[Grid]) -> bytes:
    sheets = [sheet_stream(grid) for grid in grids]

    def globals_part(offsets):
        return b"".join(
            [
                record(BOF, struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 0x06)),
                record(CODEPAGE, struct.pack("<H", 1200)),
                xf(0),
                xf(14),
                *(
                    record(
                        BOUNDSHEET,
                        struct.pack("<IBB", offset, 0, 0)
                        + unicode_string(grid.name, length_bytes=1),
                    )
                    for offset, grid in zip(offsets, grids, strict=True)
                ),
                record(EOF, b""),
            ]
        )

    start = len(globals_part([0] * len(grids)))
    offsets = []
    for sheet in sheets:
        offsets.append(start)
        start += len(sheet)
    return globals_part(offsets) + b"".join(sheets)


def compound_file(stream: bytes, name: str = "Workbook") -> bytes:
    """A compound file holding one stream, in 512-byte sectors: the stream's, then the
    directory's, then the allocation table's. A stream under 4096 bytes would go to the mini
    stream, so it is padded to that size (what follows a workbook's last EOF is never read)."""
    stream = stream.ljust(max(4096, math.ceil(len(stream) / SECTOR) * SECTOR), b"\0")
    data_sectors = len(stream) // SECTOR
    fat_sectors = 1
    while fat_sectors * (SECTOR // 4) < data_sectors + 1 + fat_sectors:
        fat_sectors += 1
    assert fat_sectors <= 109, "a test ledger fits in the header's table of 109 sectors"
    directory = data_sectors
    fat = [i + 1 for i in range(data_sectors - 1)] + [END_OF_CHAIN, END_OF_CHAIN]
    fat += [FAT_SECTOR] * fat_sectors
    fat += [FREE] * (fat_sectors * (SECTOR // 4) - len(fat))
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16)
    header += struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6) + bytes(6)
    header += struct.pack("<IIIIIII", 0, fat_sectors, directory, 0, 4096, END_OF_CHAIN, 0)
    header += struct.pack("<II", END_OF_CHAIN, 0)
    difat = [directory + 1 + i for i in range(fat_sectors)]
    header += struct.pack("<109I", *(difat + [FREE] * (109 - len(difat))))

    def entry(entry_name, kind, child, start, size):
        encoded = (entry_name + "\0").encode("utf-16-le") if entry_name else b""
        return (
            encoded.ljust(64, b"\0")
            + struct.pack("<HBB", len(encoded), kind, 1)
            + struct.pack("<III", NO_STREAM, NO_STREAM, child)
            + bytes(16 + 4 + 16)
            + struct.pack("<IQ", start, size)
        )

    entries = entry("Root Entry", 5, 1, END_OF_CHAIN, 0) + entry(name, 2, NO_STREAM, 0, len(stream))
    entries += entry("", 0, NO_STREAM, 0, 0) * 2
    table = struct.pack(f"<{len(fat)}I", *fat)
    return header + stream + entries + table


def write_xls(path: Path, grids: list[Grid]) -> Path:
    path.write_bytes(compound_file(workbook_stream(grids)))
    return path


def ods_cell(value, attributes: str = "") -> str:
    if value is None:
        return f"<table:table-cell{attributes}/>"
    if isinstance(value, str):
        return (
            f'<table:table-cell office:value-type="string"{attributes}>'
            f"<text:p>{escape(value)}</text:p></table:table-cell>"
        )
    if isinstance(value, datetime.date):
        return (
            f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}"'
            f"{attributes}/>"
        )
    return f'<table:table-cell office:value-type="float" office:value="{value!r}"{attributes}/>'


def ods_table(grid: Grid) -> str:
    width = max((len(row) for row in grid.rows), default=0)
    spans = {(top, left): (bottom, right) for top, left, bottom, right in grid.merged}
    covered = grid.covered()
    parts = [f"<table:table table:name={quoteattr(grid.name)}>"]
    for c in range(width):
        hidden = ' table:visibility="collapse"' if c in grid.hidden_columns else ""
        parts.append(f"<table:table-column{hidden}/>")
    for r, row in enumerate(grid.rows):
        parts.append("<table:table-row>")
        for c in range(width):
            value = row[c] if c < len(row) else None
            if (r, c) in covered:
                parts.append("<table:covered-table-cell/>")
            elif (r, c) in spans:
                bottom, right = spans[(r, c)]
                attributes = (
                    f' table:number-rows-spanned="{bottom - r + 1}"'
                    f' table:number-columns-spanned="{right - c + 1}"'
                )
                parts.append(ods_cell(value, attributes))
            else:
                parts.append(ods_cell(value))
        parts.append("</table:table-row>")
    parts.append("</table:table>")
    return "".join(parts)


def ods_package(path: Path, tables: bytes) -> Path:
    """An .ods holding these tables (the XML of its `table:table` elements) and nothing else a
    reader needs: the mime type, the manifest and the content."""
    office = "urn:oasis:names:tc:opendocument:xmlns"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr(
            "META-INF/manifest.xml",
            '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest='
            f'"{office}:manifest:1.0"><manifest:file-entry manifest:full-path="/" '
            'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
            '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type='
            '"text/xml"/></manifest:manifest>',
        )
        archive.writestr(
            "content.xml",
            (
                '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
                f'xmlns:office="{office}:office:1.0" xmlns:table="{office}:table:1.0" '
                f'xmlns:text="{office}:text:1.0" office:version="1.2"><office:body>'
                "<office:spreadsheet>"
            ).encode()
            + tables
            + b"</office:spreadsheet></office:body></office:document-content>",
        )
    return path


def write_ods(path: Path, grids: list[Grid]) -> Path:
    return ods_package(path, "".join(ods_table(grid) for grid in grids).encode())


def shown(value) -> str:
    """A cell as a spreadsheet saves it to CSV: a number as its General format shows it (at most
    eleven characters, so an identity number as 5.30128E+17), a date as 1980/5/17."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, datetime.date):
        return f"{value.year}/{value.month}/{value.day}"
    if float(value).is_integer() and abs(value) < 1e11:
        return str(int(value))
    mantissa, exponent = f"{float(value):.5E}".split("E")
    return f"{mantissa.rstrip('0').rstrip('.')}E{exponent[0]}{exponent[1:].lstrip('0'):0>2}"


def write_csv(path: Path, grid: Grid, *, encoding: str = "utf-8") -> Path:
    covered = grid.covered()
    with path.open("w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle)
        for r, row in enumerate(grid.rows):
            cells = ["" if (r, c) in covered else shown(value) for c, value in enumerate(row)]
            writer.writerow(cells)
    return path
