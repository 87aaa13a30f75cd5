"""Ledger exports: the rosters supervisors download every week, in .xlsx or .csv.

Codes are written as labels in the user's language and personal numbers masked unless the user
may export them in full, so that an export can be handed on. The village and the group are
written by their names, as the national form and its exports write them (行政村, 村民小组), not by
the village's code and the group's number; the importer reads either. The person roster carries the
household's fields on the head's row, the single-sheet layout the importer reads, so an export by
a user who may export numbers in full re-imports without changes. Every cell, in .xlsx and .csv
alike, is formula-safe (`core.spreadsheets.cell_safe`): a name typed as `=HYPERLINK(…)` stays
a name when the file is opened.

An export is an audited act (`ledger_export_audited`): numbers in full only for a user who may
export them over the area and who states a purpose, every file watermarked with who exported
it and when, and an audit event with the ledger, the area and the counts.
"""

import datetime
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from django.core.exceptions import ValidationError
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from villagedesk.accounts import permissions
from villagedesk.accounts.models import User
from villagedesk.accounts.permissions import Capability
from villagedesk.areas.models import Area, VillageGroup
from villagedesk.audit import services as audit
from villagedesk.audit.watermark import csv_watermark_line, watermark_text, workbook_watermark
from villagedesk.core.codelists import fold
from villagedesk.core.masking import mask_phone
from villagedesk.core.spreadsheets import (
    FORMULA_STARTS,
    rows_write,
    sheet_with_header,
    workbook_new,
)
from villagedesk.registry.codes import Health, HouseholdStatus, Relation
from villagedesk.registry.imports.columns import (
    BY_NAME,
    COLUMNS,
    HOUSEHOLD,
    HOUSEHOLD_DATA,
    PERSON,
    PERSON_DATA,
    SPREAD_FROM,
)
from villagedesk.registry.models import PERSONAL_NUMBERS, Household, Person


@dataclass(frozen=True)
class Ledger:
    name: str
    title: object
    persons: bool
    filter: dict


LEDGERS = {
    ledger.name: ledger
    for ledger in [
        Ledger("household_roster", gettext_lazy("Household roster"), False, {}),
        Ledger("person_roster", gettext_lazy("Person roster"), True, {}),
        Ledger("households_by_status", gettext_lazy("Households by status"), False, {}),
        Ledger(
            "persons_by_disability",
            gettext_lazy("Persons with a disability"),
            True,
            {"disability_category__gt": ""},
        ),
        Ledger(
            "persons_by_schooling",
            gettext_lazy("Persons in or before school"),
            True,
            {"schooling__gt": ""},
        ),
    ]
}
# The columns written are the importer's stored ones: a cell of several values (health, other
# causes) stands for the fields it spreads over, so that an export re-imports as it is.
HOUSEHOLD_EXPORT = [
    c.name
    for c in COLUMNS
    if c.table == HOUSEHOLD and c.stored and c.name not in {"village", "group", "number"}
]
PERSON_EXPORT = [c.name for c in COLUMNS if c.table == PERSON and c.name not in SPREAD_FROM]
HOUSEHOLD_COLUMNS = ["village", "group", "number", *HOUSEHOLD_EXPORT]
# The columns of personal numbers and their masks: the person's, and the household's phone.
MASKS = {**PERSONAL_NUMBERS, "household_phone": mask_phone}
PERSON_COLUMNS = ["village", "group", "number", *HOUSEHOLD_EXPORT, *PERSON_EXPORT]


def header(name: str) -> str:
    column = BY_NAME[name]
    return column.synonyms[0] if (get_language() or "zh").startswith("zh") else str(column.label)


def label_map(name: str) -> dict | None:
    column = BY_NAME[name]
    if column.kind == "code":
        return {str(member.value): str(member.label) for member in column.choices}
    if column.kind == "bool":
        return {"true": _("yes"), "false": _("no")}
    return None


def value_separator() -> str:
    return "、" if (get_language() or "zh").startswith("zh") else ", "


def other_causes_expr() -> pl.Expr:
    """The other causes of poverty as labels in one cell."""
    labels = label_map("main_cause")
    parts = [
        pl.col(field).replace_strict(labels, default=None, return_dtype=pl.String)
        for field in ("other_cause_1", "other_cause_2")
    ]
    return pl.concat_str(parts, separator=value_separator(), ignore_nulls=True)


