"""Ledgers as counties send them: untidy sheets are read, and what cannot be read is reported at
its row and column, never taken with wrong values and never a traceback."""

import datetime
import re
import zipfile

import pytest

from villagedesk.registry.codes import Ethnicity, Relation
from villagedesk.registry.imports.engine import run_import
from villagedesk.registry.imports.reading import ReadError, read_ledger
from villagedesk.registry.models import Household, Person
from villagedesk.registry.tests.factories import make_id_number
from villagedesk.registry.tests.ledgers import Grid, write_csv, write_ods, write_xls, write_xlsx

pytestmark = pytest.mark.django_db

WRITERS = {"xlsx": write_xlsx, "xls": write_xls, "ods": write_ods}
HEAD_ID = make_id_number(datetime.date(1980, 5, 17), "male")
SPOUSE_ID = make_id_number(datetime.date(1982, 3, 4), "female")
SON_ID = make_id_number(datetime.date(2010, 9, 1), "male")
HEADERS = ["户编号", "姓名", "身份证号码", "与户主关系", "民族", "文化程度", "在校生状况"]


def family(number="001", ids=(HEAD_ID, SPOUSE_ID, SON_ID)):
    return [
        [number, "张三", ids[0], "户主", "汉族", "初中", None],
        [number, "李梅", ids[1], "配偶", "汉族", "初中", None],
        [number, "张小明", ids[2], "之子", "汉族", None, "七年级"],
    ]


def with_sex_and_birth(rows):
    """The headers and rows with each member's sex and birth date beside the number that gives
    them: with the number unreadable, they are still known."""
    known = [("男", "1980-05-17"), ("女", "1982-03-04"), ("男", "2010-09-01")]
    return [[*HEADERS, "性别", "出生日期"], *([*r, *k] for r, k in zip(rows, known, strict=True))]


OTHER_FAMILY = [
    (datetime.date(1970, 1, 2), "male"),
    (datetime.date(1972, 1, 2), "female"),
    (datetime.date(1999, 1, 2), "male"),
]


def write(path, grids):
    if path.suffix == ".csv":
        return write_csv(path, grids[0])
    return WRITERS[path.suffix[1:]](path, grids)


def errors_of(result) -> set:
    return {
        (e["sheet"], e["row"], e["field"], e["code"]) for e in result.errors.iter_rows(named=True)
    }


@pytest.mark.parametrize("suffix", ["xlsx", "xls", "ods"])
def test_an_identity_number_stored_as_a_number_is_reported_not_read(tmp_path, village_a, suffix):
    """A spreadsheet keeps 15 significant digits: 18 digits typed as a number lose their tail."""
    rows = family()
    rows[1][2] = float(SPOUSE_ID)
    path = write(tmp_path / f"a.{suffix}", [Grid("台账", with_sex_and_birth(rows))])
    result = run_import(path, area=village_a)
    assert errors_of(result) == {("台账", 3, "id_number", "lost_digits")}
    assert not Person.objects.exists()
    (value,) = result.errors["value"].to_list()
    assert SPOUSE_ID not in value


@pytest.mark.parametrize("suffix", ["xlsx", "xls", "ods"])
def test_an_identity_number_excel_cut_to_a_valid_one_is_reported_not_read(
    tmp_path, village_a, suffix
):
    """Excel keeps fifteen digits of a number: 530128198203181247 typed as one is stored as
    530128198203181000, itself a valid number of a woman born on 1982-03-18. Far below the
    header, among cells of text only, it is still reported, never taken."""
    stored = float("530128198203181000")
    rows = [[*HEADERS, "性别", "出生日期"]]
    for n in range(1, 16):
        heads = [make_id_number(datetime.date(1960 + n, 1, 2), "male")]
        rows.append(
            [f"00{n}", "王五", *heads, "户主", "汉族", "初中", "", "男", f"{1960 + n}-01-02"]
        )
    rows += [
        ["099", "张三", HEAD_ID, "户主", "汉族", "初中", "", "男", "1980-05-17"],
        ["099", "李梅", stored, "配偶", "汉族", "初中", "", "女", "1982-03-18"],
    ]
    path = write(tmp_path / f"a.{suffix}", [Grid("台账", rows)])
    result = run_import(path, area=village_a)
    assert errors_of(result) == {("台账", 18, "id_number", "lost_digits")}
    assert not Person.objects.exists()


