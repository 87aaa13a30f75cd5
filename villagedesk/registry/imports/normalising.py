"""Column-wise normalisation of ledger cells with polars expressions.

Cadres type full-width digits, blanks inside numbers, 男/女 or 1/2, dates as Excel serials or as
2000/1/2, 2000.1.2 or 2000年1月2日, and code-list labels in Chinese or English. Each kind of column
has one expression turning such text into a typed value; a cell that cannot be understood becomes
null and an issue naming its row, column and value.

A cell of several values ("长期慢性病,残疾", "因学、缺技术") is split on commas, 、 and semicolons
and spread over the fields that store it (`SPREADS`). An amount, area or distance may carry its
unit (元, 亩, 平方米, ㎡, 公里: `Column.extra["units"]`); a bank account number may be typed in
groups (6228 4801 …, 6228-4801-…).

A number written in scientific notation (5.34021E+17, as a spreadsheet shows an identity number
typed as a number, or a CSV saved from it holds it) has lost its last digits: in a column of
digits it is reported, never read. Rows that total the others (合计, 小计) or sign the sheet off
(填表人, 审核人) are not records and are left out, as blank rows are.
"""

import re

import polars as pl

from villagedesk.core.codelists import code_lookup, fold
from villagedesk.registry.codes import (
    DisabilityCategory,
    DisabilityGrade,
    Education,
    Fuel,
    Health,
    IdentificationStandard,
    Labour,
    MigrantWork,
    PoliticalStatus,
    PovertyStatus,
    Relation,
    RoadType,
    Safety,
    Sex,
)
from villagedesk.registry.identity import CHECK_WEIGHTS
from villagedesk.registry.imports.columns import BY_NAME, Column
from villagedesk.registry.imports.reading import INVISIBLE

