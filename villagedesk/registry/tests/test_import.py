"""The import engine: normalisation, validation, all-or-nothing writing, idempotent updates."""

import dataclasses
import datetime
import io
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import polars as pl
import pytest
import xlsxwriter
from django.core.management import call_command
from django.db import transaction
from django.utils import translation

from villagedesk.core.spreadsheets import column_letters
from villagedesk.registry.codes import Education, Ethnicity, Relation, Schooling, Sex
from villagedesk.registry.imports import writing
from villagedesk.registry.imports.engine import run_import
from villagedesk.registry.imports.messages import internal_error, render
from villagedesk.registry.imports.reading import ReadError
from villagedesk.registry.models import Household, Person
from villagedesk.registry.tests.factories import make_id_number
from villagedesk.registry.tests.importing import HEADERS, family, person_row, write_csv, write_xlsx

pytestmark = pytest.mark.django_db


def messages_of(result, code, language="en"):
    with translation.override(language):
        return [
            render(code=i["code"], field=i["field"], value=i["value"], param=i["param"])
            for i in result.issues.iter_rows(named=True)
            if i["code"] == code
        ]


def snapshot():
    return (
        list(Household.objects.values_list("pk", "number", "address", "status")),
        list(Person.objects.values_list("pk", "name", "id_number", "education", "phone")),
        Household.history.count(),
        Person.history.count(),
    )


def test_loads_a_single_sheet_ledger_with_a_title_row(tmp_path, village_a):
    path = write_xlsx(tmp_path / "a.xlsx", family() + family("002"), title="大河村台账")
    result = run_import(path, area=village_a)
    assert result.errors.height == 0
    assert result.counts["households_created"] == 2
    assert result.counts["persons_created"] == 6
    household = Household.objects.get(number="001")
    assert household.address == "大河村1号"
    assert household.area_code == village_a.code
    assert household.group == village_a.groups.first()
    son = household.members.get(relation=Relation.SON)
    assert son.schooling == Schooling.GRADE_7 and son.education == ""
    assert son.name_pinyin == "zhangxiaoming"
    assert Person.history.filter(history_type="+").count() == 6


def test_the_history_of_each_new_row_is_the_row_as_written_by_the_importer(
    tmp_path, village_a, cadre_a
):
    path = write_xlsx(tmp_path / "a.xlsx", family() + family("002"))
    run_import(path, area=village_a, by=cadre_a)
    checked = set()
    for model in (Household, Person):
        rows = list(model.objects.all())
        assert len(rows) == model.history.count() > 0
        for row in rows:
            record = row.history.get()
            assert (record.history_type, record.history_change_reason) == ("+", "import")
            assert record.history_user == cadre_a
            for field in record._meta.concrete_fields:
                if not field.attname.startswith("history_"):
                    assert getattr(record, field.attname) == getattr(row, field.attname), field
                    checked.add(field.attname)
    assert {"name", "id_number", "birth_date", "relation", "number", "address"} <= checked


def test_reimporting_the_same_file_changes_nothing(tmp_path, village_a):
    path = write_xlsx(tmp_path / "a.xlsx", family())
    run_import(path, area=village_a)
    before = snapshot()
    again = run_import(path, area=village_a)
    assert again.counts["persons_unchanged"] == 3
    assert again.counts["households_unchanged"] == 1
    assert again.counts["fields_updated"] == 0
    assert snapshot() == before


def test_a_corrected_file_updates_only_what_changed_with_history(tmp_path, village_a):
    rows = family()
    run_import(write_xlsx(tmp_path / "a.xlsx", rows), area=village_a)
    rows[1][HEADERS.index("文化程度")] = "高中"
    rows[0][HEADERS.index("住址")] = "大河村2号"
    result = run_import(write_xlsx(tmp_path / "b.xlsx", rows), area=village_a)
    assert result.counts["persons_updated"] == 1
    assert result.counts["households_updated"] == 1
    assert result.counts["fields_updated"] == 2
    spouse = Person.objects.get(name="李梅")
    assert spouse.education == Education.SENIOR
    assert spouse.history.first().history_type == "~"
    assert spouse.history.first().history_change_reason == "import"


def test_two_sheet_layout(tmp_path, village_a):
    path = tmp_path / "two.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    households = workbook.add_worksheet("户信息")
    for c, v in enumerate(["户编号", "村民小组", "住址", "户类型"]):
        households.write_string(0, c, v)
    for c, v in enumerate(["001", "一组", "大河村9号", "监测户"]):
        households.write_string(1, c, v)
    members = workbook.add_worksheet("成员信息")
    for c, v in enumerate(HEADERS):
        members.write_string(0, c, v)
    for r, row in enumerate(family(address=""), start=1):
        for c, v in enumerate(row):
            members.write_string(r, c, v)
    workbook.close()
    result = run_import(path, area=village_a)
    assert result.errors.height == 0, result.issues
    household = Household.objects.get()
    assert (household.address, household.status) == ("大河村9号", "monitored")
    assert household.members.count() == 3