def test_an_identity_number_saved_from_a_number_column_to_csv_is_reported(tmp_path, village_a):
    rows = family()
    rows[1][2] = "5.30128E+17"
    path = write(tmp_path / "a.csv", [Grid("a", with_sex_and_birth(rows))])
    result = run_import(path, area=village_a)
    assert errors_of(result) == {("a", 3, "id_number", "lost_digits")}
    assert not Person.objects.exists()


def test_numbers_stored_as_numbers_and_as_text_are_read_alike(tmp_path, village_a):
    """A first-generation number (15 digits) is held exactly as a number; a national code typed
    as a number has lost its leading zero (彝族 is 07); months may be a float written as text."""
    old = HEAD_ID[:6] + HEAD_ID[8:17]
    headers = [*HEADERS, "务工情况", "务工时间", "手机号码"]
    rows = [
        [1, "张三", int(old), "户主", 7, "初中", None, "省外务工", "6.0", 13812345678],
        [1.0, "李梅", SPOUSE_ID, "配偶", "07", "初中", None, None, None, "13812345679"],
    ]
    path = write(tmp_path / "a.xlsx", [Grid("台账", [headers, *rows])])
    result = run_import(path, area=village_a)
    assert result.errors.height == 0, result.errors.rows()
    household = Household.objects.get()
    assert household.number == "1"
    head = household.members.get(relation=Relation.HEAD)
    assert head.id_number == HEAD_ID
    assert (head.ethnicity, head.migrant_months, head.phone) == (Ethnicity.YI, 6, "13812345678")
    assert household.members.get(relation=Relation.SPOUSE).ethnicity == Ethnicity.YI


@pytest.mark.parametrize("suffix", ["xlsx", "xls", "ods"])
def test_a_two_row_header_with_merged_groups_and_a_numbering_row(tmp_path, village_a, suffix):
    """户编号 merged down both header rows, 家庭成员 merged across its columns, 务工 over 情况 and
    时间, then a row numbering the columns: the members start on row 6 (after a title)."""
    upper = ["户编号", "家庭成员", None, None, None, None, None, "务工", None]
    lower = [
        None,
        "姓名",
        "身份证号码",
        "与户主关系",
        "民族",
        "文化程度",
        "在校生状况",
        "情况",
        "时间",
    ]
    numbering = list(range(1, 10))
    rows = [[*row, None, None] for row in family()]
    rows[0][7:] = ["省外务工", "数月"]  # months that are no number, on the sheet's row 5
    grid = Grid(
        "台账",
        [["大河村农户台账"] + [None] * 8, upper, lower, numbering, *rows],
        merged=[(0, 0, 0, 8), (1, 0, 2, 0), (1, 1, 1, 6), (1, 7, 1, 8)],
    )
    (sheet,) = read_ledger(write(tmp_path / f"a.{suffix}", [grid]))
    assert sheet.headers[0] == "户编号" and sheet.headers[7:] == ["务工 情况", "务工 时间"]
    assert sheet.header_row == 4
    result = run_import(tmp_path / f"a.{suffix}", area=village_a)
    assert errors_of(result) == {
        ("台账", 5, "migrant_months", "unreadable_int"),
        ("台账", 5, "migrant_months", "work_without_months"),
    }


@pytest.mark.parametrize("suffix", ["xlsx", "xls", "ods"])
def test_a_two_row_header_merged_down_both_rows_and_a_numbering_row(tmp_path, village_a, suffix):
    """Every heading merged down both rows of the header: read, the second row is the first
    again, and the row numbering the columns under it is still the header's."""
    numbering = [str(n) for n in range(1, len(HEADERS) + 1)]
    rows = [HEADERS, HEADERS, numbering, *family()]
    merged = [(0, c, 1, c) for c in range(len(HEADERS))]
    path = write(tmp_path / f"a.{suffix}", [Grid("台账", rows, merged=merged)])
    (sheet,) = read_ledger(path)
    assert (sheet.header_row, sheet.frame.height) == (3, 3)
    result = run_import(path, area=village_a)
    assert result.errors.height == 0, result.errors.rows()
    assert Household.objects.get().members.count() == 3