# Full-width forms, the ideographic and no-break spaces, and characters that take no room.
FULL_WIDTH = [chr(c) for c in range(0xFF01, 0xFF5F)] + ["\u3000", "\u00a0", *INVISIBLE]
HALF_WIDTH = [chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)] + [" ", " "] + [""] * len(INVISIBLE)
TRUE_WORDS = ["是", "有", "y", "yes", "true", "1", "√", "✓", "参加", "已参加", "参保", "已参保"]
FALSE_WORDS = ["否", "无", "没有", "n", "no", "false", "0", "×", "未参加", "不参加", "未参保"]
EXCEL_EPOCH = pl.date(1899, 12, 30)
EXTRA_CODES = {
    "sex": {"m": Sex.MALE, "f": Sex.FEMALE, "男性": Sex.MALE, "女性": Sex.FEMALE},
    "disability_grade": {"一": "1", "二": "2", "三": "3", "四": "4"},
    # The national export writes the two "out" statuses with brackets.
    "poverty_status": {
        "已脱贫(享受政策)": PovertyStatus.OUT_ENJOYING,
        "已脱贫(不再享受政策)": PovertyStatus.OUT_NOT_ENJOYING,
        "已脱贫不再享受政策": PovertyStatus.OUT_NOT_ENJOYING,
        "脱贫享受政策": PovertyStatus.OUT_ENJOYING,
        "脱贫不享受政策": PovertyStatus.OUT_NOT_ENJOYING,
    },
    "status": {"贫困户": "poor", "一般户": "not_poor"},
    "main_cause": {"其他": "other", "因大病": "illness", "交通落后": "poor_transport"},
    "health": {"大病": Health.SERIOUS_ILLNESS, "慢性病": Health.CHRONIC_ILLNESS},
    "relation": {
        "本人": Relation.HEAD,
        "妻子": Relation.SPOUSE,
        "丈夫": Relation.SPOUSE,
        "儿子": Relation.SON,
        "女儿": Relation.DAUGHTER,
        "儿媳": Relation.DAUGHTER_IN_LAW,
        "父亲": Relation.FATHER,
        "母亲": Relation.MOTHER,
    },
    "education": {
        "文盲": Education.ILLITERATE,
        "半文盲": Education.ILLITERATE,
        "本科": Education.BACHELOR,
        "大学本科": Education.BACHELOR,
        "研究生": Education.BACHELOR,
    },
    "political_status": {
        "党员": PoliticalStatus.CPC_MEMBER,
        "预备党员": PoliticalStatus.CPC_PROBATIONARY,
        "团员": PoliticalStatus.CYL_MEMBER,
    },
    "labour": {"弱劳动力": Labour.WEAK, "半劳动力": Labour.WEAK},
    "migrant_work": {
        "乡镇内": MigrantWork.IN_TOWNSHIP,
        "乡镇外县内": MigrantWork.IN_COUNTY,
        "县外省内": MigrantWork.IN_PROVINCE,
        "省外": MigrantWork.OUT_OF_PROVINCE,
    },
    "identification_standard": {
        "国家": IdentificationStandard.NATIONAL,
        "国定标准": IdentificationStandard.NATIONAL,
        "省定": IdentificationStandard.PROVINCIAL,
        "省标准": IdentificationStandard.PROVINCIAL,
        "市定": IdentificationStandard.MUNICIPAL,
        "市标准": IdentificationStandard.MUNICIPAL,
    },
    "road_type": {
        "土路": RoadType.EARTH,
        "泥土": RoadType.EARTH,
        "沙石路": RoadType.GRAVEL,
        "碎石路": RoadType.GRAVEL,
        "砂石": RoadType.GRAVEL,
        "水泥": RoadType.CEMENT,
        "沥青": RoadType.ASPHALT,
        "柏油路": RoadType.ASPHALT,
    },
    # The fuels of the household form, named more finely than the list keeps them (A36).
    "main_fuel": {
        "柴": Fuel.FIREWOOD,
        "柴火": Fuel.FIREWOOD,
        "薪柴": Fuel.FIREWOOD,
        "煤": Fuel.COAL,
        "罐装液化气": Fuel.GAS,
        "管道液化气": Fuel.GAS,
        "管道煤气": Fuel.GAS,
        "天然气": Fuel.GAS,
        "液化气": Fuel.GAS,
        "煤气": Fuel.GAS,
        "用电": Fuel.ELECTRICITY,
        "其它": Fuel.OTHER,
    },
    # 是否安全 asked as a question: yes is safe.
    "housing_safety": {"是": Safety.SAFE, "否": Safety.UNSAFE},
    "water_safety": {"是": Safety.SAFE, "否": Safety.UNSAFE},
}
EXTRA_CODES["other_causes"] = EXTRA_CODES["main_cause"]
SEPARATORS = r"[,，、;；/]+"
# Columns of digits, where a number in scientific notation has lost some of them.
DIGIT_FIELDS = {
    "id_number",
    "number",
    "phone",
    "household_phone",
    "disability_certificate",
    "bank_account",
}
# ... and those whose value is then left empty, so that only its loss is reported.
LOST_DIGITS_EMPTIED = DIGIT_FIELDS - {"number"}
# As software writes it (Excel's 5.34021E+17, a float's 5.3402119800517005e+17), blanks around.
SCIENTIFIC = r"^\s*[+-]?\d(?:\.\d+)?[eE]\+\d+\s*$"
# Rows that are no records: a total (the first cell that holds something names it, or a cell
# says no more than 合计) or the sign-off under the table. Labels of two characters are often
# spaced out (合　计).
TOTALS = "合计|总计|小计|共计"
SIGN_OFF = "填表人|填报人|制表人|审核人|负责人|统计人|填表日期|填报日期|制表日期|注:|说明:"
# The rows that may be such, found in one pass over the cells as they are.
MAYBE_NOT_RECORDS = (
    r"[合总小共][\s\p{Cf}]*计|填表|填报|制表|审核|负责人|统计人|注[\s\p{Cf}]*[:：]|说明"
)


