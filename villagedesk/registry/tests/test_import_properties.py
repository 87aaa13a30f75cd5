"""The import, by property: random ledgers as counties send them, with errors planted.

A ledger is built from random registry rows (households of one to five members, with valid
identity numbers, in the villages and groups of a small county) and written in every layout the
import reads (one sheet of members carrying their household's fields; a sheet of households beside
a sheet of members) and every format (.xlsx, .xls, .ods, and .csv in UTF-8, UTF-8 with a byte-order
mark and GBK), untidy as real ones are: title and note rows, a header of two rows, merged cells, a
row numbering the columns, blank rows, subtotal, total and sign-off rows, hidden columns, a table
that does not start at A1, numbers stored as text and text as numbers, dates as serials,
full-width characters and stray blanks of every kind. Errors are planted at known rows and fields.

Whatever the ledger: no exception escapes; every planted error is reported with its code at its row
and field, and no error outside the households planted with one; with `partial`, exactly the clean
households are in the registry, field for field; without it, nothing is written when any row is
bad, and everything when none is.

The `ci` profile runs a few examples; `HYPOTHESIS_PROFILE=thorough` runs a thousand.
"""

import datetime
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st

from villagedesk.areas.models import VillageGroup
from villagedesk.registry.codes import (
    Education,
    Ethnicity,
    HouseholdStatus,
    MigrantWork,
    Relation,
    Schooling,
    Sex,
)
from villagedesk.registry.identity import check_character
from villagedesk.registry.imports.engine import run_import
from villagedesk.registry.models import Household, Person
from villagedesk.registry.tests.ledgers import (
    Grid,
    serial,
    write_csv,
    write_ods,
    write_xls,
    write_xlsx,
)

HEALTH = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large]
settings.register_profile("ci", max_examples=25, deadline=None, suppress_health_check=HEALTH)
settings.register_profile(
    "thorough", max_examples=1000, deadline=None, suppress_health_check=HEALTH
)
PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


TODAY = datetime.date(2025, 6, 30)
COUNTY = "530128"
SURNAMES = "张王李赵刘陈杨黄吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华"
GROUP_NAMES = {1: "一组", 2: "二组"}
FORMATS = ["xlsx", "xls", "ods", "csv", "csv-bom", "csv-gbk"]
SPREADSHEETS = {"xlsx", "xls", "ods"}
# Blanks a cadre's typing or pasting leaves around and inside values; GBK has only some of them.
BLANKS = ["", " ", "  ", "\u3000", "\u00a0", "\u200b", "\ufeff"]
GBK_BLANKS = ["", " ", "  ", "\u3000"]
ERRORS = [
    "id_checksum",
    "lost_digits",
    "birth_date",
    "sex",
    "ethnicity",
    "phone",
    "name",
    "group",
    "relation",
    "months",
    "id_twice",
]


@dataclass
class Member:
    name: str
    id_number: str | None
    sex: str
    birth_date: datetime.date
    relation: str
    ethnicity: str = Ethnicity.HAN.value
    education: str = ""
    schooling: str = ""
    migrant_work: str = ""
    migrant_months: int = 0
    phone: str = ""

    def stored(self):
        return (
            self.name,
            self.id_number,
            self.sex,
            self.birth_date,
            self.relation,
            self.ethnicity,
            self.education,
            self.schooling,
            self.migrant_work,
            self.migrant_months,
            self.phone,
        )


@dataclass
class Family:
    village: str  # the village's code
    number: str  # as the registry keeps it
    numeric: bool  # written as a number
    group: int
    address: str
    status: str
    members: list[Member]
    error: str | None = None
    error_member: int = 0
    twin: str | None = None  # the number of another household's member, copied by id_twice
    rows: list[tuple[str, int]] = field(default_factory=list)  # (sheet, row) of its cells


# Drawing the registry rows.