def test_merged_household_cells_belong_to_every_member(tmp_path, village_a):
    path = tmp_path / "merged.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    for c, v in enumerate(HEADERS):
        sheet.write_string(0, c, v)
    for r, row in enumerate(family(), start=1):
        for c, v in enumerate(row):
            if c > 1:
                sheet.write_string(r, c, v)
    sheet.merge_range(1, 0, 3, 0, "001")
    sheet.merge_range(1, 1, 3, 1, "1")
    workbook.close()
    result = run_import(path, area=village_a)
    assert result.errors.height == 0, result.issues
    assert Household.objects.get(number="001").members.count() == 3


def test_blank_household_cells_under_the_head_follow_the_head(tmp_path, village_a):
    rows = family()
    rows[1][0] = rows[2][0] = ""
    result = run_import(write_xlsx(tmp_path / "a.xlsx", rows), area=village_a)
    assert result.errors.height == 0
    assert Household.objects.get().members.count() == 3


@pytest.mark.parametrize(
    ("column", "typed", "field", "expected"),
    [
        ("性别", "1", "sex", Sex.MALE),
        ("性别", "男", "sex", Sex.MALE),
        ("性别", "Male", "sex", Sex.MALE),
        ("出生日期", "1980/5/17", "birth_date", datetime.date(1980, 5, 17)),
        ("出生日期", "1980-05-17", "birth_date", datetime.date(1980, 5, 17)),
        ("出生日期", "1980年5月17日", "birth_date", datetime.date(1980, 5, 17)),
        ("出生日期", "1980.5.17", "birth_date", datetime.date(1980, 5, 17)),
        ("出生日期", "29358", "birth_date", datetime.date(1980, 5, 17)),
        ("出生日期", "１９８０－０５－１７", "birth_date", datetime.date(1980, 5, 17)),
        ("姓名", " 张  三 ", "name", "张三"),
        ("姓名", "Ａｌｉ  Ｋ ", "name", "Ali K"),
        ("手机号码", "１３８ １２３４ ５６７８", "phone", "13812345678"),
        ("民族", "Yi", "ethnicity", Ethnicity.YI),
        ("民族", "07", "ethnicity", Ethnicity.YI),
        ("民族", "彝族", "ethnicity", Ethnicity.YI),
        ("文化程度", "Junior secondary", "education", Education.JUNIOR),
        ("文化程度", " 初 中 ", "education", Education.JUNIOR),
    ],
)
def test_normalisation(tmp_path, village_a, column, typed, field, expected):
    row = person_row("001", "张三", "户主", "男", "1980-05-17")
    row[HEADERS.index(column)] = typed
    result = run_import(write_xlsx(tmp_path / "a.xlsx", [row]), area=village_a)
    assert result.errors.height == 0, result.issues
    assert getattr(Person.objects.get(), field) == expected


def test_excel_dates_and_full_width_identity_numbers(tmp_path, village_a):
    number = make_id_number(datetime.date(1980, 5, 17), Sex.MALE)
    row = person_row("001", "张三", "户主", "男", "1980-05-17")
    row[HEADERS.index("身份证号码")] = (
        "".join(chr(ord(c) + 0xFEE0) for c in number[:6]) + " " + number[6:]
    )
    row[HEADERS.index("出生日期")] = datetime.date(1980, 5, 17)
    path = tmp_path / "a.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for c, v in enumerate(HEADERS):
        sheet.write_string(0, c, v)
    for c, v in enumerate(row):
        if isinstance(v, datetime.date):
            sheet.write_datetime(1, c, datetime.datetime.combine(v, datetime.time()), date_format)
        else:
            sheet.write_string(1, c, v)
    workbook.close()
    result = run_import(path, area=village_a)
    assert result.errors.height == 0, result.issues
    person = Person.objects.get()
    assert person.id_number == number
    assert person.birth_date == datetime.date(1980, 5, 17)


def test_sex_and_birth_date_come_from_the_identity_number(tmp_path, village_a):
    row = person_row("001", "张三", "户主", "男", "1980-05-17")
    row[HEADERS.index("性别")] = row[HEADERS.index("出生日期")] = ""
    result = run_import(write_xlsx(tmp_path / "a.xlsx", [row]), area=village_a)
    assert result.errors.height == 0, result.issues
    person = Person.objects.get()
    assert (person.sex, person.birth_date) == (Sex.MALE, datetime.date(1980, 5, 17))


