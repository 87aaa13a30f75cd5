"""Ledger exports: the rosters supervisors download every week, in .xlsx or .csv.

Codes are written as labels in the user's language and personal numbers masked unless the user
may reveal them, so that an export can be handed on. The person roster carries the household's
fields on the head's row, the single-sheet layout the importer reads, so an export by a user who
may reveal re-imports without changes.
"""

import datetime
from dataclasses import dataclass
from pathlib import Path

import polars as pl
import xlsxwriter
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from villagedesk.areas.models import Area
from villagedesk.core.masking import mask_id_number, mask_phone
from villagedesk.registry.codes import HouseholdStatus, Relation
from villagedesk.registry.imports.columns import BY_NAME, HOUSEHOLD_DATA, PERSON_DATA
from villagedesk.registry.models import Household, Person


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
HOUSEHOLD_COLUMNS = ["village", "group", "number", *HOUSEHOLD_DATA]
PERSON_COLUMNS = ["village", "group", "number", *HOUSEHOLD_DATA, *PERSON_DATA]


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


def ledger_frame(*, ledger: Ledger, area: Area, status: str | None, reveal: bool) -> pl.DataFrame:
    """The ledger's rows as text, in household and member order."""
    households = Household.objects.within([area.prefix])
    if status:
        households = households.filter(status=status)
    h_fields = [
        "pk",
        "village__code",
        "group__number",
        "number",
        "address",
        "phone",
        *HOUSEHOLD_DATA[2:],
    ]
    h_rows = list(households.values_list(*h_fields))
    names = [
        "_hpk",
        "village",
        "group",
        "number",
        "address",
        "household_phone",
        *HOUSEHOLD_DATA[2:],
    ]
    frame = pl.DataFrame(h_rows, schema=names, orient="row", infer_schema_length=None)
    columns = HOUSEHOLD_COLUMNS
    if ledger.persons:
        persons = Person.objects.within([area.prefix]).filter(
            household__in=households, **ledger.filter
        )
        p_rows = list(
            persons.order_by("household__area_code", "household__number", "id").values_list(
                "household_id", *PERSON_DATA
            )
        )
        people = pl.DataFrame(
            p_rows, schema=["_hpk", *PERSON_DATA], orient="row", infer_schema_length=None
        )
        frame = people.join(frame, on="_hpk", how="left", maintain_order="left")
        # Household fields stand on the head's row only (the single-sheet layout).
        is_head = pl.col("relation") == Relation.HEAD.value
        frame = frame.with_columns(
            [pl.when(is_head).then(pl.col(c)).otherwise(None).alias(c) for c in HOUSEHOLD_DATA]
        )
        columns = PERSON_COLUMNS
    elif ledger.name == "households_by_status":
        order = {s.value: i for i, s in enumerate(HouseholdStatus)}
        frame = frame.sort(pl.col("status").replace_strict(order, default=99), "village", "number")
    out = []
    for name in columns:
        expr = pl.col(name).cast(pl.String)
        mapping = label_map(name)
        if mapping:
            expr = expr.replace_strict(mapping, default=None, return_dtype=pl.String)
        elif name == "id_number" and not reveal:
            expr = expr.map_elements(mask_id_number, return_dtype=pl.String)
        elif name in {"phone", "household_phone"} and not reveal:
            expr = expr.map_elements(mask_phone, return_dtype=pl.String)
        out.append(expr.cast(pl.String).fill_null("").alias(header(name)))
    return frame.select(out)


def export_ledger(
    *,
    name: str,
    area: Area,
    path: Path,
    file_format: str,
    status: str | None = None,
    reveal: bool = False,
) -> int:
    """Write the ledger to `path`; returns the number of rows."""
    ledger = LEDGERS[name]
    frame = ledger_frame(ledger=ledger, area=area, status=status, reveal=reveal)
    if file_format == "csv":
        frame.write_csv(path, include_bom=True)
        return frame.height
    title = f"{ledger.title} · {area.display_name} · {datetime.date.today():%Y-%m-%d}"  # noqa: DTZ011
    workbook = xlsxwriter.Workbook(
        str(path), {"constant_memory": True, "strings_to_numbers": False}
    )
    sheet = workbook.add_worksheet(str(ledger.title)[:31])
    bold = workbook.add_format({"bold": True, "bg_color": "#DDDDDD", "border": 1})
    sheet.write_string(0, 0, title, workbook.add_format({"bold": True, "font_size": 14}))
    for col, column in enumerate(frame.columns):
        sheet.write_string(1, col, column, bold)
        width = max([len(column) * 2, *(frame[column].head(200).str.len_chars().to_list() or [0])])
        sheet.set_column(col, col, min(max(width + 2, 8), 40))
    for index, row in enumerate(frame.iter_rows()):
        for col, value in enumerate(row):
            if value:
                sheet.write_string(index + 2, col, value)
    sheet.freeze_panes(2, 0)
    sheet.autofilter(1, 0, frame.height + 1, frame.width - 1)
    workbook.close()
    return frame.height