def id_number(birth: datetime.date, sex: str, serial_number: int) -> str:
    """A valid number: the county, the birth date, a serial whose parity gives the sex."""
    first17 = f"{COUNTY}{birth:%Y%m%d}{serial_number * 2 + (sex == Sex.MALE):03d}"
    return first17 + check_character(first17)


def born(data, start: int, end: int) -> datetime.date:
    day = data.draw(st.integers(0, (datetime.date(end, 12, 31) - datetime.date(start, 1, 1)).days))
    return datetime.date(start, 1, 1) + datetime.timedelta(days=day)


def draw_member(data, taken_names, serials, *, relation, sex, birth) -> Member:
    name = data.draw(st.sampled_from(SURNAMES)) + data.draw(
        st.text(alphabet=GIVEN, min_size=1, max_size=2)
    )
    while name in taken_names:
        name += GIVEN[len(taken_names) % len(GIVEN)]
    taken_names.add(name)
    has_id = data.draw(st.integers(0, 9)) > 0
    member = Member(
        name=name,
        id_number=id_number(birth, sex, next(serials)) if has_id else None,
        sex=sex,
        birth_date=birth,
        relation=relation,
        ethnicity=data.draw(st.sampled_from([Ethnicity.HAN, Ethnicity.YI, Ethnicity.MIAO])).value,
    )
    if birth.year >= 2008:
        member.schooling = data.draw(st.sampled_from(list(Schooling))).value
    else:
        member.education = data.draw(st.sampled_from(list(Education))).value
        if data.draw(st.booleans()):
            member.migrant_work = data.draw(st.sampled_from(list(MigrantWork))).value
            member.migrant_months = data.draw(st.integers(1, 12))
    if data.draw(st.booleans()):
        member.phone = "1" + data.draw(st.text(alphabet="3456789", min_size=1, max_size=1))
        member.phone += data.draw(st.text(alphabet="0123456789", min_size=9, max_size=9))
    return member


def draw_family(data, *, village, groups, number, serials) -> Family:
    names: set[str] = set()
    head_sex = data.draw(st.sampled_from([Sex.MALE, Sex.FEMALE])).value
    other_sex = Sex.FEMALE.value if head_sex == Sex.MALE else Sex.MALE.value
    head_born = born(data, 1945, 1995)
    members = [
        draw_member(
            data, names, serials, relation=Relation.HEAD.value, sex=head_sex, birth=head_born
        )
    ]
    if data.draw(st.booleans()):
        members.append(
            draw_member(
                data,
                names,
                serials,
                relation=Relation.SPOUSE.value,
                sex=other_sex,
                birth=born(data, head_born.year - 5, head_born.year + 5),
            )
        )
    for _child in range(data.draw(st.integers(0, 2))):
        sex = data.draw(st.sampled_from([Sex.MALE, Sex.FEMALE])).value
        relation = Relation.SON if sex == Sex.MALE else Relation.DAUGHTER
        members.append(
            draw_member(
                data,
                names,
                serials,
                relation=relation.value,
                sex=sex,
                birth=born(data, head_born.year + 20, min(head_born.year + 35, 2022)),
            )
        )
    if data.draw(st.integers(0, 4)) == 0:
        sex = data.draw(st.sampled_from([Sex.MALE, Sex.FEMALE])).value
        relation = Relation.FATHER if sex == Sex.MALE else Relation.MOTHER
        members.append(
            draw_member(
                data,
                names,
                serials,
                relation=relation.value,
                sex=sex,
                birth=born(data, max(head_born.year - 35, 1900), head_born.year - 20),
            )
        )
    numeric = data.draw(st.booleans())
    return Family(
        village=village.code,
        number=str(number) if numeric else f"{number:04d}",
        numeric=numeric,
        # Every household is in a group: in one sheet of members, a blank group is its
        # household's, as a cell merged down the household's rows would be.
        group=data.draw(st.sampled_from(groups)),
        address=f"{village.name}{number}号",
        status=data.draw(st.sampled_from(list(HouseholdStatus))).value,
        members=members,
    )


# Writing cells as cadres type them.


