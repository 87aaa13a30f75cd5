"""Building ledger files for import tests."""

import csv
from pathlib import Path

import xlsxwriter

from villagedesk.registry.tests.factories import make_id_number

HEADERS = [
    "户编号",
    "村民小组",
    "姓名",
    "身份证号码",
    "性别",
    "出生日期",
    "与户主关系",
    "民族",
    "文化程度",
    "在校生状况",
    "务工情况",
    "务工时间",
    "手机号码",
    "住址",
]


def person_row(
    number,
    name,
    relation,
    sex,
    born,
    *,
    id_number=None,
    education="初中",
    schooling="",
    work="",
    months="",
    phone="",
    address="",
    group="1",
):
    import datetime

    birth = datetime.date.fromisoformat(born)
    sex_code = "male" if sex == "男" else "female"
    number_id = id_number if id_number is not None else make_id_number(birth, sex_code)
    return [
        number,
        group,
        name,
        number_id,
        sex,
        born,
        relation,
        "汉族",
        education,
        schooling,
        work,
        months,
        phone,
        address,
    ]


def family(number="001", *, address="大河村1号"):
    """A head, a spouse and a son at school."""
    return [
        person_row(
            number, "张三", "户主", "男", "1980-05-17", address=address, phone="13812345678"
        ),
        person_row(number, "李梅", "配偶", "女", "1982-03-04"),
        person_row(number, "张小明", "之子", "男", "2012-09-01", education="", schooling="七年级"),
    ]


def write_xlsx(path: Path, rows, headers=HEADERS, *, title=None, sheet="台账") -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    worksheet = workbook.add_worksheet(sheet)
    offset = 0
    if title:
        worksheet.write_string(0, 0, title)
        offset = 1
    for col, header in enumerate(headers):
        worksheet.write_string(offset, col, header)
    for r, row in enumerate(rows, start=offset + 1):
        for c, value in enumerate(row):
            if isinstance(value, str):
                worksheet.write_string(r, c, value)
            else:
                worksheet.write(r, c, value)
    workbook.close()
    return path


def write_csv(path: Path, rows, headers=HEADERS, *, encoding="utf-8") -> Path:
    with open(path, "w", newline="", encoding=encoding) as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(rows)
    return path
