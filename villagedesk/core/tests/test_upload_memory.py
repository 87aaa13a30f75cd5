"""Crafted spreadsheets are refused by every importer within 200 MB of memory.

Each importer runs in a child process of its own (a fresh interpreter with Django set up on a
throw-away SQLite database), so that what calamine or polars allocate is the child's and can be
measured: the child notes its resident size after set-up, then for each file resets its high-water
mark (/proc/self/clear_refs) and reads the peak (VmHWM) once the importer has answered. The growth
is counted from the baseline after set-up, not from the previous file, so memory kept by one file
counts against the next. An address-space limit keeps a guard that fails from taking the machine
down with it: the child dies and the test fails.

The files are built here with zipfile and generators, so that none is stored in the repository and
the zip bombs (parts expanding to more than 2 GB) take a few megabytes on disk. The crafted .xls
files are the registry's test ledger (saved as .xls by LibreOffice) with one cell record moved.
"""

import contextlib
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import olefile
import pytest
from django.conf import settings

from villagedesk.registry.tests.ledgers import ods_cell, ods_package

pytestmark = pytest.mark.timeout(120)

LIMIT_MB = 200
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships"


def content_types(shared_strings: bool) -> str:
    override = (
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        if shared_strings
        else ""
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' + override + "</Types>"
    )


def workbook_rels(shared_strings: bool) -> str:
    extra = (
        f'<Relationship Id="rId2" Type="{RELS}/sharedStrings" Target="sharedStrings.xml"/>'
        if shared_strings
        else ""
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_RELS}">'
        f'<Relationship Id="rId1" Type="{RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
        f"{extra}</Relationships>"
    )