class Writer:
    """The cells of one ledger, drawn for its format."""

    def __init__(self, data, fmt: str):
        self.data = data
        self.fmt = fmt
        self.blanks = GBK_BLANKS if fmt == "csv-gbk" else BLANKS

    def draw(self, strategy):
        return self.data.draw(strategy)

    def choose(self, options):
        return self.draw(st.sampled_from(options))

    def pad(self, text: str) -> str:
        return self.choose(self.blanks) + text + self.choose(self.blanks)

    def wide(self, text: str) -> str:
        """Some ASCII characters full-width, as an input method in full-width mode types them."""
        if not self.draw(st.booleans()):
            return text
        return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)

    def spaced(self, digits: str) -> str:
        """Digits with a blank typed among them."""
        at = self.draw(st.integers(1, len(digits) - 1))
        return digits[:at] + self.choose([" ", "\u3000", *self.blanks[1:]]) + digits[at:]

    def text(self, text: str):
        return self.pad(self.wide(text))

    def number(self, value: int):
        """A whole number as a number cell or as text. A CSV holds a number as its spreadsheet
        showed it, which for twelve digits or more is in scientific notation: only shorter ones
        are numbers there."""
        if value < 1e11 or self.fmt in SPREADSHEETS:
            if self.draw(st.booleans()):
                return value
        return self.text(str(value))

    def label(self, member) -> str:
        return self.pad(self.choose([member.value, member.label.zh, member.label.en]))

    def household_number(self, family: Family):
        if family.numeric:
            return self.number(int(family.number))
        return self.text(family.number)

    def village(self, family: Family, name: str):
        return self.choose([self.number(int(family.village)), self.pad(name)])

    def group(self, number: int, *, error: bool):
        if error:
            return self.text("99")
        return self.choose(
            [
                self.number(number),
                self.text(f"{number}组"),
                self.text(f"第{number}组"),
                self.pad(GROUP_NAMES[number]),
            ]
        )

    def identity(self, member: Member, *, error: str | None):
        number = member.id_number
        if error == "lost_digits":
            return float(number)
        if error == "id_checksum":
            wrong = self.choose([c for c in "0123456789X" if c != number[-1]])
            return self.text(number[:-1] + wrong)
        if number is None:
            return None
        if member.birth_date.year < 2000 and self.draw(st.integers(0, 3)) == 0:
            # The first generation's fifteen digits, as text or as a number (held exactly).
            old = number[:6] + number[8:17]
            return self.number(int(old))
        return self.choose(
            [self.text(number), self.pad(self.spaced(number)), self.pad(number.lower())]
        )

    def sex(self, member: Member, *, error: bool):
        if error:
            return self.pad(self.choose(["X", "未知"]))
        national = "1" if member.sex == Sex.MALE else "2"
        options = [self.label(Sex(member.sex)), self.number(int(national))]
        if member.id_number:
            options.append(None)
        return self.choose(options)

    def date(self, value: datetime.date, *, error: bool, may_be_blank: bool):
        if error:
            return self.pad(self.choose(["1980-13-45", "不详", "2000-02-30"]))
        options = [
            self.text(value.isoformat()),
            self.text(f"{value.year}/{value.month}/{value.day}"),
            self.pad(f"{value.year}年{value.month}月{value.day}日"),
            self.text(f"{value.year}.{value.month}.{value.day}"),
            self.text(f"{value:%Y%m%d}"),
            self.text(str(serial(value))),
            serial(value),
            value,
        ]
        if may_be_blank:
            options.append(None)
        return self.choose(options)

    def ethnicity(self, member: Member, *, error: bool):
        if error:
            return self.pad("火星族")
        ethnicity = Ethnicity(member.ethnicity)
        options = [
            self.label(ethnicity),
            self.text(ethnicity.value),
            self.number(int(ethnicity.value)),
        ]
        if ethnicity == Ethnicity.HAN:
            options.append(None)
        return self.choose(options)

    def months(self, months: int, *, error: bool):
        if error:
            return self.pad("三")
        if not months:
            return None
        return self.choose([months, self.text(str(months)), self.pad(f"{months}个月")])

    def phone(self, phone: str, *, error: bool):
        if error:
            return self.text("12345")
        if not phone:
            return None
        return self.choose(
            [
                self.text(phone),
                self.number(int(phone)),
                self.pad(f"{phone[:3]} {phone[3:7]} {phone[7:]}"),
                self.pad(f"+86 {phone[:3]}-{phone[3:7]}-{phone[7:]}"),
            ]
        )

    def name(self, name: str, *, error: bool):
        if error:
            return self.choose([None, self.choose(self.blanks[1:])])
        if len(name) > 1 and self.draw(st.booleans()):
            name = name[0] + " " + name[1:]
        return self.pad(name)