def health_expr() -> pl.Expr:
    """健康状况 in one cell: each of chronic illness, serious illness and disability that holds,
    or healthy (健康) when none does."""
    parts = [
        pl.when(pl.col("chronic_illness")).then(pl.lit(str(Health.CHRONIC_ILLNESS.label))),
        pl.when(pl.col("serious_illness")).then(pl.lit(str(Health.SERIOUS_ILLNESS.label))),
        pl.when(pl.col("disability_category").fill_null("") != "").then(
            pl.lit(str(Health.DISABILITY.label))
        ),
    ]
    listed = pl.concat_str(parts, separator=value_separator(), ignore_nulls=True)
    return pl.when(listed == "").then(pl.lit(str(Health.HEALTHY.label))).otherwise(listed)


def village_cells(area: Area) -> dict[str, str]:
    """What the village column says for each village of the area, by code: its name, or its code
    when another village of the area has the same name, so that the importer (which takes a
    village by its name or its code within the area imported into) never takes one for the
    other and the roster re-imports unchanged."""
    villages = list(Area.objects.within([area.prefix]).villages().values_list("code", "name"))
    named = Counter(fold(name) for _code, name in villages)
    return {code: name if named[fold(name)] == 1 else code for code, name in villages}


def group_cells(area: Area) -> dict[int, str]:
    """What the group column says for each group of the area's villages, by key: its name, or its
    number where the name is a name or number another group of its village answers to, so that
    the importer takes each household back to its own group."""
    groups = list(VillageGroup.objects.filter(area_code__startswith=area.prefix))
    answers = Counter()
    for group in groups:
        keys = {str(group.number), fold(group.name), f"{group.number}组", f"第{group.number}组"}
        answers.update((group.village_id, key) for key in keys)
    return {
        group.pk: group.name
        if answers[(group.village_id, fold(group.name))] == 1
        else str(group.number)
        for group in groups
    }


def ledger_frame(*, ledger: Ledger, area: Area, status: str | None, reveal: bool) -> pl.DataFrame:
    """The ledger's rows as text, in household and member order (the header alone when there
    are none)."""
    columns = PERSON_COLUMNS if ledger.persons else HOUSEHOLD_COLUMNS
    empty = pl.DataFrame(schema={header(name): pl.String for name in columns})
    households = Household.objects.within([area.prefix])
    if status:
        households = households.filter(status=status)
    h_fields = [
        "pk",
        "village__code",
        "group_id",
        "number",
        "address",
        "phone",
        *HOUSEHOLD_DATA[2:],
    ]
    h_rows = list(households.values_list(*h_fields))
    if not h_rows:
        return empty
    names = [
        "_hpk",
        "_village_code",
        "group",
        "number",
        "address",
        "household_phone",
        *HOUSEHOLD_DATA[2:],
    ]
    frame = pl.DataFrame(h_rows, schema=names, orient="row", infer_schema_length=None)
    code = pl.col("_village_code")
    frame = frame.with_columns(
        code.replace_strict(village_cells(area), default=code, return_dtype=pl.String).alias(
            "village"
        ),
        pl.col("group")
        .cast(pl.Int64)
        .replace_strict(group_cells(area), default=None, return_dtype=pl.String),
        other_causes_expr().alias("other_causes"),
    )
    if ledger.persons:
        persons = Person.objects.within([area.prefix]).filter(
            household__in=households, **ledger.filter
        )
        p_rows = list(
            persons.order_by("household__area_code", "household__number", "id").values_list(
                "household_id", *PERSON_DATA
            )
        )
        if not p_rows:
            return empty
        people = pl.DataFrame(
            p_rows, schema=["_hpk", *PERSON_DATA], orient="row", infer_schema_length=None
        )
        people = people.with_columns(health_expr().alias("health"))
        frame = people.join(frame, on="_hpk", how="left", maintain_order="left")
        # Household fields stand on the head's row only (the single-sheet layout).
        is_head = pl.col("relation") == Relation.HEAD.value
        frame = frame.with_columns(
            [pl.when(is_head).then(pl.col(c)).otherwise(None).alias(c) for c in HOUSEHOLD_EXPORT]
        )
    elif ledger.name == "households_by_status":
        order = {s.value: i for i, s in enumerate(HouseholdStatus)}
        frame = frame.sort(
            pl.col("status").replace_strict(order, default=99), "_village_code", "number"
        )
    out = []
    for name in columns:
        expr = pl.col(name).cast(pl.String)
        mapping = label_map(name)
        if mapping:
            expr = expr.replace_strict(mapping, default=None, return_dtype=pl.String)
        elif name in MASKS and not reveal:
            expr = expr.map_elements(MASKS[name], return_dtype=pl.String)
        out.append(expr.cast(pl.String).fill_null("").alias(header(name)))
    return frame.select(out)