def test_a_fifteen_digit_number_is_upgraded(tmp_path, village_a):
    row = person_row("001", "张三", "户主", "男", "1980-05-17", id_number="530128800517001")
    result = run_import(write_xlsx(tmp_path / "a.xlsx", [row]), area=village_a)
    assert result.errors.height == 0, result.issues
    assert Person.objects.get().id_number.startswith("53012819800517001")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_encodings(tmp_path, village_a, encoding):
    path = write_csv(tmp_path / "a.csv", family(), encoding=encoding)
    result = run_import(path, area=village_a)
    assert result.errors.height == 0, result.issues
    assert Person.objects.filter(name="张小明").exists()


def test_formulas_are_read_as_their_values(tmp_path, village_a):
    rows = family()
    path = tmp_path / "f.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet()
    for c, v in enumerate(HEADERS):
        sheet.write_string(0, c, v)
    for r, row in enumerate(rows, start=1):
        for c, v in enumerate(row):
            sheet.write_string(r, c, v)
    sheet.write_formula(1, HEADERS.index("务工时间"), "=1+2", None, 3)
    sheet.write_string(1, HEADERS.index("务工情况"), "省外务工")
    workbook.close()
    result = run_import(path, area=village_a)
    assert result.errors.height == 0, result.issues
    assert Person.objects.get(name="张三").migrant_months == 3


def broken(tmp_path, village_a, change):
    rows = family()
    change(rows)
    before = snapshot()
    result = run_import(write_xlsx(tmp_path / "bad.xlsx", rows), area=village_a)
    assert snapshot() == before, "a rejected file writes nothing"
    return result


def col(name):
    return HEADERS.index(name)


def setter(row, column, value):
    def change(rows):
        rows[row][col(column)] = value

    return change


ERRORS = [
    # (change, code, English, Chinese)
    (
        setter(0, "身份证号码", "53012819800517001"),
        "id_length",
        "has 18 characters; this one has 17",
        "18 位",
    ),
    (
        setter(0, "身份证号码", "5301281980051700AX"),
        "id_format",
        "17 digits followed by a digit or X",
        "17 位数字",
    ),
    (setter(0, "身份证号码", "530128198002300011"), "id_birth_date", "1980-02-30", "1980-02-30"),
    (setter(0, "身份证号码", "530128198005170010"), "id_checksum", "check character", "校验码"),
    (setter(0, "性别", "女"), "id_sex", "is of a Male", "男"),
    (setter(0, "出生日期", "1981-05-17"), "id_birth", "1980-05-17", "1980-05-17"),
    (setter(0, "手机号码", "1381234567"), "phone", "11 digits", "11 位"),
    (setter(0, "性别", "X"), "unreadable_code", "“X” is not one of the values of “sex”", "性别"),
    (
        setter(0, "出生日期", "1980-13-01"),
        "unreadable_date",
        "“1980-13-01” is not a date",
        "不是日期",
    ),
    (setter(0, "务工时间", "三"), "unreadable_int", "not a whole number", "整数"),
    (setter(0, "在校生状况", "七年级"), "education_and_schooling", "not both", "只能填写一项"),
    (setter(0, "文化程度", ""), "education_or_schooling", "Give the education", "文化程度"),
    (setter(0, "务工时间", "6"), "months_without_work", "Say where the person works away", "务工"),
    (setter(0, "务工情况", "省外务工"), "work_without_months", "Give the months", "务工时间"),
    (setter(0, "务工时间", "13"), "out_of_range", "more than 12", "12"),
    (setter(0, "姓名", "张" * 100_000), "too_long", "longer than 50 characters", "50"),
    (setter(0, "姓名", ""), "required", "“name” is required", "必填"),
    (setter(2, "与户主关系", "之女"), "relation_sex", "A Daughter cannot be of this sex", "之女"),
    (setter(1, "与户主关系", "户主"), "two_heads", "more than one head", "户主"),
    (setter(0, "与户主关系", "之父"), "no_head", "has no head", "户主"),
    (setter(2, "与户主关系", "配偶"), "two_spouses", "more than one spouse", "配偶"),
    (setter(0, "村民小组", "9"), "unknown_group", "“9” is not a group", "村民小组"),
]


@pytest.mark.parametrize(("change", "code", "english", "chinese"), ERRORS)
def test_each_error_blocks_the_file_and_speaks_both_languages(
    tmp_path, village_a, change, code, english, chinese
):
    result = broken(tmp_path, village_a, change)
    assert result.loaded is False
    assert code in result.errors["code"].to_list() or code in result.issues["code"].to_list()
    assert any(english in m for m in messages_of(result, code, "en")), messages_of(result, code)
    assert any(chinese in m for m in messages_of(result, code, "zh-hans")), messages_of(
        result, code, "zh-hans"
    )