# The columns of the two layouts: field, the headings it is known by, the group it sits in
# under a header of two rows.

HOUSEHOLD_COLUMNS = [
    ("village", ["村", "行政村", "村名"]),
    ("number", ["户编号", "户号"]),
    ("group", ["村民小组", "组"]),
    ("address", ["住址", "家庭住址"]),
    ("status", ["户类型"]),
]
PERSON_COLUMNS = [
    ("name", ["姓名"]),
    ("id_number", ["身份证号码", "公民身份号码", "证件号码"]),
    ("sex", ["性别"]),
    ("birth_date", ["出生日期"]),
    ("relation", ["与户主关系"]),
    ("ethnicity", ["民族"]),
    ("education", ["文化程度"]),
    ("schooling", ["在校生状况"]),
    ("migrant_work", ["务工情况"]),
    ("migrant_months", ["务工时间"]),
    ("phone", ["手机号码", "联系方式"]),
]
EXTRA_COLUMNS = [("serial", ["序号"]), ("note", ["备注"])]


def heading(writer: Writer, synonyms: list[str]) -> str:
    text = writer.choose(synonyms)
    decoration = writer.choose(["", "*", "（必填）", "inner", "blanks"])
    if decoration == "*":
        return "*" + text
    if decoration == "（必填）":
        return text + "（必填）"
    if decoration == "inner" and len(text) > 1:
        return text[0] + writer.choose(writer.blanks[1:]) + text[1:]
    if decoration == "blanks":
        return writer.pad(text)
    return text


@dataclass
class Table:
    """A table being laid out: its columns (field, heading, group) and rows of cells by field."""

    sheet: str
    columns: list[tuple[str, str, str]]
    rows: list[dict] = field(default_factory=list)
    # Ranges to merge, by row index in `rows` and field: (first row, last row, field).
    merged_down: list[tuple[int, int, str]] = field(default_factory=list)


def columns_for(writer: Writer, fields: list, group: str, *, extras: bool) -> list:
    chosen = [(f, heading(writer, synonyms), group) for f, synonyms in fields]
    order = writer.draw(st.permutations(range(len(chosen))))
    chosen = [chosen[i] for i in order]
    # The months of migrant work follow the place, so that both may sit under one heading.
    names = [c[0] for c in chosen]
    if "migrant_work" in names:
        months = chosen.pop(names.index("migrant_months"))
        chosen.insert([c[0] for c in chosen].index("migrant_work") + 1, months)
    if extras:
        for f, synonyms in EXTRA_COLUMNS:
            if writer.draw(st.booleans()):
                chosen.insert(0 if f == "serial" else len(chosen), (f, synonyms[0], ""))
    return chosen


@dataclass
class Layout:
    """How untidy a ledger is (drawn once per ledger)."""

    titles: int
    two_rows: bool
    merge: bool
    numbering: bool
    blank_rows: bool
    subtotals: bool
    totals: bool
    sign_off: bool
    top: int
    left: int
    hidden: bool
    short_rows: bool
    household_cells: str  # every row, head's row, merged


