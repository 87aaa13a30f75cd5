"""The shared spreadsheet module: formula-safe cells, sheet names, downloads, and measuring an
upload before it is read."""

import io

import polars as pl
import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile

from villagedesk.core import spreadsheets
from villagedesk.core.spreadsheets import Limits, SpreadsheetRefused


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_a_cell_that_would_start_a_formula_is_quoted(text):
    assert spreadsheets.cell_safe(text) == "'" + text


@pytest.mark.parametrize("text", ["张三", "1+1", "", "a=b"])
def test_other_cells_are_left_as_they_are(text):
    assert spreadsheets.cell_safe(text) == text


def test_sheet_names_are_cleaned_not_quoted():
    assert spreadsheets.sheet_name("-2024") == "-2024"
    assert spreadsheets.sheet_name("a/b:c*d?[e]\\f") == "a b c d  e  f"
    assert spreadsheets.sheet_name("'x'") == "x"
    assert len(spreadsheets.sheet_name("长" * 40)) == 31


@pytest.mark.parametrize(
    ("number", "letters"),
    [(1, "A"), (26, "Z"), (27, "AA"), (50, "AX"), (200, "GR"), (16384, "XFD")],
)
def test_column_letters(number, letters):
    assert spreadsheets.column_letters(number) == letters


def found_by_polars(pattern, texts: list[bytes]) -> list[bool]:
    """Whether the search, as polars reads it (`in_rust`), finds something in each text."""
    column = pl.Series([text.decode() for text in texts])
    return column.str.contains(spreadsheets.in_rust(pattern)).to_list()


@pytest.mark.parametrize("limit", [1, 24, 26, 27, 50, 200, 702, 703])
def test_past_column_finds_exactly_the_cells_past_the_limit(limit):
    pattern = spreadsheets.past_column(limit)
    references = [f'r="{spreadsheets.column_letters(n)}7"'.encode() for n in range(1, 2000)]
    past = [number > limit for number in range(1, 2000)]
    assert [pattern.search(reference) is not None for reference in references] == past
    assert found_by_polars(pattern, references) == past


@pytest.mark.parametrize("limit", [1, 9, 10, 99, 346_750, 600_001])
def test_past_row_finds_exactly_the_cells_below_the_limit(limit):
    plain = spreadsheets.past_row(limit)
    spaced = spreadsheets.past_row(limit, spreadsheets.SPACED_POSITION)
    near = [n for n in range(limit - 1100, limit + 1100) if n > 0]
    numbers = [*range(1, 200), *near, 10 * limit, 1_048_576]
    references = [
        (f"A{number}", f"ab{number}", f"XFD{number:07d}", f"a\u0663{number}") for number in numbers
    ]
    for pattern, written in ((plain, 'r="{}"'), (spaced, "r = '{}'"), (spaced, "r\t=\x0b'{}'")):
        texts = [written.format(one).encode() for four in references for one in four]
        # An Arabic-Indic digit is no digit to Python's bytes, nor to calamine.
        below = [
            n > limit and not one.startswith("a\u0663")
            for n, four in zip(numbers, references, strict=True)
            for one in four
        ]
        assert [pattern.search(text) is not None for text in texts] == below
        assert found_by_polars(pattern, texts) == below