def test_a_spouse_of_the_heads_sex(tmp_path, village_a):
    def change(rows):
        rows[1][col("性别")] = "男"
        rows[1][col("身份证号码")] = make_id_number(datetime.date(1982, 3, 4), Sex.MALE)

    result = broken(tmp_path, village_a, change)
    assert messages_of(result, "spouse_sex") == [
        "The head and the spouse cannot be of the same sex."
    ]
    assert messages_of(result, "spouse_sex", "zh-hans") != messages_of(result, "spouse_sex")


def test_a_future_birth_date(tmp_path, village_a):
    def change(rows):
        rows[2][col("身份证号码")] = ""
        rows[2][col("出生日期")] = "2100-01-01"

    result = broken(tmp_path, village_a, change)
    assert messages_of(result, "future_date") == ["A date of birth cannot be in the future."]
    assert "不能晚于今天" in messages_of(result, "future_date", "zh-hans")[0]


def test_an_identity_number_twice_in_the_file(tmp_path, village_a):
    def change(rows):
        rows[1][col("身份证号码")] = rows[0][col("身份证号码")]

    result = broken(tmp_path, village_a, change)
    # Each of the two rows names the other (the first one used to name no row at all).
    assert messages_of(result, "id_twice") == [
        "This identity number is also on row 3 of the file.",
        "This identity number is also on row 2 of the file.",
    ]
    assert set(result.errors.filter(code="id_twice")["row"]) == {2, 3}


def test_an_identity_number_three_times_in_the_file(tmp_path, village_a):
    def change(rows):
        rows[1][col("身份证号码")] = rows[2][col("身份证号码")] = rows[0][col("身份证号码")]
        rows[1][col("性别")] = rows[2][col("性别")] = rows[0][col("性别")]
        rows[1][col("出生日期")] = rows[2][col("出生日期")] = rows[0][col("出生日期")]

    result = broken(tmp_path, village_a, change)
    assert messages_of(result, "id_many_times") == [
        "This identity number is also on rows 3, 4 of the file.",
        "This identity number is also on rows 2, 4 of the file.",
        "This identity number is also on rows 2, 3 of the file.",
    ]


def test_an_identity_number_already_in_another_household(tmp_path, village_a, household_a):
    head = household_a.members.get(relation=Relation.HEAD)
    rows = family("009")
    rows[0][col("身份证号码")] = head.id_number
    before = snapshot()
    result = run_import(write_xlsx(tmp_path / "a.xlsx", rows), area=village_a)
    assert snapshot() == before
    assert messages_of(result, "id_elsewhere") == [
        "This identity number is already registered in household A-001."
    ]
    assert messages_of(result, "id_elsewhere", "zh-hans") == ["此身份证号码已登记在户 A-001。"]


def test_an_age_that_contradicts_the_relation_is_a_warning(tmp_path, village_a):
    rows = family()
    rows[2][col("身份证号码")] = ""
    rows[2][col("出生日期")] = "1950-01-01"
    rows[2][col("在校生状况")] = ""
    rows[2][col("文化程度")] = "小学"
    result = run_import(write_xlsx(tmp_path / "a.xlsx", rows), area=village_a)
    assert result.errors.height == 0
    assert messages_of(result, "age_relation") == [
        "The age of this Son does not fit the head's age."
    ]
    assert result.loaded


def test_partial_loads_the_valid_households(tmp_path, village_a):
    rows = family("001") + family("002")
    rows[4][col("出生日期")] = "not a date"
    result = run_import(write_xlsx(tmp_path / "a.xlsx", rows), area=village_a, partial=True)
    assert result.loaded
    assert list(Household.objects.values_list("number", flat=True)) == ["001"]
    assert result.counts["rejected"] == 3


def test_an_exception_in_the_middle_batch_leaves_the_database_unchanged(
    tmp_path, village_a, household_a, monkeypatch
):
    rows = [r for n in range(1, 8) for r in family(f"{n:03d}")]
    monkeypatch.setattr(writing, "BATCH_SIZE", 4)
    calls = []
    real = writing.write_batch

    def failing(model, objs, *, by):
        calls.append(len(objs))
        if len(calls) == 4:
            raise RuntimeError("killed half-way")
        real(model, objs, by=by)

    monkeypatch.setattr(writing, "write_batch", failing)
    before = snapshot()
    with pytest.raises(RuntimeError, match="killed half-way"):
        run_import(write_xlsx(tmp_path / "a.xlsx", rows), area=village_a)
    assert len(calls) == 4
    assert snapshot() == before