def draw_layout(writer: Writer) -> Layout:
    spreadsheet = writer.fmt in SPREADSHEETS
    return Layout(
        titles=writer.draw(st.integers(0, 2)),
        two_rows=writer.draw(st.booleans()),
        merge=spreadsheet and writer.draw(st.booleans()),
        numbering=writer.draw(st.booleans()),
        blank_rows=writer.draw(st.booleans()),
        subtotals=writer.draw(st.booleans()),
        totals=writer.draw(st.booleans()),
        sign_off=writer.draw(st.booleans()),
        top=writer.draw(st.integers(0, 2)),
        left=writer.draw(st.integers(0, 2)),
        hidden=spreadsheet and writer.draw(st.booleans()),
        short_rows=not spreadsheet and writer.draw(st.booleans()),
        household_cells=writer.choose(
            ["every", "head", "merged"] if spreadsheet else ["every", "head"]
        ),
    )


def grid_of(writer: Writer, layout: Layout, table: Table, title: str) -> tuple[Grid, int]:
    """The table as a sheet, and the sheet row (1-based) of its first data row."""
    width = len(table.columns)
    fields = [c[0] for c in table.columns]
    rows: list[list] = []
    merged: list[tuple[int, int, int, int]] = []
    for index in range(layout.titles):
        text = title if index == 0 else "填表说明：身份证号码请设置为文本格式，不要留空。"
        rows.append([text] + [None] * (width - 1))
        if layout.merge:
            merged.append((len(rows) - 1, 0, len(rows) - 1, width - 1))
    if layout.two_rows:
        upper, lower = [], []
        for f, text, group in table.columns:
            migrant = {"migrant_work": "情况", "migrant_months": "时间"}.get(f)
            if migrant and text.startswith("务工") and "migrant_months" in fields:
                upper.append("务工")
                lower.append(migrant)
            elif group and writer.draw(st.booleans()):
                upper.append(group)
                lower.append(text)
            else:
                upper.append(text)
                lower.append(None)
        top = len(rows)
        rows += [upper, lower]
        if layout.merge:
            # A heading alone merged down both rows, a group's merged across its columns.
            c = 0
            while c < width:
                end = c
                if lower[c] is None:
                    merged.append((top, c, top + 1, c))
                else:
                    while end + 1 < width and lower[end + 1] and upper[end + 1] == upper[c]:
                        end += 1
                    if end > c:
                        merged.append((top, c, top, end))
                c = end + 1
    else:
        rows.append([text for _f, text, _g in table.columns])
    if layout.numbering:
        rows.append([writer.choose([n, str(n)]) for n in range(1, width + 1)])
    first_data = len(rows)
    for cells in table.rows:
        rows.append([cells.get(f) for f in fields])
    for first, last, f in table.merged_down:
        if f in fields:
            column = fields.index(f)
            merged.append((first_data + first, column, first_data + last, column))
    # The table where the sheet puts it, with its hidden columns.
    rows = [[None] * width for _ in range(layout.top)] + rows
    rows = [[None] * layout.left + row for row in rows]
    merged = [
        (top + layout.top, left + layout.left, bottom + layout.top, right + layout.left)
        for top, left, bottom, right in merged
    ]
    hidden = set()
    if layout.hidden:
        hidden = {
            layout.left + c for c in writer.draw(st.sets(st.integers(0, width - 1), max_size=2))
        }
    if layout.short_rows:
        rows = [
            row[: max((i + 1 for i, v in enumerate(row) if v is not None), default=0)]
            for row in rows
        ]
    grid = Grid(table.sheet, rows, merged=merged, hidden_columns=hidden)
    return grid, first_data + layout.top + 1


def extras(writer: Writer, table: Table) -> dict:
    """The cells of a record in the columns the import does not read: a serial, a remark."""
    serial_number = sum(1 for row in table.rows if "serial" in row) + 1
    return {
        "serial": writer.number(serial_number),
        "note": writer.choose([None, "已核实", "外出务工", "2024年新增"]),
    }