def test_a_two_row_header_unmerged_in_a_csv(tmp_path, village_a):
    """As a CSV keeps it: a heading alone stands in the upper row over a blank."""
    upper = ["户编号", "家庭成员", "", "", "", "", ""]
    lower = ["", "姓名", "身份证号码", "与户主关系", "民族", "文化程度", "在校生状况"]
    path = write(tmp_path / "a.csv", [Grid("a", [upper, lower, *family()])])
    result = run_import(path, area=village_a)
    assert result.errors.height == 0, result.errors.rows()
    assert Household.objects.get().members.count() == 3


@pytest.mark.parametrize("suffix", ["xlsx", "xls", "ods", "csv"])
def test_totals_subtotals_and_the_sign_off_are_not_households(tmp_path, village_a, suffix):
    rows = [
        *family("001"),
        [None] * 7,
        ["小　计", "3人", None, None, None, None, None],
        *family("002", [make_id_number(born, sex) for born, sex in OTHER_FAMILY]),
        ["合 计：", "6人", None, None, None, None, None],
        ["填表人：王五　审核人：赵六", None, None, None, None, None, None],
    ]
    rows[6][1] = ""  # a member of 002 without a name: reported at its own row
    path = write(tmp_path / f"a.{suffix}", [Grid("台账", [HEADERS, *rows])])
    result = run_import(path, area=village_a, partial=True)
    sheet = "a" if suffix == "csv" else "台账"
    assert errors_of(result) == {(sheet, 8, "name", "required")}
    assert list(Household.objects.values_list("number", flat=True)) == ["001"]


@pytest.mark.parametrize("suffix", ["xlsx", "xls", "ods"])
def test_a_table_away_from_a1_keeps_the_sheets_row_numbers_and_its_merged_cells(
    tmp_path, village_a, suffix
):
    """The table starts at C4; the household number and the ethnicity are merged down the
    family; a hidden column is read like the others."""
    rows = family()
    rows[2][6] = "九年级了"  # unreadable, on the sheet's row 7
    rows[1][0] = rows[2][0] = rows[1][4] = rows[2][4] = None
    rows[0][4] = "彝族"
    table = [HEADERS, *rows]
    grid = Grid(
        "台账",
        [[None] * 9] * 3 + [[None, None, *row] for row in table],
        merged=[(4, 2, 6, 2), (4, 6, 6, 6)],
        hidden_columns={5},
    )
    result = run_import(write(tmp_path / f"a.{suffix}", [grid]), area=village_a, partial=True)
    assert errors_of(result) == {
        ("台账", 7, "schooling", "unreadable_code"),
        ("台账", 7, "education", "education_or_schooling"),
    }
    grid.rows[6][8] = "七年级"
    result = run_import(write(tmp_path / f"b.{suffix}", [grid]), area=village_a)
    assert result.errors.height == 0, result.errors.rows()
    members = Household.objects.get(number="001").members
    assert members.count() == 3
    assert set(members.values_list("ethnicity", flat=True)) == {Ethnicity.YI}


def test_invisible_and_wide_blanks_everywhere(tmp_path, village_a):
    """Zero-width, no-break and ideographic spaces around headings and values; a name made of
    a zero-width space alone is no name."""
    headers = ["\u200b户编号", "姓\u3000名", "身份证号码\u00a0", "与户主关系", "民族", "文化程度"]
    headers.append("\ufeff在校生状况")
    rows = family()
    rows[0][1] = "\u200b张\u00a0三\u3000"
    rows[0][2] = "\u2060" + HEAD_ID[:6] + "\u00a0" + HEAD_ID[6:]
    rows[1][1] = "\u200b"
    path = write(tmp_path / "a.xlsx", [Grid("台账", [headers, *rows])])
    result = run_import(path, area=village_a)
    assert errors_of(result) == {("台账", 3, "name", "required")}
    rows[1][1] = "李梅"
    result = run_import(
        write(tmp_path / "b.xlsx", [Grid("台账", [headers, *rows])]), area=village_a
    )
    assert result.errors.height == 0, result.errors.rows()
    assert Person.objects.get(relation=Relation.HEAD).name == "张三"