def test_an_unexpected_error_is_one_line_exit_status_2_and_nothing_written(
    tmp_path, village_a, household_a, monkeypatch
):
    rows = [r for n in range(1, 4) for r in family(f"{n:03d}")]
    real = writing.write_batch

    def failing(model, objs, *, by):
        real(model, objs, by=by)
        raise pl.exceptions.SchemaError("expected `String`, got `i64` for `area_code`")

    monkeypatch.setattr(writing, "write_batch", failing)
    before = snapshot()
    for options in ([], ["--partial"]):
        stdout, stderr = io.StringIO(), io.StringIO()
        with translation.override("zh-hans"), pytest.raises(SystemExit) as exited:
            call_command(
                "import_registry",
                str(write_xlsx(tmp_path / "a.xlsx", rows)),
                "--village",
                village_a.code,
                *options,
                stdout=stdout,
                stderr=stderr,
            )
        assert exited.value.code == 2
        message = stderr.getvalue()
        assert message.count("\n") == 1 and "Traceback" not in message and "i64" not in message
        with translation.override("zh-hans"):
            assert message.strip() == internal_error()
        assert snapshot() == before


def test_the_columns_that_were_not_read_are_named(tmp_path, village_a):
    headers = ["序号", *HEADERS, "务工企业名称", "", "备注", ""]
    rows = [[str(n), *row, "", "", "", ""] for n, row in enumerate(family(), start=1)]
    rows[0][-4] = "东莞长安电子厂"
    rows[1][-3] = "a note without a header"
    result = run_import(write_xlsx(tmp_path / "a.xlsx", rows, headers), area=village_a)
    sheet = result.sheets[0].name
    # 序号 only numbers the rows; the last column has neither header nor cells.
    assert result.unread == [
        {"sheet": sheet, "column": "P", "header": "务工企业名称"},
        {"sheet": sheet, "column": "Q", "header": ""},
        {"sheet": sheet, "column": "R", "header": "备注"},
    ]
    stdout = io.StringIO()
    call_command(
        "import_registry",
        str(tmp_path / "a.xlsx"),
        "--village",
        village_a.code,
        "--dry-run",
        stdout=stdout,
    )
    assert "These columns were not read: 务工企业名称 (P), Q, 备注 (R)." in stdout.getvalue()


def test_a_message_names_the_column_as_the_sheet_does_when_column_a_is_empty(tmp_path, village_a):
    rows = family()
    rows[1][col("出生日期")] = "1982-02-30"
    path = tmp_path / "b.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("台账")
    sheet.write_string(0, 1, "大河村农户台账")
    sheet.write_row(2, 1, HEADERS)
    for r, row in enumerate(rows, start=3):
        sheet.write_row(r, 1, row)
    book.close()
    result = run_import(path, area=village_a, check_only=True)
    assert result.errors.select("row", "field", "column", "header").rows() == [
        (5, "birth_date", column_letters(col("出生日期") + 2), "出生日期")
    ]


def test_rows_of_another_village_are_refused_in_a_village_import(tmp_path, village_a, village_b):
    rows = family()
    headers = ["村", *HEADERS]
    rows = [[village_b.code, *row] for row in rows]
    before = snapshot()
    result = run_import(write_xlsx(tmp_path / "a.xlsx", rows, headers), area=village_a)
    assert snapshot() == before
    assert "unknown_village" in result.errors["code"].to_list()


def test_households_of_two_unknown_villages_are_two_households(tmp_path, county, village_a):
    headers = ["村", *HEADERS]
    rows = [["东山村", *r] for r in family("001")] + [["西山村", *r] for r in family("001")]
    result = run_import(write_xlsx(tmp_path / "a.xlsx", rows, headers), area=county)
    # Each is told its village is unknown; neither is taken for the other's household twice.
    assert result.errors.select("row", "code").rows() == [
        (2, "unknown_village"),
        (5, "unknown_village"),
    ]


def test_a_county_import_places_households_by_village_code_or_name(
    tmp_path, county, village_a, village_b
):
    headers = ["村", *HEADERS]
    rows = [["大河村", *r] for r in family("001")] + [[village_b.code, *r] for r in family("002")]
    result = run_import(write_xlsx(tmp_path / "a.xlsx", rows, headers), area=county)
    assert result.errors.height == 0, result.issues
    assert Household.objects.get(number="001").village == village_a
    assert Household.objects.get(number="002").village == village_b


@pytest.mark.parametrize("area", ["county", "village"])
def test_a_household_is_one_whether_its_village_is_written_by_code_or_by_name(
    request, tmp_path, village_a, village_b, area
):
    """One sheet, the household's cells on every row: its village by code on one row and by
    name on another (with blanks and full-width digits) is one village."""
    headers = ["村", *HEADERS]
    wide_code = village_a.code.translate({ord(d): ord(d) + 0xFEE0 for d in "0123456789"})
    villages = [village_a.code, "大河村", f" {wide_code} "]
    rows = [[village, *row] for village, row in zip(villages, family("001"), strict=True)]
    if area == "county":
        rows += [
            [v, *r] for v, r in zip(["小河村", village_b.code, ""], family("002"), strict=True)
        ]
    into = request.getfixturevalue("county") if area == "county" else village_a
    result = run_import(write_xlsx(tmp_path / "a.xlsx", rows, headers), area=into)
    assert result.errors.height == 0, result.issues
    assert Household.objects.get(number="001", village=village_a).members.count() == 3
    if area == "county":
        assert Household.objects.get(number="002", village=village_b).members.count() == 3