def between(writer: Writer, layout: Layout, table: Table, people: int) -> None:
    """What may come between two households: blank rows, a subtotal."""
    if layout.blank_rows and writer.draw(st.booleans()):
        table.rows.append({})
    if layout.subtotals and writer.draw(st.integers(0, 2)) == 0:
        first = table.columns[0][0]
        cells = {first: writer.pad("小计")}
        other = writer.choose([c[0] for c in table.columns])
        if other != first:
            cells[other] = f"{people}人"
        table.rows.append(cells)


def ending(writer: Writer, layout: Layout, table: Table, people: int) -> None:
    first = table.columns[0][0]
    if layout.totals:
        cells = {first: writer.choose(["合计", "合 计", "总计", "合计："])}
        other = writer.choose([c[0] for c in table.columns])
        if other != first:
            cells[other] = writer.number(people)
        table.rows.append(cells)
    if layout.sign_off:
        table.rows.append({first: "填表人：王五　审核人：赵六　填表日期：2025年6月30日"})


def person_cells(writer: Writer, family: Family, index: int, member: Member):
    error = family.error if family.error_member == index else None
    cells = {
        "name": writer.name(member.name, error=error == "name"),
        "id_number": writer.text(family.twin)
        if error == "id_twice"
        else writer.identity(member, error=error),
        "sex": writer.sex(member, error=error == "sex"),
        "birth_date": writer.date(
            member.birth_date,
            error=error == "birth_date",
            may_be_blank=bool(member.id_number) and error not in ("id_checksum", "lost_digits"),
        ),
        "relation": writer.pad("邻居")
        if error == "relation"
        else writer.label(Relation(member.relation)),
        "ethnicity": writer.ethnicity(member, error=error == "ethnicity"),
        "education": writer.label(Education(member.education)) if member.education else None,
        "schooling": writer.label(Schooling(member.schooling)) if member.schooling else None,
        "migrant_work": writer.label(MigrantWork(member.migrant_work))
        if member.migrant_work
        else None,
        "migrant_months": writer.months(member.migrant_months, error=error == "months"),
        "phone": writer.phone(member.phone, error=error == "phone"),
    }
    return cells


def household_cells(writer: Writer, family: Family, names: dict) -> dict:
    number = writer.household_number(family)
    return {
        "village": writer.village(family, names[family.village]),
        "number": number,
        "group": writer.group(family.group, error=family.error == "group"),
        "address": writer.pad(family.address),
        "status": writer.label(HouseholdStatus(family.status)),
    }


# Planted errors: where each is reported.


def plant(writer: Writer, families: list[Family]) -> None:
    with_id = [
        (f, i)
        for f, family in enumerate(families)
        for i, member in enumerate(family.members)
        if member.id_number
    ]
    for f, family in enumerate(families):
        if writer.draw(st.integers(0, 3)):
            continue
        kind = writer.choose(ERRORS)
        index = writer.draw(st.integers(0, len(family.members) - 1))
        member = family.members[index]
        if kind in ("id_checksum", "id_twice") and not member.id_number:
            continue
        if kind == "lost_digits" and not (member.id_number or "").isdecimal():
            continue
        if kind == "id_twice":
            # The number of a member of an earlier household, itself clean so far.
            earlier = [(g, j) for g, j in with_id if g < f and families[g].error is None]
            if not earlier:
                continue
            g, j = writer.choose(earlier)
            families[g].error, families[g].error_member = "id_twin", j
            family.twin = families[g].members[j].id_number
        if kind == "months" and not (member.education and member.migrant_work):
            continue
        family.error, family.error_member = kind, index


# Each planted error: the field it is reported on, and its code.
REPORTED = {
    "id_checksum": ("id_number", "id_checksum"),
    "lost_digits": ("id_number", "lost_digits"),
    "id_twice": ("id_number", "id_twice"),
    "id_twin": ("id_number", "id_twice"),
    "birth_date": ("birth_date", "unreadable_date"),
    "sex": ("sex", "unreadable_code"),
    "ethnicity": ("ethnicity", "unreadable_code"),
    "phone": ("phone", "phone"),
    "name": ("name", "required"),
    "group": ("group", "unknown_group"),
    "relation": ("relation", "unreadable_code"),
    "months": ("migrant_months", "unreadable_int"),
}