def formula_safe(frame: pl.DataFrame) -> pl.DataFrame:
    """Every text column as `cell_safe` writes it (an apostrophe before a leading = + - @ tab or
    CR), computed by polars over the whole column rather than cell by cell."""
    return frame.with_columns(
        pl.when(pl.col(pl.String).str.slice(0, 1).is_in(FORMULA_STARTS))
        .then(pl.lit("'") + pl.col(pl.String))
        .otherwise(pl.col(pl.String))
        .name.keep()
    )


def column_width(frame: pl.DataFrame, name: str) -> int:
    """Wide enough for the header (a Chinese character counts two) and the first 200 cells."""
    longest = frame[name].head(200).str.len_chars().max() or 0
    return min(max(len(name) * 2, longest, 6) + 2, 40)


def export_ledger(
    *,
    name: str,
    area: Area,
    path: Path,
    file_format: str,
    status: str | None = None,
    reveal: bool = False,
    stamp: audit.ExportStamp | None = None,
) -> int:
    """Write the ledger to `path`; returns the number of rows. With a `stamp`, the file carries
    its watermark: a first `#` line in .csv (the importer's header search passes over it), the
    title line, every sheet's header and footer and the document properties in .xlsx."""
    ledger = LEDGERS[name]
    frame = ledger_frame(ledger=ledger, area=area, status=status, reveal=reveal)
    if file_format == "csv":
        with open(path, "wb") as out:
            out.write("\ufeff".encode())
            if stamp is not None:
                out.write(csv_watermark_line(stamp).encode())
            formula_safe(frame).write_csv(out)
        return frame.height
    title = f"{ledger.title} · {area.display_name} · {datetime.date.today():%Y-%m-%d}"  # noqa: DTZ011
    if stamp is not None:
        title = f"{title} · {watermark_text(stamp)}"
    widths = [column_width(frame, column) for column in frame.columns]
    book = workbook_new(str(path), constant_memory=True)
    sheet, first_row = sheet_with_header(
        book, str(ledger.title), frame.columns, widths=widths, title=title
    )
    rows_write(sheet, first_row, frame.iter_rows())
    sheet.autofilter(first_row - 1, 0, first_row + frame.height - 1, frame.width - 1)
    if stamp is not None:
        workbook_watermark(book, stamp)
    book.close()
    return frame.height


def full_numbers_purpose(*, by: User | None, area: Area, full_numbers: bool, purpose: str) -> str:
    """The purpose stated for an export, stripped; refuse numbers in full (PermissionDenied)
    from a user without `export_personal_data` over the area, and (ValidationError) without a
    purpose. A request for the worker is refused by this before it is queued."""
    purpose = (purpose or "").strip()
    if full_numbers:
        if by is not None:
            permissions.require(by, Capability.EXPORT_PERSONAL_DATA, area.code)
        if not purpose:
            raise ValidationError(
                _("State the purpose of exporting personal numbers in full."), code="purpose"
            )
    return purpose


def ledger_export_audited(
    *,
    by: User | None,
    username: str = "",
    request=None,
    name: str,
    area: Area,
    path: Path,
    file_format: str,
    status: str | None = None,
    full_numbers: bool = False,
    purpose: str = "",
) -> int:
    """Write the ledger as an audited act; returns the number of rows.

    Numbers in full need a purpose and, from a user (`by`), `export_personal_data` over the
    area; a command run on the server (no user, `username` names the operator) needs the
    purpose too. Refused with PermissionDenied or ValidationError before anything is written.
    """
    purpose = full_numbers_purpose(by=by, area=area, full_numbers=full_numbers, purpose=purpose)
    stamp = audit.export_stamp(user=by, username=username)
    rows = export_ledger(
        name=name,
        area=area,
        path=path,
        file_format=file_format,
        status=status,
        reveal=full_numbers,
        stamp=stamp,
    )
    persons = LEDGERS[name].persons
    extra = {"ledger": name} | ({"status": status} if status else {})
    audit.export_record(
        stamp=stamp,
        request=request,
        what=f"registry.{name}",
        area_code=area.code,
        file_format=file_format,
        rows=rows,
        persons=rows if persons else None,
        masked=not full_numbers,
        purpose=purpose if full_numbers else "",
        extra=extra if persons else extra | {"households": rows},
    )
    return rows