def xlsx_write(path: Path, rows, *, shared_strings=None, level: int = 9, after=b"") -> Path:
    """A workbook of one sheet whose sheetData is the bytes `rows` yields, followed by `after`;
    `shared_strings`, if given, yields the bytes of the shared strings' <sst> content."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as archive:
        archive.writestr("[Content_Types].xml", content_types(shared_strings is not None))
        archive.writestr(
            "_rels/.rels",
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_RELS}">'
            f'<Relationship Id="rId1" Type="{RELS}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>",
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{RELS}">'
            '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr("xl/_rels/workbook.xml.rels", workbook_rels(shared_strings is not None))
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
            part.write(f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'.encode())
            part.write(b"<sheetData>")
            for chunk in rows:
                part.write(chunk)
            part.write(b"</sheetData>" + after + b"</worksheet>")
        if shared_strings is not None:
            with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
                part.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">'.encode())
                for chunk in shared_strings:
                    part.write(chunk)
                part.write(b"</sst>")
    return path


HEADER = b'<row r="1"><c r="A1" t="inlineStr"><is><t>name</t></is></c></row>'
BOMB_BYTES = 2200 * 1024 * 1024


def repeated(unit: bytes, total: int):
    chunk = unit * ((1 << 20) // len(unit))
    for _ in range(total // len(chunk) + 1):
        yield chunk


def one_cell(reference: str):
    yield HEADER
    row = "".join(c for c in reference if c.isdigit())
    yield f'<row r="{row}"><c r="{reference}"><v>1</v></c></row>'.encode()


def tall_rows(count: int):
    yield HEADER
    for start in range(2, count + 1, 10_000):
        yield b"".join(
            b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (n, n)
            for n in range(start, min(start + 10_000, count + 1))
        )


def wide_row(cells: int):
    yield HEADER
    yield b'<row r="2">' + b"<c><v>1</v></c>" * cells + b"</row>"


LEDGER_XLS = Path(settings.BASE_DIR) / "villagedesk/registry/tests/files/ledger.xls"
LABELSST = 0x00FD


def xls_with_a_cell_moved(path: Path, row: int, column: int) -> Path:
    """ledger.xls with the last text cell of its sheet moved to (row, column), both from 0.

    The record is found in the workbook stream and then in the file, whose sectors hold the
    stream as it is; only its row and column change, so the file stays a valid .xls."""
    data = bytearray(LEDGER_XLS.read_bytes())
    with olefile.OleFileIO(bytes(data)) as ole:
        stream = ole.openstream("Workbook").read()
    offset, last = 0, None
    while offset <= len(stream) - 4:
        kind, length = (
            int.from_bytes(stream[offset : offset + 2], "little"),
            int.from_bytes(stream[offset + 2 : offset + 4], "little"),
        )
        if kind == LABELSST:
            last = stream[offset : offset + 4 + length]
        offset += 4 + length
    at = data.find(last)
    assert at >= 0 and data.find(last, at + 1) < 0
    data[at + 4 : at + 8] = row.to_bytes(2, "little") + column.to_bytes(2, "little")
    path.write_bytes(bytes(data))
    return path


def merged_ranges(count: int, rows: int) -> bytes:
    """Merged ranges laid over one another, each from the first row to row `rows`."""
    return (
        b'<mergeCells count="%d">' % count
        + b'<mergeCell ref="A1:B%d"/>' % rows * count
        + b"</mergeCells>"
    )


@pytest.fixture(scope="module")
def crafted(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("crafted")
    files = {
        "cell_at_XFD1": xlsx_write(folder / "wide-cell.xlsx", one_cell("XFD1")),
        "row_of_16384_cells": xlsx_write(folder / "wide-row.xlsx", wide_row(16_384)),
        "cell_at_A1048576": xlsx_write(folder / "tall-cell.xlsx", one_cell("A1048576")),
        "600001_rows": xlsx_write(folder / "tall-rows.xlsx", tall_rows(600_001)),
        "cell_at_XFD600000": xlsx_write(folder / "tiny.xlsx", one_cell("XFD600000")),
        "cell_at_GR600000_in_an_unnumbered_row": xlsx_write(
            folder / "unnumbered.xlsx",
            iter([HEADER, b'<row><c r="GR600000"><v>1</v></c></row>']),
        ),
        "sheet_bomb": xlsx_write(
            folder / "sheet-bomb.xlsx", repeated(b"<row><c><v>1</v></c></row>", BOMB_BYTES)
        ),
        "shared_strings_bomb": xlsx_write(
            folder / "strings-bomb.xlsx",
            iter([HEADER]),
            shared_strings=repeated(b"<si><t>x</t></si>", BOMB_BYTES),
        ),
        "xls_cell_at_IV65536": xls_with_a_cell_moved(folder / "corner.xls", 65_535, 255),
        "merged_ranges_over_a_tall_sheet": xlsx_write(
            folder / "merged.xlsx", tall_rows(100_000), after=merged_ranges(1000, 100_000)
        ),
    }
    assert (folder / "tiny.xlsx").stat().st_size < 2000
    assert (folder / "corner.xls").stat().st_size < 10_000
    assert (folder / "sheet-bomb.xlsx").stat().st_size < 10 * 1024 * 1024
    return files


CHILD = r"""
import gc, json, os, resource, sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "villagedesk.settings")
import django

django.setup()
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.core.management import call_command
from django.core.exceptions import ValidationError
from django.utils import translation

importer, language, paths = sys.argv[1], sys.argv[2], sys.argv[3:]
if importer == "migrate":
    call_command("migrate", verbosity=0)
    from villagedesk.accounts.models import Assignment, Role, User
    from villagedesk.areas.models import Area, Level

    parent = None
    for code, level in [
        ("530000000000", Level.PROVINCE),
        ("530100000000", Level.CITY),
        ("530128000000", Level.COUNTY),
        ("530128100000", Level.TOWNSHIP),
        ("530128100001", Level.VILLAGE),
    ]:
        parent = Area.objects.create(code=code, level=level, name=code, parent=parent)
    user = User.objects.create_user(username="cadre", password="pw-for-tests-1")
    Assignment.objects.create(user=user, area=parent, role=Role.CADRE)
    sys.exit(0)

from villagedesk.accounts.models import User
from villagedesk.areas.models import Area
from villagedesk.directory.imports import contacts_import
from villagedesk.registry.imports import jobs
from villagedesk.registry.imports.engine import run_import
from villagedesk.registry.imports.reading import ReadError
from villagedesk.welfare.services import enrolment_rows

user = User.objects.get(username="cadre")
area = Area.objects.get(code="530128100001")


def upload(path):
    return UploadedFile(open(path, "rb"), name=os.path.basename(path), size=os.path.getsize(path))


def registry_command(path):
    try:
        run_import(path, area=area)
    except ReadError as error:
        return str(error)
    return "accepted"