def expected_errors(family: Family, member_rows: list[tuple[str, int]], household_row) -> set:
    if family.error is None:
        return set()
    row = household_row if family.error == "group" else member_rows[family.error_member]
    return {(*row, *REPORTED[family.error])}


# Building a ledger.


@dataclass
class Ledger:
    path: Path
    families: list[Family]
    expected: set  # (sheet, row, field, code) of every planted error
    area: object


def build(data, directory: Path, villages, county) -> Ledger:
    fmt = data.draw(st.sampled_from(FORMATS), label="format")
    spreadsheet = fmt in SPREADSHEETS
    writer = Writer(data, fmt)
    two_sheets = spreadsheet and data.draw(st.booleans(), label="two sheets")
    by_county = data.draw(st.booleans(), label="county import")
    numbers = data.draw(st.lists(st.integers(1, 9999), min_size=1, max_size=6, unique=True))
    serials = iter(range(500))
    families = []
    for number in numbers:
        village = data.draw(st.sampled_from(villages)) if by_county else villages[0]
        groups = sorted(village.groups.values_list("number", flat=True))
        families.append(
            draw_family(data, village=village, groups=groups, number=number, serials=serials)
        )
    plant(writer, families)
    names = {v.code: v.name for v in villages}
    layout = draw_layout(writer)
    village_column = by_county or writer.draw(st.booleans())
    household_fields = [c for c in HOUSEHOLD_COLUMNS if village_column or c[0] != "village"]
    expected: set = set()
    if two_sheets:
        household_table = Table(
            "户信息", columns_for(writer, household_fields, "户基本信息", extras=True)
        )
        keys = [c for c in household_fields if c[0] in ("village", "number")]
        member_table = Table(
            "成员信息",
            columns_for(writer, keys, "户基本信息", extras=False)
            + columns_for(writer, PERSON_COLUMNS, "家庭成员信息", extras=True),
        )
        people = 0
        household_at, member_at = [], []
        for family in families:
            household_at.append(len(household_table.rows))
            household_table.rows.append(
                {**household_cells(writer, family, names), **extras(writer, household_table)}
            )
            between(writer, layout, household_table, len(family.members))
            member_at.append([])
            first = len(member_table.rows)
            village = writer.village(family, names[family.village])
            for index, member in enumerate(family.members):
                member_at[-1].append(len(member_table.rows))
                cells = person_cells(writer, family, index, member)
                if index == 0 or layout.household_cells == "every":
                    cells["number"] = writer.household_number(family)
                    cells["village"] = village
                member_table.rows.append({**cells, **extras(writer, member_table)})
            if layout.household_cells == "merged" and len(family.members) > 1:
                last = len(member_table.rows) - 1
                for f in ("number", "village"):
                    member_table.merged_down.append((first, last, f))
            people += len(family.members)
            between(writer, layout, member_table, len(family.members))
        ending(writer, layout, household_table, len(families))
        ending(writer, layout, member_table, people)
        household_grid, household_first = grid_of(writer, layout, household_table, "农户信息表")
        member_grid, member_first = grid_of(writer, layout, member_table, "家庭成员信息表")
        grids = [household_grid, member_grid]
        for family, h, rows in zip(families, household_at, member_at, strict=True):
            household_row = ("户信息", household_first + h)
            member_rows = [("成员信息", member_first + r) for r in rows]
            family.rows = [household_row, *member_rows]
            expected |= expected_errors(family, member_rows, household_row)
    else:
        sheet = "台账"
        table = Table(
            sheet,
            columns_for(writer, household_fields, "户基本信息", extras=True)
            + columns_for(writer, PERSON_COLUMNS, "家庭成员信息", extras=False),
        )
        at = []
        people = 0
        for family in families:
            at.append([])
            first = len(table.rows)
            household = household_cells(writer, family, names)
            for index, member in enumerate(family.members):
                at[-1].append(len(table.rows))
                cells = person_cells(writer, family, index, member)
                if index == 0 or layout.household_cells == "every":
                    if index:
                        # The same household spelt again, its village by code or by name.
                        household = household_cells(writer, family, names)
                    cells.update(household)
                table.rows.append({**cells, **extras(writer, table)})
            if layout.household_cells == "merged" and len(family.members) > 1:
                last = len(table.rows) - 1
                for f, _synonyms in household_fields:
                    table.merged_down.append((first, last, f))
            people += len(family.members)
            between(writer, layout, table, len(family.members))
        ending(writer, layout, table, people)
        grid, first_row = grid_of(writer, layout, table, "大河村农户信息台账")
        grids = [grid]
        if not spreadsheet:
            sheet = "ledger"
        for family, rows in zip(families, at, strict=True):
            member_rows = [(sheet, first_row + r) for r in rows]
            family.rows = member_rows
            expected |= expected_errors(family, member_rows, member_rows[0])
    note(f"{fmt}, {'two sheets' if two_sheets else 'one sheet'}, {layout}")
    event(fmt)
    for family in families:
        if family.error:
            event(f"{family.error} in {'a spreadsheet' if spreadsheet else 'a CSV'}")
    path = directory / ("ledger." + fmt.split("-")[0])
    if fmt == "xlsx":
        write_xlsx(path, grids)
    elif fmt == "xls":
        write_xls(path, grids)
    elif fmt == "ods":
        write_ods(path, grids)
    else:
        encoding = {"csv": "utf-8", "csv-bom": "utf-8-sig", "csv-gbk": "gbk"}[fmt]
        write_csv(path, grids[0], encoding=encoding)
    return Ledger(path, families, expected, county if by_county else villages[0])