def test_the_same_household_number_in_two_villages_is_two_households(
    tmp_path, county, village_a, village_b
):
    headers = ["村", *HEADERS]
    rows = [["大河村", *r] for r in family("001")] + [[village_b.code, *r] for r in family("001")]
    result = run_import(write_xlsx(tmp_path / "a.xlsx", rows, headers), area=county)
    assert result.errors.height == 0, result.issues
    assert Household.objects.filter(number="001").count() == 2


def test_a_blank_group_is_the_households_own_never_the_household_above(tmp_path, village_a):
    """The group is filled from a row above of the same household only: 002 names none and has
    none (not 001's); 003 names its group on its second row; a member row that names no
    household is of the household above, and of its group."""
    from villagedesk.areas.models import VillageGroup

    second = VillageGroup.objects.create(village=village_a, number=2, name="二组")
    group, number = col("村民小组"), col("户编号")
    rows = family("001") + family("002") + family("003")
    for row in rows:
        row[group] = ""
    rows[0][group] = "2"
    rows[7][group] = "一组"
    rows[2][number] = ""
    result = run_import(write_xlsx(tmp_path / "a.xlsx", rows), area=village_a)
    assert result.errors.height == 0, result.issues
    groups = dict(Household.objects.values_list("number", "group"))
    assert groups == {"001": second.pk, "002": None, "003": village_a.groups.get(number=1).pk}
    assert Household.objects.get(number="001").members.count() == 3


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"hello, this is not a spreadsheet", "Give a .xlsx, .xls, .ods, .csv or .txt file."),
        (b"PK\x03\x04 broken zip", "The file is not a spreadsheet that can be read."),
    ],
)
def test_files_that_are_not_ledgers(tmp_path, village_a, content, message):
    path = tmp_path / ("a.bin" if content.startswith(b"hello") else "a.xlsx")
    path.write_bytes(content)
    with pytest.raises(ReadError, match=message):
        run_import(path, area=village_a)


def test_an_empty_sheet(tmp_path, village_a):
    path = tmp_path / "empty.xlsx"
    workbook = xlsxwriter.Workbook(str(path))
    workbook.add_worksheet()
    workbook.close()
    with pytest.raises(ReadError, match="is empty"):
        run_import(path, area=village_a)


def test_a_sheet_without_a_known_header(tmp_path, village_a):
    path = write_xlsx(tmp_path / "a.xlsx", [["1", "2"]], ["foo", "bar"])
    with pytest.raises(ReadError, match="No header row"):
        run_import(path, area=village_a)
    with translation.override("zh-hans"), pytest.raises(ReadError, match="表头"):
        run_import(path, area=village_a)


def test_too_many_rows_are_refused_before_they_are_read(tmp_path, village_a, monkeypatch):
    from villagedesk.registry.imports import reading

    monkeypatch.setattr(reading, "MAX_ROWS", 5)
    path = write_xlsx(tmp_path / "a.xlsx", family() * 10)
    with pytest.raises(ReadError, match="more than 5 rows"):
        run_import(path, area=village_a)
    csv_path = write_csv(tmp_path / "a.csv", family() * 10)
    with pytest.raises(ReadError, match="more than 5 rows"):
        run_import(csv_path, area=village_a)


def with_stray_cell(path: Path, column: int) -> Path:
    """A ledger with one more cell, in the given (0-based) column of the first member's row."""
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("台账")
    for c, header in enumerate(HEADERS):
        sheet.write_string(0, c, header)
    for r, row in enumerate(family(), start=1):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value)
    sheet.write_string(1, column, "x")
    workbook.close()
    return path


def test_a_cell_past_the_last_column_is_refused_before_it_is_read(tmp_path, village_a):
    from villagedesk.core.spreadsheets import column_letters
    from villagedesk.registry.imports import reading

    assert column_letters(reading.MAX_COLUMNS) == "GR"
    last = with_stray_cell(tmp_path / "last.xlsx", reading.MAX_COLUMNS - 1)  # GR
    assert run_import(last, area=village_a, check_only=True).errors.height == 0
    past = with_stray_cell(tmp_path / "past.xlsx", reading.MAX_COLUMNS)  # GS
    with pytest.raises(ReadError, match="at most 600,000 rows and 200 columns"):
        run_import(past, area=village_a)
    far = with_stray_cell(tmp_path / "far.xlsx", 16_383)  # XFD, the last column of Excel
    with pytest.raises(ReadError, match="200 columns"):
        run_import(far, area=village_a)