def registry_job(path):
    with open(path, "rb") as handle:
        upload = File(handle, name=os.path.basename(path))
        job = jobs.import_check(by=user, area=area, upload=upload)
    return job.message if job.status == "rejected" else "accepted"


def contacts(path):
    report = contacts_import(by=user, area=area, upload=upload(path), organisations=[])
    return report.errors[0].messages[0] if report.errors else "accepted"


def enrolments(path):
    try:
        enrolment_rows(upload(path))
    except ValidationError as error:
        return error.messages[0]
    return "accepted"


def status(key):
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(key + ":"):
                return int(line.split()[1]) // 1024


run = {"registry_command": registry_command, "registry_job": registry_job,
       "contacts": contacts, "enrolments": enrolments}[importer]
gc.collect()
baseline = status("VmRSS")
# A guard that fails would allocate gigabytes: the child dies instead of the machine.
room = (status("VmSize") + 3 * 1024) * 1024 * 1024
resource.setrlimit(resource.RLIMIT_AS, (room, room))
answers = {}
for path in paths:
    print("reading", path, file=sys.stderr, flush=True)
    gc.collect()
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")
    with translation.override(language):
        message = run(path)
    answers[path] = {"message": message, "grown_mb": status("VmHWM") - baseline}
print(json.dumps(answers))
"""


@pytest.fixture(scope="module")
def child_env(tmp_path_factory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("child")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'db.sqlite3'}",
        "VAR_DIR": str(folder),
        "MEDIA_ROOT": str(folder / "media"),
        "DEBUG": "false",
        "LOG_LEVEL": "ERROR",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    child(env, "migrate", "en", [])
    return env


def child(env, importer: str, language: str, paths) -> dict:
    done = subprocess.run(  # noqa: S603 - our own interpreter running our own script
        [sys.executable, "-c", CHILD, importer, language, *map(str, paths)],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=110,
        check=False,
    )
    read = [line for line in done.stderr.splitlines() if line.startswith("reading ")]
    assert done.returncode == 0, (read[-1:], done.stderr[:1500])
    return json.loads(done.stdout.strip().splitlines()[-1]) if done.stdout.strip() else {}


TOO_LARGE_SMALL = "The sheet is too large: at most 50,000 rows and 200 columns."
TOO_LARGE_CONTACTS = "The sheet is too large: at most 2,000 rows and 50 columns."
TOO_LARGE_REGISTRY = "The sheet is too large: at most 600,000 rows and 200 columns."
TOO_TALL_REGISTRY = "The sheet “Sheet1” has more than 600,000 rows; split the file by village."
CELLS_REGISTRY = (
    "The sheet is too large: from its first cell to its last it spans more than 24,000,000 "
    "cells; remove the stray cells far below or to the right, or split it."
)
EXPANDS_REGISTRY = "The file expands to more than 2048 MB; split it."
EXPANDS_SMALL = "The file expands to more than 200 MB; split it."
LARGER_CONTACTS = "The file is larger than 5 MB; split it."

EXPECTED = {
    "registry_command": {
        "cell_at_XFD1": TOO_LARGE_REGISTRY,
        "row_of_16384_cells": TOO_LARGE_REGISTRY,
        "cell_at_A1048576": TOO_TALL_REGISTRY,
        "600001_rows": TOO_TALL_REGISTRY,
        "cell_at_XFD600000": TOO_LARGE_REGISTRY,
        "cell_at_GR600000_in_an_unnumbered_row": CELLS_REGISTRY,
        "sheet_bomb": EXPANDS_REGISTRY,
        "shared_strings_bomb": EXPANDS_REGISTRY,
        "xls_cell_at_IV65536": TOO_LARGE_REGISTRY,
        "merged_ranges_over_a_tall_sheet": CELLS_REGISTRY,
    },
    "contacts": {
        "cell_at_XFD1": TOO_LARGE_CONTACTS,
        "row_of_16384_cells": TOO_LARGE_CONTACTS,
        "cell_at_A1048576": TOO_LARGE_CONTACTS,
        "600001_rows": TOO_LARGE_CONTACTS,
        "cell_at_XFD600000": TOO_LARGE_CONTACTS,
        "cell_at_GR600000_in_an_unnumbered_row": TOO_LARGE_CONTACTS,
        "sheet_bomb": LARGER_CONTACTS,
        "shared_strings_bomb": LARGER_CONTACTS,
        "xls_cell_at_IV65536": TOO_LARGE_CONTACTS,
        "merged_ranges_over_a_tall_sheet": TOO_LARGE_CONTACTS,
    },
    "enrolments": {
        "cell_at_XFD1": TOO_LARGE_SMALL,
        "row_of_16384_cells": TOO_LARGE_SMALL,
        "cell_at_A1048576": TOO_LARGE_SMALL,
        "600001_rows": TOO_LARGE_SMALL,
        "cell_at_XFD600000": TOO_LARGE_SMALL,
        "cell_at_GR600000_in_an_unnumbered_row": TOO_LARGE_SMALL,
        "sheet_bomb": EXPANDS_SMALL,
        "shared_strings_bomb": EXPANDS_SMALL,
        "xls_cell_at_IV65536": TOO_LARGE_SMALL,
        "merged_ranges_over_a_tall_sheet": TOO_LARGE_SMALL,
    },
}
EXPECTED["registry_job"] = EXPECTED["registry_command"]


@pytest.mark.parametrize("importer", sorted(EXPECTED))
def test_crafted_spreadsheets_are_refused_within_200_mb(importer, crafted, child_env):
    answers = child(child_env, importer, "en", crafted.values())
    for name, path in crafted.items():
        answer = answers[str(path)]
        print(f"{importer} {name}: +{answer['grown_mb']} MB")
        assert answer["message"] == EXPECTED[importer][name], (importer, name, answer)
        assert answer["grown_mb"] < LIMIT_MB, (importer, name, answer)


def test_the_refusal_is_in_the_users_language(crafted, child_env):
    answers = child(child_env, "enrolments", "zh-hans", [crafted["cell_at_XFD1"]])
    message = answers[str(crafted["cell_at_XFD1"])]["message"]
    assert message != TOO_LARGE_SMALL
    assert "50,000" in message


# The same measures in the test process, for the ways a cell can name its place.
def small_refusal(path: Path, limits=None, *, measured_first: bool = True) -> str:
    """The answer to an upload; `measured_first` fails the test if calamine is reached (the
    refusal must come from measuring, before calamine makes room for the sheet)."""
    from unittest import mock

    from django.core.files.uploadedfile import SimpleUploadedFile

    from villagedesk.core import spreadsheets

    upload = SimpleUploadedFile(path.name, path.read_bytes())
    unreached = mock.patch.object(
        spreadsheets.python_calamine.CalamineWorkbook,
        "from_filelike",
        side_effect=AssertionError("calamine was reached"),
    )
    try:
        with unreached if measured_first else contextlib.nullcontext():
            spreadsheets.sheet_rows(upload, limits or spreadsheets.Limits())
    except spreadsheets.SpreadsheetRefused as error:
        return error.messages[0]
    return "accepted"


@pytest.mark.parametrize(
    "cell",
    [
        b'<c r="xfd1"><v>1</v></c>',  # lower case
        b"<c r='XFD1'><v>1</v></c>",  # single quotes
        b'<c r = "XFD1"><v>1</v></c>',  # blanks around the equals sign
        b'<c r="AAAA1"><v>1</v></c>',  # four letters
        b'<c r="A1"><v>1</v></c>' + b"<c><v>1</v></c>" * 200,  # unplaced after a placed cell
    ],
)
def test_a_cell_far_right_is_found_however_it_is_written(tmp_path, cell):
    path = xlsx_write(tmp_path / "a.xlsx", iter([HEADER, b'<row r="2">' + cell + b"</row>"]))
    assert small_refusal(path) == TOO_LARGE_SMALL


@pytest.mark.parametrize(
    "cell", [b'<c r="a60000"><v>1</v></c>', b"<c r='A60000'><v>1</v></c>", b'<c r="A060000"/>']
)
def test_a_cell_far_below_is_found_however_it_is_written(tmp_path, cell):
    path = xlsx_write(tmp_path / "a.xlsx", iter([HEADER, b"<row>" + cell + b"</row>"]))
    assert small_refusal(path) == TOO_LARGE_SMALL


@pytest.mark.parametrize(
    "cell",
    [
        b'<c r="xfd30001"><v>1</v></c>',  # far right, in lower case
        b"<c r='A60000'><v>1</v></c>",  # far below, in single quotes
        b'<c r = "A060000"/>',  # far below, blanks around the equals sign
        b'<c r="A30001" t="inlineStr"><is><t>\xff</t></is></c><c r="A60000"/>',  # not UTF-8
        b"<c><v>1</v></c>" * 201,  # too many cells that give no position
    ],
)
def test_a_cell_far_out_is_found_past_the_first_megabyte(tmp_path, cell):
    """Past the first megabyte, a chunk is searched by polars first (`spreadsheets.beyond`)."""
    path = xlsx_write(
        tmp_path / "a.xlsx", [*tall_rows(30_000), b'<row r="30001">' + cell + b"</row>"]
    )
    assert small_refusal(path) == TOO_LARGE_SMALL


def test_a_sheet_within_its_rows_and_columns_but_too_many_cells_is_refused(tmp_path):
    from villagedesk.core.spreadsheets import Limits

    path = xlsx_write(
        tmp_path / "a.xlsx", iter([HEADER, b'<row r="40000"><c r="GR40000"><v>1</v></c></row>'])
    )
    assert "cells" in small_refusal(path)
    assert small_refusal(path, Limits(cells=40_000 * 200), measured_first=False) == "accepted"


def test_a_tall_sheet_with_a_row_of_unplaced_cells_is_refused_before_it_is_read(tmp_path):
    rows = [*tall_rows(40_000), b'<row r="40001">' + b"<c><v>1</v></c>" * 150 + b"</row>"]
    path = xlsx_write(tmp_path / "a.xlsx", iter(rows))
    assert "cells" in small_refusal(path)


def test_more_shared_strings_than_cells_are_refused(tmp_path):
    from villagedesk.core.spreadsheets import Limits

    path = xlsx_write(
        tmp_path / "a.xlsx", iter([HEADER]), shared_strings=iter([b"<si><t>x</t></si>" * 1001])
    )
    assert "cells" in small_refusal(path, Limits(cells=1000))
    assert small_refusal(path, Limits(cells=1001), measured_first=False) == "accepted"


def test_a_part_longer_than_it_declares_is_refused(tmp_path):
    path = xlsx_write(tmp_path / "a.xlsx", tall_rows(20))
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
    # The central directory's record of the sheet says it expands to 100 bytes.
    record = data.rindex(b"PK\x01\x02", 0, data.rindex(b"xl/worksheets/sheet1.xml"))
    data[record + 24 : record + 28] = (100).to_bytes(4, "little")
    assert info.file_size > 100
    path.write_bytes(bytes(data))
    assert small_refusal(path) == "The file is not a spreadsheet that can be read."


def test_the_registry_refuses_a_part_longer_than_it_declares(tmp_path, village_a):
    from villagedesk.registry.imports.engine import run_import
    from villagedesk.registry.imports.reading import ReadError

    path = xlsx_write(tmp_path / "a.xlsx", tall_rows(20))
    data = bytearray(path.read_bytes())
    record = data.rindex(b"PK\x01\x02", 0, data.rindex(b"xl/worksheets/sheet1.xml"))
    data[record + 24 : record + 28] = (100).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    with pytest.raises(ReadError, match="not a spreadsheet"):
        run_import(path, area=village_a)


def test_an_xlsb_is_refused_by_the_registry(tmp_path, village_a):
    from villagedesk.registry.imports.engine import run_import
    from villagedesk.registry.imports.reading import ReadError

    path = tmp_path / "a.xlsb"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.bin", b"\x00")
    with pytest.raises(ReadError, match="xlsb"):
        run_import(path, area=village_a)


def ods_write(path: Path, rows: bytes) -> Path:
    """An .ods whose one table holds a header row and then `rows` (their XML as written)."""
    header = "<table:table-row>" + ods_cell("姓名") + ods_cell("身份证号码") + "</table:table-row>"
    table = b'<table:table table:name="S">' + header.encode() + rows + b"</table:table>"
    return ods_package(path, table)


VALUE = b'office:value-type="float" office:value="1"'


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        (
            b'<table:table-row table:number-rows-repeated="99000"><table:table-cell '
            b'table:number-columns-repeated="1000" ' + VALUE + b"/></table:table-row>",
            "200 columns",
        ),
        (
            b'<table:table-row table:number-rows-repeated="700000"><table:table-cell '
            + VALUE
            + b"/></table:table-row>",
            "The sheet “a.ods” has more than 600,000 rows",
        ),
    ],
)
def test_an_ods_declaring_a_vast_sheet_is_refused_before_it_is_read(tmp_path, rows, message):
    from unittest import mock

    from villagedesk.registry.imports import reading

    path = ods_write(tmp_path / "a.ods", rows)
    assert path.stat().st_size < 2000
    unreached = mock.patch.object(
        reading.python_calamine.CalamineWorkbook,
        "from_path",
        side_effect=AssertionError("calamine was reached"),
    )
    with unreached, pytest.raises(reading.ReadError, match=message):
        reading.read_ledger(path)


def test_an_ods_ending_in_a_million_empty_rows_is_read(tmp_path):
    from villagedesk.registry.imports import reading

    # What LibreOffice writes after the last row of every sheet.
    empty = (
        b'<table:table-row table:number-rows-repeated="1048574">'
        b'<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    )
    row = (
        '<table:table-row><table:table-cell office:value-type="string"><text:p>张三</text:p>'
        "</table:table-cell></table:table-row>"
    ).encode()
    (sheet,) = reading.read_ledger(ods_write(tmp_path / "a.ods", row + empty))
    assert sheet.frame.height == 1


@pytest.mark.parametrize(("row", "column"), [(65_535, 0), (2, 255), (50_001, 3)])
def test_an_xls_with_a_cell_far_out_is_refused_before_calamine_reads_it(tmp_path, row, column):
    path = xls_with_a_cell_moved(tmp_path / "a.xls", row, column)
    assert small_refusal(path) == TOO_LARGE_SMALL


def test_an_xls_within_the_limits_is_read(tmp_path):
    path = xls_with_a_cell_moved(tmp_path / "a.xls", 9_999, 150)
    assert small_refusal(path, measured_first=False) == "accepted"


def test_an_xls_within_its_rows_and_columns_but_too_many_cells_is_refused(tmp_path):
    path = xls_with_a_cell_moved(tmp_path / "a.xls", 20_000, 150)
    assert "2,000,000 cells" in small_refusal(path)


def test_the_registry_refuses_an_xls_with_a_cell_far_out_before_calamine_reads_it(
    tmp_path, village_a
):
    from unittest import mock

    from villagedesk.registry.imports import reading
    from villagedesk.registry.imports.engine import run_import

    path = xls_with_a_cell_moved(tmp_path / "a.xls", 3, 255)
    unreached = mock.patch.object(
        reading.python_calamine.CalamineWorkbook,
        "from_path",
        side_effect=AssertionError("calamine was reached"),
    )
    with unreached, pytest.raises(reading.ReadError, match="200 columns"):
        run_import(path, area=village_a)


def test_merged_ranges_fill_their_cells_and_their_cells_are_counted_first(tmp_path):
    from unittest import mock

    from villagedesk.registry.imports import reading

    header = (
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>h</t></is></c>'
        b'<c r="B1" t="inlineStr"><is><t>n</t></is></c></row>'
    )
    rows = b"".join(
        b'<row r="%d"><c r="A%d"><v>%d</v></c><c r="B%d"><v>9</v></c></row>' % (n, n, n, n)
        for n in range(2, 8)
    )
    ranges = b'<mergeCells count="2"><mergeCell ref="A2:A4"/><mergeCell ref="A6:A7"/></mergeCells>'
    path = xlsx_write(tmp_path / "a.xlsx", iter([header, rows]), after=ranges)
    sheet = reading.python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
    column = [row[0] for row in reading.cell_rows(sheet)]
    assert column == ["h", 2.0, 2.0, 2.0, 5.0, 6.0, 6.0]
    # The two ranges cover five cells.
    with (
        mock.patch.object(reading, "MAX_CELLS", 4),
        pytest.raises(reading.ReadError, match="cells"),
    ):
        next(reading.cell_rows(sheet))
    with mock.patch.object(reading, "MAX_CELLS", 5):
        assert len(list(reading.cell_rows(sheet))) == 7