# What the registry holds.


def registry() -> tuple[dict, dict]:
    households = {
        (h.village.code, h.number): (h.group.number if h.group else None, h.address, h.status)
        for h in Household.objects.select_related("village", "group")
    }
    persons = {
        (p.household.village.code, p.household.number, p.name): (
            p.name,
            p.id_number,
            p.sex,
            p.birth_date,
            p.relation,
            p.ethnicity,
            p.education,
            p.schooling,
            p.migrant_work,
            p.migrant_months,
            p.phone,
        )
        for p in Person.objects.select_related("household__village")
    }
    return households, persons


def generated(families: list[Family]) -> tuple[dict, dict]:
    households = {(f.village, f.number): (f.group, f.address, f.status) for f in families}
    persons = {(f.village, f.number, m.name): m.stored() for f in families for m in f.members}
    return households, persons


@pytest.fixture
def villages(county, village_a, village_b):
    VillageGroup.objects.create(village=village_a, number=2, name="二组")
    return [village_a, village_b]


@pytest.mark.django_db
@pytest.mark.timeout(PROFILE.max_examples * 20)
@PROFILE
@given(data=st.data(), partial=st.booleans())
def test_any_ledger_is_reported_and_loaded_exactly(county, villages, data, partial):
    with tempfile.TemporaryDirectory() as directory:
        ledger = build(data, Path(directory), villages, county)
        with transaction.atomic():
            result = run_import(ledger.path, area=ledger.area, partial=partial, today=TODAY)
            errors = {
                (e["sheet"], e["row"], e["field"], e["code"])
                for e in result.errors.iter_rows(named=True)
            }
            held = registry()
            transaction.set_rollback(True)
    planted = [f for f in ledger.families if f.error is not None]
    clean = [f for f in ledger.families if f.error is None]
    assert ledger.expected <= errors, sorted(ledger.expected - errors)
    allowed = {row for f in planted for row in f.rows}
    assert {(sheet, row) for sheet, row, _field, _code in errors} <= allowed, result.errors.rows()
    if partial:
        assert held == generated(clean)
    elif planted:
        assert held == ({}, {})
    else:
        assert held == generated(ledger.families)