def spread_causes(values: pl.Expr) -> dict[str, pl.Expr]:
    return {
        "other_cause_1": values.list.get(0, null_on_oob=True),
        "other_cause_2": values.list.get(1, null_on_oob=True),
    }


def spread_health(values: pl.Expr) -> dict[str, pl.Expr]:
    return {
        "chronic_illness": values.list.contains(Health.CHRONIC_ILLNESS.value),
        "serious_illness": values.list.contains(Health.SERIOUS_ILLNESS.value),
        # For the checks: 健康 beside an illness, 残疾 without its kind.
        "_healthy": values.list.contains(Health.HEALTHY.value),
        "_disabled": values.list.contains(Health.DISABILITY.value),
    }


# The fields a cell of several values is spread over, by column.
SPREADS = {"other_causes": spread_causes, "health": spread_health}
ISSUE_SCHEMA = {
    "sheet": pl.String,
    "row": pl.Int64,
    "field": pl.String,
    "value": pl.String,
    "code": pl.String,
    "level": pl.String,
    "param": pl.String,
}


def half_width(expr: pl.Expr) -> pl.Expr:
    return expr.str.replace_many(FULL_WIDTH, HALF_WIDTH)


def blank_cell(expr: pl.Expr) -> pl.Expr:
    """Whether a cell holds nothing but blanks and characters that take no room (the cleaned
    text would be empty), found without cleaning it."""
    return ~expr.fill_null("").str.contains(f"[^\\s{''.join(INVISIBLE)}]")


def clean_text(expr: pl.Expr) -> pl.Expr:
    """Half-width, trimmed, inner runs of blanks as one space."""
    return half_width(expr).str.replace_all(r"\s+", " ").str.strip_chars()


def folded(expr: pl.Expr) -> pl.Expr:
    return half_width(expr).str.replace_all(r"\s+", "").str.to_lowercase()


def label_variants(choices) -> dict[str, str]:
    """The Chinese labels as ledgers also write them: relations without 之 (子, 孙女), kinds
    of disability without 残疾 (肢体), places of migrant work without 务工 (省外务工 as 省外)."""
    trimmed = {
        Relation: lambda zh: zh.removeprefix("之"),
        DisabilityCategory: lambda zh: zh.removesuffix("残疾"),
        MigrantWork: lambda zh: zh.removesuffix("务工"),
    }.get(choices)
    if trimmed is None:
        return {}
    return {fold(trimmed(member.label.zh)): member.value for member in choices}


def lookup_for(column: Column) -> dict[str, str]:
    lookup = {key: str(code) for key, code in code_lookup(column.choices).items()}
    for key, code in label_variants(column.choices).items():
        lookup.setdefault(key, str(code))
    lookup.update({k: str(v) for k, v in EXTRA_CODES.get(column.name, {}).items()})
    if column.choices is DisabilityGrade:
        lookup.update({str(n): str(n) for n in range(1, 5)})
    # A national code typed as a number has lost its leading zeros (民族 01 is 1).
    for key, code in list(lookup.items()):
        if key.isdecimal() and key.startswith("0"):
            lookup.setdefault(key.lstrip("0") or "0", code)
    return lookup


def parse_date(expr: pl.Expr) -> pl.Expr:
    """Excel serials, 20000102, and year-month-day with -, /, . or 年月日 between."""
    text = half_width(expr).str.replace_all(r"\s+", "")
    parts = text.str.extract_groups(
        r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:T?\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
    )
    compact = text.str.extract_groups(r"^(\d{4})(\d{2})(\d{2})$")
    serial = text.str.extract(r"^(\d{1,5})(?:\.\d+)?$", 1).cast(pl.Int64, strict=False)

    def from_parts(p):
        return pl.concat_str(
            [
                p.struct.field("1"),
                pl.lit("-"),
                p.struct.field("2").str.zfill(2),
                pl.lit("-"),
                p.struct.field("3").str.zfill(2),
            ]
        ).str.to_date("%Y-%m-%d", strict=False)

    return (
        pl.when(serial.is_between(1, 80000))
        .then(EXCEL_EPOCH + pl.duration(days=serial))
        .otherwise(pl.coalesce(from_parts(parts), from_parts(compact)))
    )