@pytest.mark.parametrize(
    "first",
    [
        "\ufeff001",  # a byte-order mark opening the chunk, which polars drops
        "001\r",  # a carriage return before the next cell, which polars drops
        "0\x1f01",  # the separator of cells
        "0\x1e01",  # the separator of rows
    ],
)
def test_a_cell_the_joined_text_would_change_is_read_as_typed(tmp_path, first):
    """A sheet's cells go to polars as one text, joined by the unit and record separators; a
    chunk with a cell that splitting that text would change is read cell by cell, as typed.
    (An .xlsx holds such characters escaped, _x001F_, and calamine gives them back.)"""
    rows = [[*HEADERS, "性别", "出生日期"], *with_sex_and_birth(family())[1:]]
    rows[1][0] = first
    rows[2][2] = float(SPOUSE_ID)
    (sheet,) = read_ledger(write(tmp_path / "a.xlsx", [Grid("台账", rows)]))
    assert sheet.frame["c0"].to_list() == [first, "001", "001"]
    head, spouse, son = sheet.frame["c2"].to_list()
    assert (head, son) == (HEAD_ID, SON_ID)
    assert spouse.startswith("5.30128") and spouse.endswith("e+17")
    assert sheet.frame.row(2) == tuple("" if v is None else v for v in rows[3])