@pytest.mark.parametrize(
    ("chunk", "found"),
    [
        (b'<row r="7"><c r="B7"><v>1</v></c></row>', False),
        (b'<row r="7"><c r="B8"><v>1</v></c></row>', True),  # below the rows counted
        (b'<row r="7"><c r="C7"><v>1</v></c></row>', True),  # right of the widest cell
        (b'<row r="7"><c r ="B7"><v>1</v></c></row>', True),  # a blank before an equals sign
        (b'<row r="7"><c r="B7"><v>1</v></c><c\x0c=\x0b/></row>', True),
        (b'<row r="7"><c r="B7"><is><t>\xff</t></is></c></row>', True),  # not UTF-8
        (b'<row r="7"><c r="B7"><is><t>\xd9\xa3 \xe3\x80\x80</t></is></c></row>', False),
        (b'<row r="7"><c><v>1</v></c></row>', True),  # a cell that gives no position
        (b"<row r='7'><c r='B7'><v>1</v></c></row>", True),  # not as office programs write it
        (b'<row r="7"><c t="n" r="B7"><v>1</v></c></row>', True),
        (b'<row r="7"><c r="B7"><v>1</v></c><c r', True),
        (b'<cols><col min="1" max="2"/></cols>', True),
        (b'<x:row r="7"><x:c r="B7"><x:v>1</x:v></x:c></x:row>', False),
        (b'<x:row r="7"><x:c><x:v>1</x:v></x:c></x:row>', True),
    ],
)
def test_a_chunk_is_measured_again_where_polars_finds_something_beyond(chunk, found):
    prefix = b"x:" if chunk.startswith(b"<x:") else b""
    assert spreadsheets.beyond(chunk, height=7, width=2, prefix=prefix) is found


def test_rows_write_returns_the_row_after_the_last():
    book = spreadsheets.workbook_new()
    sheet, first = spreadsheets.sheet_with_header(book, "s", ["a", "b"])
    assert first == 1
    assert spreadsheets.rows_write(sheet, first, [["1", "2"], ["3", "4"]]) == 3
    assert spreadsheets.rows_write(sheet, 3, []) == 3
    spreadsheets.workbook_bytes(book)


def test_a_download_is_not_stored_and_keeps_a_chinese_name():
    response = spreadsheets.download(b"x", filename="台账 2026.xlsx")
    assert response["Cache-Control"] == "no-store"
    assert "filename*=UTF-8''%E5%8F%B0%E8%B4%A6%202026.xlsx" in response["Content-Disposition"]


def workbook_with(cells) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    for row, column, value in cells:
        sheet.write(row, column, value)
    book.close()
    return SimpleUploadedFile("list.xlsx", buffer.getvalue())


def test_a_small_sheet_is_read_as_text():
    upload = workbook_with([(0, 0, "姓名"), (1, 0, "张三"), (1, 1, 13912345678.0)])
    assert spreadsheets.sheet_rows(upload) == [["姓名", ""], ["张三", "13912345678"]]


def test_a_number_too_large_to_be_exact_is_not_read_as_digits():
    """An identity number typed as a number: the spreadsheet keeps 15 significant digits."""
    upload = workbook_with([(0, 0, "身份证号"), (1, 0, 530128198005170013.0)])
    (number,) = spreadsheets.sheet_rows(upload)[1]
    assert "e+17" in number and not number.isdigit()


def test_a_cell_far_to_the_right_is_refused_before_it_is_read():
    upload = workbook_with([(0, 0, "a"), (0, 16383, "x")])  # XFD1
    with pytest.raises(SpreadsheetRefused, match="columns"):
        spreadsheets.sheet_rows(upload, Limits(columns=50))


def test_a_cell_far_below_is_refused_before_it_is_read():
    upload = workbook_with([(0, 0, "a"), (599_999, 0, "x")])  # A600000
    with pytest.raises(SpreadsheetRefused, match="rows"):
        spreadsheets.sheet_rows(upload, Limits(rows=2000))


def test_a_file_expanding_past_the_limit_is_refused():
    upload = workbook_with([(r, 0, "x" * 100) for r in range(200)])
    with pytest.raises(SpreadsheetRefused, match="expands"):
        spreadsheets.sheet_rows(upload, Limits(expanded_bytes=10_000))


def test_a_file_over_the_byte_limit_is_refused():
    upload = workbook_with([(0, 0, "a")])
    with pytest.raises(SpreadsheetRefused, match="larger than"):
        spreadsheets.sheet_rows(upload, Limits(bytes=upload.size - 1))


@pytest.mark.parametrize("content", [b"PK\x03\x04 not a zip", b"<html></html>", b""])
def test_what_is_no_spreadsheet_is_refused_with_a_message(content):
    with pytest.raises(SpreadsheetRefused):
        spreadsheets.sheet_rows(SimpleUploadedFile("x.xlsx", content))