def test_a_file_that_expands_too_far_is_refused_before_it_is_read(tmp_path, village_a, monkeypatch):
    from villagedesk.registry.imports import reading

    path = write_xlsx(tmp_path / "a.xlsx", family())
    with zipfile.ZipFile(path) as archive:
        expanded = sum(member.file_size for member in archive.infolist())
    limits = reading.LIMITS
    monkeypatch.setattr(reading, "LIMITS", dataclasses.replace(limits, expanded_bytes=expanded - 1))
    with pytest.raises(ReadError, match="expands to more than"):
        run_import(path, area=village_a)
    monkeypatch.setattr(reading, "LIMITS", dataclasses.replace(limits, expanded_bytes=expanded))
    assert run_import(path, area=village_a, check_only=True).errors.height == 0


def test_a_saved_mapping_corrects_an_unknown_header(tmp_path, village_a):
    headers = [*HEADERS]
    headers[col("文化程度")] = "最高学历（自填）"
    path = write_xlsx(tmp_path / "a.xlsx", family(), headers)
    assert (
        "education_or_schooling"
        in run_import(path, area=village_a, check_only=True).errors["code"].to_list()
    )
    result = run_import(path, area=village_a, columns={"最高学历(自填)": "education"})
    assert result.errors.height == 0, result.issues


FILES = Path(__file__).parent / "files"


def loaded():
    """What an import put in the registry, without the keys that differ from one load to another."""
    return (
        list(Household.objects.order_by("number").values_list("number", "address", "status")),
        # Sorted here: the database holds the numbers sealed, in no order of theirs.
        sorted(
            Person.objects.values_list(
                "household__number",
                "name",
                "id_number",
                "sex",
                "birth_date",
                "relation",
                "ethnicity",
                "education",
                "schooling",
                "migrant_work",
                "migrant_months",
                "phone",
            ),
            key=lambda row: row[2] or "",
        ),
    )


@pytest.mark.parametrize("name", ["ledger.xls", "ledger.ods"])
def test_xls_and_ods_load_as_the_xlsx_they_were_converted_from(village_a, name):
    """ledger.xls and ledger.ods are ledger.xlsx saved by LibreOffice (files/make_files.py)."""
    with transaction.atomic():
        run_import(FILES / "ledger.xlsx", area=village_a)
        expected = loaded()
        transaction.set_rollback(True)
    assert len(expected[1]) == 5
    result = run_import(FILES / name, area=village_a)
    assert result.errors.height == 0, result.issues
    assert loaded() == expected


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("en", "The file is protected by a password; save it without one."),
        ("zh-hans", "文件设有密码保护，请取消密码后再保存。"),
    ],
)
def test_a_password_protected_file_is_refused(village_a, household_a, language, message):
    """protected.xlsx is ledger.xlsx encrypted by msoffcrypto-tool (files/make_files.py).

    An encrypted .xlsx is no longer a zip but an OLE container, as an .xls is.
    """
    before = snapshot()
    with translation.override(language):
        with pytest.raises(ReadError) as refused:
            run_import(FILES / "protected.xlsx", area=village_a)
        assert str(refused.value) == message
    assert snapshot() == before


MILLION = 1_000_000
MILLION_ROW = ["1", "张三", "530128198005170013", "男", "1980-05-17", "户主", "汉族", "初中"]
MILLION_ROW += ["", "", "", "13812345678", "大河村1号"]


def write_million_row_xlsx(path: Path) -> Path:
    """A one-sheet .xlsx of a header and a million member rows, its sheet XML written directly.

    XlsxWriter takes about a minute for a million rows; the same rows as inline strings take
    seconds.
    """
    package = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    relations = "http://schemas.openxmlformats.org/package/2006/relationships"
    office = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    sheet_type = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    parts = {
        "[Content_Types].xml": f'<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'content-types"><Default Extension="rels" ContentType="application/'
        f'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        f'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
        f'ContentType="{sheet_type}.sheet.main+xml"/><Override '
        f'PartName="/xl/worksheets/sheet1.xml" ContentType="{sheet_type}.worksheet+xml"/></Types>',
        "_rels/.rels": f'<Relationships xmlns="{relations}"><Relationship Id="rId1" '
        f'Type="{office}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": f'<workbook xmlns="{main}" xmlns:r="{office}"><sheets><sheet '
        f'name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{relations}"><Relationship '
        f'Id="rId1" Type="{office}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
    }

    def cells(values):
        return "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in values)

    rest = cells(MILLION_ROW) + "</row>"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, xml in parts.items():
            archive.writestr(name, package + xml)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                f'{package}<worksheet xmlns="{main}"><dimension ref="A1:N{MILLION + 1}"/>'
                f'<sheetData><row r="1">{cells(HEADERS)}</row>'.encode()
            )
            for start in range(2, MILLION + 2, 10_000):
                sheet.write(
                    "".join(
                        f'<row r="{r}">{cells([f"{r:07d}"])}{rest}'
                        for r in range(start, start + 10_000)
                    ).encode()
                )
            sheet.write(b"</sheetData></worksheet>")
    return path