def test_a_csv_whose_first_row_is_short_keeps_the_columns_of_the_others(tmp_path, village_a):
    path = tmp_path / "a.csv"
    lines = [",".join(HEADERS), "001,张三," + HEAD_ID + ",户主,汉族,初中"]
    lines += [f"001,李梅,{SPOUSE_ID},配偶,汉族,初中,", f"001,张小明,{SON_ID},之子,汉族,,七年级"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_import(path, area=village_a)
    assert result.errors.height == 0, result.errors.rows()
    assert Person.objects.get(relation=Relation.SON).schooling == "grade_7"


def tab_text(title: str = "大河村台账") -> str:
    """A ledger as a spreadsheet saves it as "Unicode text": cells separated by tabs, lines by
    CR LF, a title row above the header, an address holding a comma."""
    rows = [[title], HEADERS] + [["" if v is None else v for v in row] for row in family()]
    rows[2][4] = "汉族"
    lines = ["\t".join(row) for row in rows] + ["\t".join(["002", "王五", "", "户主", "汉,族"])]
    return "\r\n".join(lines) + "\r\n"


@pytest.mark.parametrize(
    ("suffix", "encoding"),
    [
        ("txt", "utf-16"),  # Python writes the mark of the machine's byte order, then the text
        ("txt", "utf-16-be"),
        ("csv", "utf-16-le"),
        ("txt", "utf-8-sig"),
        ("txt", "gb18030"),
    ],
)
def test_tab_separated_text_is_read_in_every_encoding_a_spreadsheet_saves(
    tmp_path, village_a, suffix, encoding
):
    text = tab_text()
    if encoding in {"utf-16-be", "utf-16-le"}:
        # Written with the mark, as a spreadsheet does, in the byte order named.
        text = "\ufeff" + text
    path = tmp_path / f"unicode.{suffix}"
    path.write_bytes(text.encode(encoding))
    (sheet,) = read_ledger(path)
    assert sheet.headers == HEADERS
    assert sheet.header_row == 2
    assert sheet.frame.height == 4
    assert sheet.frame.row(3)[:5] == ("002", "王五", "", "户主", "汉,族")
    result = run_import(path, area=village_a)
    assert {e["row"] for e in result.errors.iter_rows(named=True)} == {6}
    assert Household.objects.count() == 0


def test_text_neither_utf_8_utf_16_nor_gb18030_is_refused(tmp_path, village_a):
    path = tmp_path / "a.txt"
    path.write_bytes("户编号\t姓名\n".encode() + b"\x80\xff\xff")
    with pytest.raises(ReadError, match="neither UTF-8, UTF-16 nor GB18030"):
        read_ledger(path)


def test_a_partial_import_with_every_household_rejected_is_a_report(tmp_path, village_a):
    """Nothing left to write once the bad households are set aside: a report, not a traceback."""
    rows = family()
    rows[1][1] = ""
    result = run_import(
        write(tmp_path / "a.xlsx", [Grid("台账", [HEADERS, *rows])]), area=village_a, partial=True
    )
    assert result.loaded
    assert errors_of(result) == {("台账", 3, "name", "required")}
    assert result.counts["households_created"] == result.counts["persons_created"] == 0
    assert not Household.objects.exists()


NO_RECORDS = [
    [],
    [[None] * 7, [None] * 7],
    [[None] * 7, ["合　计", "0人", None, None, None, None, None], ["填表人：王五", *[None] * 6]],
]


@pytest.mark.parametrize("suffix", ["xlsx", "xls", "ods", "csv"])
@pytest.mark.parametrize("below", NO_RECORDS, ids=["header only", "blank rows", "totals only"])
def test_a_ledger_with_nothing_under_its_header_is_refused_with_a_message(
    tmp_path, village_a, suffix, below
):
    path = write(tmp_path / f"a.{suffix}", [Grid("台账", [HEADERS, *below])])
    with pytest.raises(ReadError, match="no rows under the header"):
        run_import(path, area=village_a, partial=True)
    assert not Household.objects.exists()


def test_an_empty_sheet_beside_a_ledger_is_passed_over(tmp_path, village_a):
    path = write(tmp_path / "a.xlsx", [Grid("空表", [HEADERS]), Grid("台账", [HEADERS, *family()])])
    result = run_import(path, area=village_a)
    assert errors_of(result) == set()
    assert Person.objects.count() == 3


def test_a_sheet_calamine_cannot_lay_out_is_unreadable_not_a_traceback(tmp_path, village_a):
    """A cell naming a shared string the workbook does not have: calamine refuses the sheet."""
    path = write(tmp_path / "a.xlsx", [Grid("台账", [HEADERS, *family()])])
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    parts["xl/worksheets/sheet1.xml"] = re.sub(
        r"<v>\d+</v>", "<v>9999</v>", sheet, count=1
    ).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    with pytest.raises(ReadError, match="not a spreadsheet that can be read"):
        run_import(path, area=village_a)


def test_a_csv_cell_longer_than_the_csv_module_reads_is_reported_at_its_row(tmp_path, village_a):
    rows = family()
    rows[2][1] = "张" * 200_000
    path = write(tmp_path / "a.csv", [Grid("a", [HEADERS, *rows])])
    result = run_import(path, area=village_a)
    assert errors_of(result) == {("a", 4, "name", "too_long")}


@pytest.mark.parametrize("suffix", ["xlsx", "xls", "ods", "csv"])
def test_the_header_again_is_no_household(tmp_path, village_a, suffix):
    """Headings merged down both rows of a header fill both; a second ledger pasted below the
    first brings its header along."""
    other = family("002", [make_id_number(born, sex) for born, sex in OTHER_FAMILY])
    other[1][1] = ""  # on the sheet's row 8
    rows = [HEADERS, [None] * 7, *family(), list(HEADERS), *other]
    grid = Grid("台账", rows, merged=[(0, c, 1, c) for c in range(7)] if suffix != "csv" else [])
    result = run_import(write(tmp_path / f"a.{suffix}", [grid]), area=village_a, partial=True)
    sheet = "a" if suffix == "csv" else "台账"
    assert errors_of(result) == {(sheet, 8, "name", "required")}
    assert list(Household.objects.values_list("number", flat=True)) == ["001"]
