"""A ledger in the official single-sheet layout of the national household information collection
form (建档立卡户信息采集表; the column set of `shared/domain/README.md` §1 and the national person
export of `sources.md` §1.3), built here: a title row above the header, 户主姓名 beside 姓名 and
written on the head's row only (or repeated on the members' rows), household facts on the head's
row, dates in several spellings, national codes beside labels, columns the registry does not keep.
Good households and planted errors of each kind, imported all-or-nothing and with --partial."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
import python_calamine
import xlsxwriter
from django.core.management import call_command

from villagedesk.core.spreadsheets import column_letters
from villagedesk.registry.codes import (
    DisabilityCategory,
    Fuel,
    HouseholdStatus,
    IdentificationStandard,
    Labour,
    MigrantWork,
    PovertyAttribute,
    PovertyCause,
    PovertyStatus,
    Relation,
    RoadType,
    Safety,
    Schooling,
    Sex,
)
from villagedesk.registry.identity import check_character
from villagedesk.registry.imports.engine import run_import
from villagedesk.registry.models import Household, Person
from villagedesk.registry.tests.factories import HouseholdFactory, PersonFactory, make_id_number
from villagedesk.registry.tests.test_import import messages_of

pytestmark = pytest.mark.django_db

TITLE = "屏山街道建档立卡户信息采集表（2024年度）"
HEADERS = [
    "序号",
    "行政村",
    "村民小组",
    "户编号",
    "户主姓名",
    "户主证件号码",
    "人数",
    "姓名",
    "性别",
    "证件号码",
    "出生日期",
    "与户主关系",
    "民族",
    "政治面貌",
    "文化程度",
    "在校生状况",
    "健康状况",
    "残疾类别",
    "残疾等级",
    "劳动技能",
    "务工地点",
    "务工时间（月）",
    "务工所在地",
    "务工企业名称",
    "是否参加城乡居民基本医疗保险",
    "是否参加大病保险",
    "是否参加城乡居民基本养老保险",
    "户联系电话",
    "贫困户属性",
    "贫困户状态",
    "户类型",
    "主要致贫原因",
    "其他致贫原因",
    "识别标准",
    "识别时间",
    # The rest of the national column set (domain README §1): payments, the household's flags,
    # production and living conditions, and the member's service and accident insurance.
    "开户银行",
    "银行账号",
    "是否军烈属",
    "是否独生子女户",
    "是否双女户",
    "耕地面积（亩）",
    "有效灌溉面积（亩）",
    "林地面积（亩）",
    "退耕还林面积（亩）",
    "林果面积（亩）",
    "牧草地面积（亩）",
    "水面面积（亩）",
    "是否加入农民专业合作组织",
    "是否通生产用电",
    "是否通生活用电",
    "与村主干路距离（公里）",
    "入户路类型",
    "住房面积（平方米）",
    "是否解决安全饮用水",
    "是否饮水困难",
    "主要燃料类型",
    "是否有卫生厕所",
    "是否通广播电视",
    "是否现役军人",
    "是否参加人身意外伤害保险",
]
DAHE, XIAOHE = "530128100001", "小河村"
FIRST_DATA_ROW = 3  # the title on row 1, the header on row 2


def letter(header: str) -> str:
    return column_letters(HEADERS.index(header) + 1)


def number_of(born: datetime.date, sex: str) -> str:
    return make_id_number(born, sex)


def wrong_check_character(number: str) -> str:
    right = check_character(number[:17])
    return number[:17] + ("1" if right != "1" else "2")


def member(name, relation, sex, born, birth_cell, **cells):
    """One row: the member's own cells (a `born` date written as `birth_cell`, which may be a
    date for an Excel date cell) and the number that identifies them."""
    sex_code = Sex.MALE if sex in {"男", "1"} else Sex.FEMALE
    id_number = cells.pop("证件号码", None) or number_of(born, sex_code)
    row = {
        "姓名": name,
        "性别": sex,
        "证件号码": id_number,
        "出生日期": birth_cell,
        "与户主关系": relation,
        "民族": "汉族",
        "政治面貌": "群众",
        "健康状况": "健康",
        "劳动技能": "普通劳动力",
        "是否参加城乡居民基本医疗保险": "是",
        "是否参加大病保险": "是",
        "是否参加城乡居民基本养老保险": "是",
        **cells,
    }
    if "在校生状况" not in cells:
        row.setdefault("文化程度", "初中")
    return row


def household(village, group, number, members, *, on_every_row=(), **facts):
    """A household's rows: the village, group and number on every row, 户主姓名 and the
    household's facts on the head's row (and on every row for the headers in `on_every_row`)."""
    head = members[0]
    facts = {"户主姓名": head["姓名"], "户主证件号码": head["证件号码"], **facts}
    rows = []
    for index, person in enumerate(members):
        row = {"行政村": village, "村民小组": group, "户编号": number, **person}
        for header, value in facts.items():
            if index == 0 or header in on_every_row:
                row.setdefault(header, value)
        rows.append(row)
    return rows


DUPLICATE = number_of(datetime.date(1985, 1, 1), Sex.FEMALE)
BAD_CHECK = wrong_check_character(number_of(datetime.date(1978, 8, 8), Sex.MALE))
SOMEONE_ELSE = number_of(datetime.date(1950, 1, 1), Sex.MALE)
EXITED = {"贫困户属性": "一般脱贫户", "贫困户状态": "已脱贫(享受政策)", "户类型": "脱贫户"}
# Domain README §1, the household's conditions by their labels, with units and marks as typed.
CONDITIONS_BY_LABEL = {
    "是否军烈属": "否",
    "是否独生子女户": "×",
    "是否双女户": "否",
    "耕地面积（亩）": "5.5亩",
    "有效灌溉面积（亩）": "3",
    "林地面积（亩）": "10",
    "退耕还林面积（亩）": "2.5 亩",
    "林果面积（亩）": "1",
    "牧草地面积（亩）": "0",
    "水面面积（亩）": "0.3",
    "是否加入农民专业合作组织": "是",
    "是否通生产用电": "√",
    "是否通生活用电": "是",
    "与村主干路距离（公里）": "1.2公里",
    "入户路类型": "水泥路",
    "住房面积（平方米）": "120平方米",
    "是否解决安全饮用水": "是",
    "是否饮水困难": "否",
    "主要燃料类型": "柴草",
    "是否有卫生厕所": "是",
    "是否通广播电视": "是",
}
# ... and as 1/0, other spellings and other units.
CONDITIONS_OTHERWISE = {
    "是否军烈属": "1",
    "是否独生子女户": "0",
    "是否双女户": "0",
    "耕地面积（亩）": "8",
    "有效灌溉面积（亩）": "",
    "林地面积（亩）": "12.5 亩",
    "是否加入农民专业合作组织": "0",
    "是否通生产用电": "1",
    "是否通生活用电": "1",
    "与村主干路距离（公里）": "0.5km",
    "入户路类型": "砂石路",
    "住房面积（平方米）": "85.5㎡",
    "是否解决安全饮用水": "否",
    "是否饮水困难": "1",
    "主要燃料类型": "天然气",
    "是否有卫生厕所": "0",
    "是否通广播电视": "1",
}


def ledger() -> list[dict]:
    """Fourteen households, 30 rows (file rows 3 to 32); the planted errors are named."""
    return [
        # Rows 3–5: clean; the head's name and the household's facts on the head's row only.
        *household(
            DAHE,
            "1",
            "001",
            [
                member(
                    "张三",
                    "户主",
                    "男",
                    datetime.date(1980, 5, 17),
                    "1980-05-17",
                    务工地点="省外务工",
                    **{"务工时间（月）": "10"},
                    务工所在地="广东省东莞市",
                    务工企业名称="东莞长安电子厂",
                    开户银行="中国农业银行",
                    银行账号="6228 4801 2345 6789 012",
                    是否现役军人="否",
                    是否参加人身意外伤害保险="是",
                ),
                member(
                    "李梅",
                    "配偶",
                    "女",
                    datetime.date(1982, 3, 4),
                    "1982/3/4",
                    文化程度="小学",
                    健康状况="长期慢性病",
                ),
                member(
                    "张小明",
                    "之子",
                    "男",
                    datetime.date(2012, 9, 1),
                    "2012年9月1日",
                    在校生状况="七年级",
                    劳动技能="无劳动力",
                    是否现役军人="0",
                ),
            ],
            人数="3",
            户联系电话="13812345678",
            主要致贫原因="因病",
            其他致贫原因="因学、缺技术",
            识别标准="国家标准",
            识别时间="2014/10/1",
            **EXITED,
            **CONDITIONS_BY_LABEL,
        ),
        # Rows 6–7: clean; the head's name and the facts repeated on every row, the group by its
        # name, a date as an Excel date cell; 人数 says 3 for two members (a warning).
        *household(
            DAHE,
            "一组",
            "002",
            [
                member("赵四", "户主", "男", datetime.date(1975, 6, 1), "19750601"),
                member("钱芳", "配偶", "女", datetime.date(1976, 2, 3), datetime.date(1976, 2, 3)),
            ],
            on_every_row=("户主姓名", "人数", "户类型"),
            人数="3",
            户类型="一般农户",
        ),
        # Rows 8–9: 户主姓名 on the daughter's row is not the head's name (row 9).
        *household(
            DAHE,
            "1",
            "003",
            [
                member("王伍", "户主", "男", datetime.date(1970, 1, 2), "1970-1-2"),
                member(
                    "王小丽",
                    "之女",
                    "女",
                    datetime.date(2000, 7, 8),
                    "2000-07-08",
                    户主姓名="王五",
                    文化程度="高中",
                ),
            ],
        ),
        # Rows 10–11: the spouse has no name (row 11).
        *household(
            DAHE,
            "1",
            "004",
            [
                member("孙七", "户主", "男", datetime.date(1965, 3, 3), "1965-03-03"),
                member("", "配偶", "女", datetime.date(1966, 4, 4), "1966-04-04"),
            ],
        ),
        # Rows 12–13: the head's identity number has a wrong check character (row 12).
        *household(
            DAHE,
            "1",
            "005",
            [
                member(
                    "周八",
                    "户主",
                    "男",
                    datetime.date(1978, 8, 8),
                    "1978-08-08",
                    证件号码=BAD_CHECK,
                ),
                # Row 13: a yes-or-no cell that is neither.
                member(
                    "吴九",
                    "配偶",
                    "女",
                    datetime.date(1979, 9, 9),
                    "1979-09-09",
                    是否现役军人="也许",
                ),
            ],
        ),
        # Rows 14–15 and 16–17: one identity number for two spouses (rows 15 and 17).
        *household(
            DAHE,
            "1",
            "006",
            [
                member("郑十", "户主", "男", datetime.date(1981, 1, 1), "1981-01-01"),
                member(
                    "冯丽",
                    "配偶",
                    "女",
                    datetime.date(1985, 1, 1),
                    "1985-01-01",
                    证件号码=DUPLICATE,
                ),
            ],
        ),
        *household(
            DAHE,
            "1",
            "007",
            [
                member("陈一", "户主", "男", datetime.date(1983, 2, 2), "1983-02-02"),
                member(
                    "褚红", "配偶", "女", datetime.date(1985, 1, 1), "1985.1.1", 证件号码=DUPLICATE
                ),
            ],
        ),
        # Rows 18–19: an ethnicity that is no code or label (row 18).
        *household(
            DAHE,
            "1",
            "008",
            [
                # ... and a fuel not on the list, a negative housing area (row 18).
                member(
                    "卫二",
                    "户主",
                    "男",
                    datetime.date(1972, 12, 12),
                    "1972-12-12",
                    民族="火星族",
                    主要燃料类型="核能",
                    **{"住房面积（平方米）": "-20"},
                ),
                member("蒋三", "配偶", "女", datetime.date(1973, 11, 11), "1973-11-11"),
            ],
        ),
        # Rows 20–21: a date of birth that is no date (row 21).
        *household(
            DAHE,
            "1",
            "009",
            [
                # A bank account number that is no number (row 20).
                member(
                    "沈四",
                    "户主",
                    "男",
                    datetime.date(1989, 5, 5),
                    "1989-05-05",
                    开户银行="农村信用社",
                    银行账号="6228X",
                ),
                member("韩五", "配偶", "女", datetime.date(1990, 1, 15), "1990-13-45"),
            ],
        ),
        # Rows 22–23: a village code the county does not have and an arable land that is no
        # number (row 22, the household's row).
        *household(
            "530128100999",
            "1",
            "010",
            [
                member("杨六", "户主", "男", datetime.date(1960, 6, 6), "1960-06-06"),
                member("朱七", "配偶", "女", datetime.date(1961, 7, 7), "1961-07-07"),
            ],
            **{"耕地面积（亩）": "很多"},
        ),
        # Rows 24–25: a group the village does not have and a road type not on the list (row 24).
        *household(
            DAHE,
            "9",
            "011",
            [
                member("秦八", "户主", "男", datetime.date(1962, 8, 8), "1962-08-08"),
                member("尤九", "配偶", "女", datetime.date(1963, 9, 9), "1963-09-09"),
            ],
            入户路类型="高速公路",
        ),
        # Rows 26–28: clean, in the other village named by its name; national codes for sex,
        # ethnicity, poverty attribute and status; several health values in one cell.
        *household(
            XIAOHE,
            "1",
            "012",
            [
                member(
                    "许一",
                    "户主",
                    "1",
                    datetime.date(1960, 5, 5),
                    "1960.5.5",
                    民族="01",
                    健康状况="长期慢性病、残疾",
                    残疾类别="肢体残疾",
                    残疾等级="二级",
                    劳动技能="弱劳动力或半劳动力",
                    开户银行="农村信用社",
                    银行账号="6217-0012-3456-7890",
                    是否现役军人="0",
                    是否参加人身意外伤害保险="1",
                ),
                member("何二", "配偶", "2", datetime.date(1962, 6, 6), "1962-06-06", 民族="01"),
                member(
                    "许小宝",
                    "之孙子",
                    "1",
                    datetime.date(2021, 3, 3),
                    "2021-3-3",
                    在校生状况="学龄前儿童",
                    劳动技能="无劳动力",
                ),
            ],
            人数="3",
            贫困户属性="05",
            贫困户状态="1",
            户类型="脱贫户",
            主要致贫原因="因残",
            识别标准="省定标准",
            识别时间="2015年3月1日",
            **CONDITIONS_OTHERWISE,
        ),
        # Rows 29–30: 户主证件号码 is not the head's number, and household electricity neither
        # yes nor no (row 29).
        *household(
            DAHE,
            "1",
            "013",
            [
                member("吕三", "户主", "男", datetime.date(1969, 9, 9), "1969-09-09"),
                member("施四", "配偶", "女", datetime.date(1970, 10, 10), "1970-10-10"),
            ],
            户主证件号码=SOMEONE_ELSE,
            是否通生活用电="通了",
        ),
        # Rows 31–32: clean; the head's name repeated on the son's row.
        *household(
            XIAOHE,
            "一组",
            "014",
            [
                member("张五", "户主", "男", datetime.date(1988, 10, 10), "1988年10月10日"),
                member(
                    "张六",
                    "之子",
                    "男",
                    datetime.date(2015, 5, 5),
                    "2015/05/05",
                    户主姓名="张五",
                    在校生状况="小学",
                    劳动技能="无劳动力",
                ),
            ],
            人数="2",
        ),
    ]


LEDGER = ledger()
# (row, field) of every error planted above, and of the one warning.
EXPECTED_ERRORS = {
    (9, "head_name"),
    (11, "name"),
    (12, "id_number"),
    (13, "active_serviceman"),
    (15, "id_number"),
    (17, "id_number"),
    (18, "ethnicity"),
    (18, "main_fuel"),
    (18, "housing_area"),
    (20, "bank_account"),
    (21, "birth_date"),
    (22, "village"),
    (22, "arable_land"),
    (24, "group"),
    (24, "road_type"),
    (29, "head_id_number"),
    (29, "household_electricity"),
}
EXPECTED_WARNINGS = {(6, "size")}
CLEAN = {"001", "002", "012", "014"}


def cells(rows):
    for index, row in enumerate(rows, start=1):
        yield [str(index), *(row.get(h, "") for h in HEADERS[1:])]


def write_official_xlsx(path):
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("采集表")
    date_cell = book.add_format({"num_format": "yyyy/m/d"})
    sheet.write_string(0, 0, TITLE)
    for col, header in enumerate(HEADERS):
        sheet.write_string(1, col, header)
    for r, row in enumerate(cells(LEDGER), start=2):
        for c, value in enumerate(row):
            if isinstance(value, datetime.date):
                sheet.write_datetime(r, c, value, date_cell)
            elif HEADERS[c] == "行政村" and value.isdigit():
                sheet.write_number(r, c, int(value))  # a code typed as a number
            elif value:
                sheet.write_string(r, c, value)
    book.close()
    return path


def write_official_csv(path):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([TITLE])
        writer.writerow(HEADERS)
        for row in cells(LEDGER):
            writer.writerow(
                [f"{v.year}.{v.month}.{v.day}" if isinstance(v, datetime.date) else v for v in row]
            )
    return path


@pytest.fixture(params=["xlsx", "csv"])
def official_file(request, tmp_path):
    if request.param == "xlsx":
        return write_official_xlsx(tmp_path / "采集表.xlsx")
    return write_official_csv(tmp_path / "采集表.csv")


def import_command(path, county, *options):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(
            "import_registry", str(path), "--county", county.code, *options, stdout=out, stderr=err
        )
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def found(result, level):
    issues = result.issues.filter(result.issues["level"] == level)
    return set(zip(issues["row"].to_list(), issues["field"].to_list(), strict=True))


def test_the_planted_errors_are_found_at_their_rows_and_columns(
    official_file, county, village_a, village_b
):
    result = run_import(official_file, area=county, check_only=True)
    assert found(result, "error") == EXPECTED_ERRORS
    assert found(result, "warning") == EXPECTED_WARNINGS
    places = {
        (row, field): (column, header)
        for row, field, column, header in result.issues.select(
            "row", "field", "column", "header"
        ).rows()
    }
    assert places[(11, "name")] == (letter("姓名"), "姓名")
    assert places[(9, "head_name")] == (letter("户主姓名"), "户主姓名")
    assert places[(22, "village")] == (letter("行政村"), "行政村")
    # Domain README §1: the national columns beyond the registry's first ones, at their places.
    assert places[(22, "arable_land")] == (letter("耕地面积（亩）"), "耕地面积（亩）")
    assert places[(20, "bank_account")] == (letter("银行账号"), "银行账号")
    assert places[(13, "active_serviceman")] == (letter("是否现役军人"), "是否现役军人")
    assert places[(29, "household_electricity")] == (letter("是否通生活用电"), "是否通生活用电")


def test_all_or_nothing_writes_nothing_and_names_rows_and_columns(
    official_file, county, village_a, village_b
):
    status, out, err = import_command(official_file, county)
    assert status == 1
    assert "Rejected" in err
    assert not Household.objects.exists() and not Person.objects.exists()
    assert Household.history.count() == Person.history.count() == 0
    lines = out.splitlines()
    assert any(
        f"row 11, {letter('姓名')} 姓名 [error] “name” is required." in line for line in lines
    )
    assert any(
        f"row 15, {letter('证件号码')} 证件号码 [error]" in line
        and "also on row 17 of the file" in line
        for line in lines
    )
    assert any(
        f"row 17, {letter('证件号码')} 证件号码 [error]" in line
        and "also on row 15 of the file" in line
        for line in lines
    )
    assert any(
        f"row 9, {letter('户主姓名')} 户主姓名 [error]" in line and "王伍" in line for line in lines
    )
    # Domain README §1: every column of the national set is read; the employer is not kept.
    assert f"These columns were not read: 务工企业名称 ({letter('务工企业名称')})." in lines
    said = {
        (22, "耕地面积（亩）"): "“很多” is not a number for “arable land (mu)”.",
        (24, "入户路类型"): "“高速公路” is not one of the values of “access road type”.",
        (20, "银行账号"): "A bank account number is 8 to 30 digits.",
        (18, "住房面积（平方米）"): "“housing area (m²)” cannot be negative.",
        (13, "是否现役军人"): "“也许” is neither yes (是) nor no (否).",
    }
    for (row, header), message in said.items():
        assert f"采集表 row {row}, {letter(header)} {header} [error] {message}" in lines, header


def test_partial_loads_exactly_the_clean_households(official_file, county, village_a, village_b):
    status, out, err = import_command(official_file, county, "--partial")
    assert status == 0, err
    assert "Traceback" not in out + err
    households = {
        (h.village.code, h.number): (
            h.group.number,
            h.status,
            h.poverty_status,
            h.poverty_attribute,
            h.main_cause,
            h.other_causes,
            h.identified_on,
            h.phone,
        )
        for h in Household.objects.select_related("village", "group")
    }
    assert households == {
        (DAHE, "001"): (
            1,
            HouseholdStatus.EXITED,
            PovertyStatus.OUT_ENJOYING,
            PovertyAttribute.ORDINARY_EXITED,
            PovertyCause.ILLNESS,
            [PovertyCause.SCHOOLING, PovertyCause.LACK_OF_SKILLS],
            datetime.date(2014, 10, 1),
            "13812345678",
        ),
        (DAHE, "002"): (1, HouseholdStatus.NOT_POOR, "", "", "", [], None, ""),
        (village_b.code, "012"): (
            1,
            HouseholdStatus.EXITED,
            PovertyStatus.OUT_ENJOYING,
            PovertyAttribute.ORDINARY_EXITED,
            PovertyCause.DISABILITY,
            [],
            datetime.date(2015, 3, 1),
            "",
        ),
        (village_b.code, "014"): (1, HouseholdStatus.NOT_POOR, "", "", "", [], None, ""),
    }
    persons = {
        (p.household.number, p.name, p.id_number, p.sex, p.birth_date, p.relation)
        for p in Person.objects.select_related("household")
    }
    births = {
        "张三": datetime.date(1980, 5, 17),
        "李梅": datetime.date(1982, 3, 4),
        "张小明": datetime.date(2012, 9, 1),
        "赵四": datetime.date(1975, 6, 1),
        "钱芳": datetime.date(1976, 2, 3),
        "许一": datetime.date(1960, 5, 5),
        "何二": datetime.date(1962, 6, 6),
        "许小宝": datetime.date(2021, 3, 3),
        "张五": datetime.date(1988, 10, 10),
        "张六": datetime.date(2015, 5, 5),
    }
    relations = {
        "户主": Relation.HEAD,
        "配偶": Relation.SPOUSE,
        "之子": Relation.SON,
        "之孙子": Relation.GRANDSON,
    }
    assert persons == {
        (
            row["户编号"],
            row["姓名"],
            row["证件号码"],
            Sex.MALE if row["性别"] in {"男", "1"} else Sex.FEMALE,
            births[row["姓名"]],
            relations[row["与户主关系"]],
        )
        for row in LEDGER
        if row["户编号"] in CLEAN
    }
    head = Person.objects.get(name="张三")
    assert (head.migrant_work, head.migrant_months, head.migrant_place) == (
        MigrantWork.OUT_OF_PROVINCE,
        10,
        "广东省东莞市",
    )
    assert Person.objects.get(name="李梅").chronic_illness
    disabled = Person.objects.get(name="许一")
    assert (disabled.chronic_illness, disabled.serious_illness) == (True, False)
    assert (disabled.disability_category, disabled.disability_grade) == (
        DisabilityCategory.PHYSICAL,
        2,
    )
    assert disabled.labour == Labour.WEAK and disabled.ethnicity == "01"
    assert Person.objects.get(name="许小宝").schooling == Schooling.PRESCHOOL_CHILD
    assert Person.objects.get(name="张六").schooling == Schooling.PRIMARY
    assert "households_created=4" in out and "persons_created=10" in out


CONDITIONS = [
    "identification_standard",
    "martyr_family",
    "only_child",
    "two_daughters",
    "arable_land",
    "irrigated_land",
    "forest_land",
    "returned_forest_land",
    "orchard_land",
    "grassland",
    "water_surface",
    "cooperative_member",
    "production_electricity",
    "household_electricity",
    "road_distance",
    "road_type",
    "housing_area",
    "water_safety",
    "water_difficulty",
    "main_fuel",
    "sanitary_toilet",
    "radio_tv",
]


def test_domain_readme_s1_the_national_column_set_by_labels_and_by_codes(
    official_file, county, village_a, village_b
):
    """Domain README §1: identification standard, the martyr/soldier, only-child and
    two-daughter flags, land in mu, the cooperative, electricity, the main road and the access
    road, housing area, safe water and its difficulty, main fuel, sanitary toilet, radio and TV,
    the bank and account for payments, active serviceman and personal accident insurance."""
    status, out, err = import_command(official_file, county, "--partial")
    assert status == 0, err
    by_label = Household.objects.get(number="001")
    assert [getattr(by_label, name) for name in CONDITIONS] == [
        IdentificationStandard.NATIONAL,
        False,
        False,
        False,
        Decimal("5.5"),
        Decimal("3"),
        Decimal("10"),
        Decimal("2.5"),
        Decimal("1"),
        Decimal("0"),
        Decimal("0.3"),
        True,
        True,
        True,
        Decimal("1.2"),
        RoadType.CEMENT,
        Decimal("120"),
        Safety.SAFE,
        False,
        Fuel.FIREWOOD,
        True,
        True,
    ]
    otherwise = Household.objects.get(number="012")
    assert [getattr(otherwise, name) for name in CONDITIONS] == [
        IdentificationStandard.PROVINCIAL,
        True,
        False,
        False,
        Decimal("8"),
        None,
        Decimal("12.5"),
        None,
        None,
        None,
        None,
        False,
        True,
        True,
        Decimal("0.5"),
        RoadType.GRAVEL,
        Decimal("85.5"),
        Safety.UNSAFE,
        True,
        Fuel.GAS,
        False,
        True,
    ]
    # Facts of households the ledger leaves empty stay not recorded.
    assert Household.objects.get(number="002").radio_tv is None
    members = {
        p.name: (p.bank, p.bank_account, p.active_serviceman, p.accident_insurance)
        for p in Person.objects.all()
    }
    assert members["张三"] == ("中国农业银行", "6228480123456789012", False, True)
    assert members["许一"] == ("农村信用社", "6217001234567890", False, True)
    assert members["张小明"] == ("", "", False, None)
    assert members["李梅"] == ("", "", None, None)


def test_the_report_shows_each_row_at_its_own_number(official_file, county, village_a, village_b):
    report = official_file.with_name("report.xlsx")
    import_command(official_file, county, "--report", str(report))
    sheet = python_calamine.CalamineWorkbook.from_path(str(report)).get_sheet_by_index(0)
    top, left = sheet.start
    rows = {top + index + 1: row for index, row in enumerate(sheet.to_python())}
    assert left == 0
    assert rows[2][: len(HEADERS)] == HEADERS
    assert rows[11][HEADERS.index("姓名")] == "" and rows[11][len(HEADERS)] == "error"
    assert rows[11][len(HEADERS) + 1] == f"{letter('姓名')} 姓名: “name” is required."
    assert rows[10][len(HEADERS)] == "ok"


def test_partial_with_no_clean_household_writes_nothing_and_says_so(tmp_path, county, village_a):
    rows = [row for row in LEDGER if row["户编号"] == "004"]
    path = tmp_path / "采集表.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet()
    sheet.write_string(0, 0, TITLE)
    sheet.write_row(1, 0, HEADERS)
    for r, row in enumerate(cells(rows), start=2):
        sheet.write_row(r, 0, row)
        sheet.write_number(r, HEADERS.index("行政村"), int(DAHE))
    book.close()
    status, out, err = import_command(path, county, "--partial")
    assert (status, err) == (0, "")
    assert "households_created=0 " in out and "persons_created=0 " in out
    assert not Household.objects.exists() and not Person.objects.exists()


def registered_household(village):
    household = HouseholdFactory(village=village, number="001")
    PersonFactory(household=household, name="张三", birth_date=datetime.date(1980, 5, 17))
    return household


def newcomer(**cells):
    born = datetime.date(2024, 2, 2)
    row = member("张小红", "之女", "女", born, "2024-02-02", 在校生状况="学龄前儿童", **cells)
    return {"行政村": DAHE, "村民小组": "1", "户编号": "001", **row}


def import_rows(tmp_path, county, rows):
    path = tmp_path / "采集表.csv"
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        writer.writerows(cells(rows))
    return run_import(path, area=county, check_only=True)


def test_the_head_named_on_a_member_row_is_checked_against_the_registered_head(
    tmp_path, county, village_a
):
    head = registered_household(village_a).members.get()
    result = import_rows(tmp_path, county, [newcomer(户主姓名="张三", 户主证件号码=head.id_number)])
    assert result.errors.height == 0, result.issues.rows()
    result = import_rows(tmp_path, county, [newcomer(户主姓名="李四")])
    assert found(result, "error") == {(2, "head_name")}
    assert messages_of(result, "head_name_mismatch") == [
        "The head of this household is 张三, not “李四”: 户主姓名 names the head."
    ]
    result = import_rows(tmp_path, county, [newcomer(户主证件号码=SOMEONE_ELSE)])
    assert found(result, "error") == {(2, "head_id_number")}


def test_the_head_s_name_names_a_household_without_a_head_row(tmp_path, county, village_a):
    result = import_rows(tmp_path, county, [newcomer(户主姓名="张三")])
    assert messages_of(result, "no_head") == ["Household 001 (张三) has no head."]
    assert not any(issue["field"] == "name" for issue in result.issues.iter_rows(named=True)), (
        "户主姓名 is never the member's own name"
    )