def write_million_row_csv(path: Path) -> Path:
    numbers = pl.int_range(2, MILLION + 2, eager=True).cast(pl.String).str.zfill(7)
    frame = pl.DataFrame({HEADERS[0]: numbers}).with_columns(
        pl.lit(value).alias(header) for header, value in zip(HEADERS[1:], MILLION_ROW, strict=True)
    )
    frame.write_csv(path)
    return path


# The peak is the child's own VmHWM: ru_maxrss survives exec and would report the parent's.
READ_IN_A_CHILD = """
import re, sys
import django
django.setup()
from django.utils import translation
from villagedesk.registry.imports.reading import ReadError, read_ledger
with translation.override("en"):
    try:
        read_ledger(sys.argv[1])
    except ReadError as error:
        print(error)
with open("/proc/self/status") as status:
    print(int(re.search(r"VmHWM:\\s+(\\d+) kB", status.read())[1]) // 1024)
"""

# Refusing must not cost more than a fraction of a small server's memory. Reading a million
# rows whole took 1.3 GB for an .xlsx (calamine) and 970 MB for a .csv (Python text); counting
# and stopping at the limit takes about 140 MB and 430 MB.
MAX_REFUSAL_MB = 768


# A million rows written, read in a child and read again by the command: 20–30 s on a quiet
# machine, past the suite's minute on a busy one.
@pytest.mark.timeout(300)
@pytest.mark.parametrize("write", [write_million_row_csv, write_million_row_xlsx])
def test_a_million_rows_are_refused_in_bounded_memory(tmp_path, village_a, household_a, write):
    """The reading is measured in a child process (it needs no database), the command here."""
    name = "台账.csv" if write is write_million_row_csv else "台账.xlsx"
    path = write(tmp_path / name)
    child = subprocess.run(  # noqa: S603
        [sys.executable, "-c", READ_IN_A_CHILD, str(path)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "villagedesk.settings"},
    )
    message, peak_mb = child.stdout.splitlines()
    print(f"{name}: {message} peak {peak_mb} MB")
    sheet = path.name if path.suffix == ".csv" else "台账"
    assert message == f"The sheet “{sheet}” has more than 600,000 rows; split the file by village."
    assert int(peak_mb) < MAX_REFUSAL_MB
    before = snapshot()
    stderr = io.StringIO()
    with translation.override("zh-hans"), pytest.raises(SystemExit) as exited:
        call_command("import_registry", str(path), village=village_a.code, stderr=stderr)
    assert exited.value.code == 2
    assert f"工作表“{sheet}”超过 600,000 行，请按村拆分文件。" in stderr.getvalue()
    assert snapshot() == before


def test_a_load_is_one_audit_event_and_a_dry_run_none(tmp_path, village_a, cadre_a):
    from villagedesk.audit.models import AuditEvent, Kind

    path = write_xlsx(tmp_path / "a.xlsx", family())
    run_import(path, area=village_a, by=cadre_a, dry_run=True)
    assert not AuditEvent.objects.filter(kind=Kind.PERSONAL_DATA_WRITE).exists()
    result = run_import(path, area=village_a, by=cadre_a)
    event = AuditEvent.objects.get(kind=Kind.PERSONAL_DATA_WRITE, object_type="registry.import")
    assert event.user == cadre_a
    assert event.area == village_a.code
    assert event.details["persons_created"] == result.counts["persons_created"] > 0


def test_a_household_field_written_otherwise_on_a_members_row_is_warned_of_at_that_row(
    tmp_path, village_a
):
    """The head's row names the household's group and address; a member's row that names
    another is pointed out, the first taken, and the household still loaded."""
    rows = family()
    rows[1][1] = "2"
    rows[2][13] = "小河村9号"
    rows.append(person_row("002", "王五", "户主", "男", "1970-01-02", address="大河村2号"))
    rows.append(person_row("002", "赵六", "配偶", "女", "1971-01-02", address="大河村2号"))
    result = run_import(write_xlsx(tmp_path / "a.xlsx", rows), area=village_a)
    warned = result.warnings.filter(pl.col("code") == "household_value_differs")
    assert sorted(warned.select("row", "field", "param").iter_rows()) == [
        (3, "group", "2"),
        (4, "address", "2"),
    ]
    household = Household.objects.get(number="001")
    assert (household.group.number, household.address) == (1, "大河村1号")
    assert Household.objects.get(number="002").address == "大河村2号"
    with translation.override("en"):
        assert render(**warned.select("code", "field", "value", "param").row(0, named=True)) == (
            "“village group” differs from row 2 of the same household, whose value was taken."
        )