def normalise_id_number(expr: pl.Expr) -> pl.Expr:
    """Half-width, no blanks, upper case; a first-generation 15-digit number as 18 digits."""
    text = half_width(expr).str.replace_all(r"\s+", "").str.to_uppercase()
    first17 = pl.concat_str([text.str.slice(0, 6), pl.lit("19"), text.str.slice(6, 9)])
    upgraded = pl.concat_str([first17, check_character(first17)])
    return pl.when(text.str.contains(r"^\d{15}$")).then(upgraded).otherwise(text)


def check_character(first17: pl.Expr) -> pl.Expr:
    """The ISO 7064 MOD 11-2 check character of 17 digits, column-wise."""
    total = pl.sum_horizontal(
        [
            first17.str.slice(i, 1).cast(pl.Int64, strict=False) * weight
            for i, weight in enumerate(CHECK_WEIGHTS)
        ]
    )
    return (total % 11).replace_strict(
        list(range(11)), list("10X98765432"), default=None, return_dtype=pl.String
    )


def normalise_phone(expr: pl.Expr) -> pl.Expr:
    return half_width(expr).str.replace_all(r"[\s\-()（）]", "").str.strip_prefix("+86")


def normalise_column(column: Column, raw: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """The typed value and a flag that is true where a non-blank cell could not be understood."""
    blank = clean_text(raw).fill_null("") == ""
    if column.kind == "text":
        value = clean_text(raw)
        if column.name in {"name", "head_name"}:
            # 张 三 is 张三: blanks between Chinese characters are typing, not part of the name.
            value = (
                pl.when(value.str.contains(r"^[\p{Han}·• ]+$"))
                .then(value.str.replace_all(" ", ""))
                .otherwise(value)
            )
        return value, pl.lit(False)
    if column.kind == "code":
        value = folded(raw).replace_strict(lookup_for(column), default=None, return_dtype=pl.String)
        if column.choices is DisabilityGrade:
            value = value.cast(pl.Int16)
        return value, ~blank & value.is_null()
    if column.kind == "codes":
        lookup = lookup_for(column)
        pieces = half_width(raw).str.replace_all(SEPARATORS, ",").str.split(",")
        keys = pieces.list.eval(
            pl.element().str.replace_all(r"\s+", "").str.to_lowercase()
        ).list.eval(pl.element().filter(pl.element() != ""))
        codes = keys.list.eval(
            pl.element().replace_strict(lookup, default=None, return_dtype=pl.String)
        )
        unknown = codes.list.eval(pl.element().is_null().any()).list.first()
        value = pl.when(blank).then(None).otherwise(codes.list.unique(maintain_order=True))
        return value, ~blank & unknown.fill_null(False)
    if column.kind == "decimal":
        # A unit as typed (㎡, m²) and as folded (m2).
        units = "|".join(
            re.escape(form)
            for unit in column.extra.get("units", ())
            for form in {unit.lower(), fold(unit)}
        )
        text = folded(raw).str.replace_all(r"[,，]", "")
        if units:
            text = text.str.replace(f"(?:{units})$", "")
        value = text.cast(pl.Decimal(12, 2), strict=False)
        return value, ~blank & value.is_null()
    if column.kind == "account":
        value = half_width(raw).str.replace_all(r"[\s\-]+", "")
        return pl.when(blank).then(None).otherwise(value), pl.lit(False)
    if column.kind == "date":
        value = parse_date(raw)
        return value, ~blank & value.is_null()
    if column.kind == "bool":
        key = folded(raw)
        value = (
            pl.when(key.is_in(TRUE_WORDS))
            .then(pl.lit(True))
            .when(key.is_in(FALSE_WORDS))
            .then(pl.lit(False))
            .otherwise(pl.lit(None, dtype=pl.Boolean))
        )
        return value, ~blank & value.is_null()
    if column.kind == "int":
        text = folded(raw).str.replace(r"(个月|月|months?)$", "").str.replace(r"\.0*$", "")
        value = text.cast(pl.Int64, strict=False)
        return value, ~blank & value.is_null()
    if column.kind == "id_number":
        value = normalise_id_number(raw)
        return pl.when(blank).then(None).otherwise(value), pl.lit(False)
    if column.kind == "phone":
        return normalise_phone(raw), pl.lit(False)
    raise ValueError(column.kind)


# Kinds whose cells repeat (codes, yes/no, dates, small numbers): normalised once per distinct
# value and mapped back, which costs a county's ledger a fraction of a pass per cell.
REPEATING_KINDS = {"code", "bool", "date", "int"}


def by_distinct_values(frame: pl.DataFrame, column: Column, raw: pl.Expr):
    distinct = frame.select(raw.unique().alias("raw"))
    value, bad = normalise_column(column, pl.col("raw"))
    table = distinct.select(pl.col("raw"), value.alias("value"), bad.alias("bad"))
    return (
        raw.replace_strict(table["raw"], table["value"], return_dtype=table.schema["value"]),
        raw.replace_strict(table["raw"], table["bad"], return_dtype=pl.Boolean),
    )


def heading_text(expr: pl.Expr) -> pl.Expr:
    """A cell as the reader makes a heading of it (`reading.header_text`)."""
    return (
        expr.fill_null("")
        .str.replace_many(INVISIBLE, [""] * len(INVISIBLE))
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
    )


def records(frame: pl.DataFrame, mapping: dict[int, str], headers: list[str]) -> pl.DataFrame:
    """The rows that are records: not blank in every mapped column, not the header again (the
    second row of a header whose headings are merged down it, or the header of another ledger
    pasted below), neither a total nor the sign-off under the table.

    A total or a sign-off names itself at the left of the table, where a ledger numbers its rows
    and households: it is looked for in the columns up to the household number's, mapped or not,
    and only in the few rows that hold one of its words there (a county's ledger is millions of
    cells, most of them far to the right).
    """
    frame = frame.filter(pl.any_horizontal([~blank_cell(pl.col(f"c{p}")) for p in mapping]))
    first = next(iter(mapping), None)
    if first is not None:
        # Only a cell holding the heading's last character may be the heading again.
        again = frame.filter(pl.col(f"c{first}").str.contains(headers[first][-1:], literal=True))
        if again.height:
            repeats = again.filter(
                pl.all_horizontal([heading_text(pl.col(f"c{p}")) == headers[p] for p in mapping])
            )["_index"]
            frame = frame.filter(~pl.col("_index").is_in(repeats.implode()))
    number = next((p for p, name in mapping.items() if name == "number"), None)
    columns = [c for c in frame.columns if c.startswith("c")]
    columns = columns if number is None else columns[: number + 1]
    suspects = frame.filter(
        pl.any_horizontal([pl.col(c).str.contains(MAYBE_NOT_RECORDS) for c in columns])
    )
    if not suspects.height:
        return frame
    cells = [folded(pl.col(c).fill_null("")) for c in columns]
    leading = pl.coalesce([pl.when(cell != "").then(cell) for cell in cells])
    summary = (
        leading.str.contains(TOTALS)
        | leading.str.contains(f"^(?:{SIGN_OFF})")
        | pl.any_horizontal([cell.str.contains(f"^(?:{TOTALS}):?$") for cell in cells])
    )
    left_out = suspects.filter(summary.fill_null(False))["_index"]
    return frame.filter(~pl.col("_index").is_in(left_out.implode()))


def unreadable_code(name: str, lost: str | None) -> pl.Expr:
    """The code of a cell that could not be read: its digits lost, or not of its kind."""
    column = BY_NAME[name]
    code = pl.lit(column.extra.get("unreadable", "unreadable_" + column.kind))
    return pl.when(pl.col(lost)).then(pl.lit("lost_digits")).otherwise(code) if lost else code


def normalise_sheet(
    *, frame: pl.DataFrame, mapping: dict[int, str], headers: list[str], sheet: str, first_row: int
):
    """The typed frame (one column per mapped field, `_row` the file's row) and the cell issues;
    None and no issues for a sheet with no records under its header."""
    frame = frame.with_row_index("_index").with_columns(
        (pl.col("_index") + first_row).cast(pl.Int64).alias("_row")
    )
    frame = records(frame, mapping, headers)
    if not frame.height:
        return None, pl.DataFrame(schema=ISSUE_SCHEMA)
    # Where a column of digits holds a number in scientific notation, found once per cell.
    lost = {name: f"{name}__lost" for name in mapping.values() if name in DIGIT_FIELDS}
    frame = frame.with_columns(
        pl.col(f"c{p}").fill_null("").str.contains(SCIENTIFIC).alias(lost[name])
        for p, name in mapping.items()
        if name in lost
    )
    typed: dict[str, pl.Expr] = {}
    flags = [pl.col(flag) for flag in lost.values()]
    spread: list[tuple[str, pl.Expr]] = []
    for position, name in mapping.items():
        raw = pl.col(f"c{position}").fill_null("")
        column = BY_NAME[name]
        if column.kind in REPEATING_KINDS:
            value, bad = by_distinct_values(frame, column, raw)
        else:
            value, bad = normalise_column(column, raw)
        if name in lost:
            bad = bad | pl.col(lost[name])
            if name in LOST_DIGITS_EMPTIED:
                value = pl.when(pl.col(lost[name])).then(None).otherwise(value)
        typed[f"{name}__raw"] = raw
        flags.append(bad.alias(f"{name}__bad"))
        if name in SPREADS:
            if limit := column.extra.get("max"):
                many = (value.list.len() > limit).fill_null(False)
                flags.append(many.alias(f"{name}__many"))
            for field, expr in SPREADS[name](value).items():
                spread.append((field, expr))
                typed[f"{field}__raw"] = raw
        else:
            typed[name] = value
    for field, expr in spread:
        # A column of its own for the same field (长期慢性病 beside 健康状况): either says yes.
        typed[field] = pl.any_horizontal(typed[field], expr) if field in typed else expr
    out = frame.select(
        [pl.col("_row"), *[expr.alias(name) for name, expr in typed.items()], *flags]
    )
    # Rows with a bad cell are few: found in one pass, then each field's issues among them.
    marked = [c for c in out.columns if c.endswith(("__bad", "__many"))]
    suspects = out.filter(pl.any_horizontal(marked)) if marked else out.clear()
    issues = [
        suspects.filter(pl.col(f"{name}__bad")).select(
            pl.lit(sheet).alias("sheet"),
            pl.col("_row").alias("row"),
            pl.lit(name).alias("field"),
            pl.col(f"{name}__raw").alias("value"),
            unreadable_code(name, lost.get(name)).alias("code"),
            pl.lit("error").alias("level"),
            pl.lit(None, dtype=pl.String).alias("param"),
        )
        for name in mapping.values()
    ]
    issues += [
        suspects.filter(pl.col(f"{name}__many")).select(
            pl.lit(sheet).alias("sheet"),
            pl.col("_row").alias("row"),
            pl.lit(name).alias("field"),
            pl.col(f"{name}__raw").alias("value"),
            pl.lit("too_many_values").alias("code"),
            pl.lit("error").alias("level"),
            pl.lit(str(BY_NAME[name].extra["max"])).alias("param"),
        )
        for name in mapping.values()
        if f"{name}__many" in out.columns
    ]
    out = out.drop(
        [c for c in out.columns if c.endswith(("__bad", "__many", "__lost"))]
    ).with_columns(pl.lit(sheet).alias("_sheet"))
    return out, pl.concat(issues) if issues else pl.DataFrame(schema=ISSUE_SCHEMA)
