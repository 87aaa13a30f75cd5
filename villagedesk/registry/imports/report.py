"""The error report: the file's own rows with a status and the messages, bad cells highlighted.

The file's cells go back to the user as they came, so they pass `cell_safe` like every cell
written: the report of a hostile ledger must not run its formulas when opened.
"""

from pathlib import Path

import polars as pl
from django.utils.translation import gettext as _

from villagedesk.core.spreadsheets import cell_safe, sheet_with_header, workbook_new
from villagedesk.registry.imports.engine import ImportResult
from villagedesk.registry.imports.messages import render


def issue_messages(issues: pl.DataFrame) -> list[dict]:
    """Issues as dictionaries with their message rendered in the active language."""
    return [
        {
            **issue,
            "message": render(
                code=issue["code"], field=issue["field"], value=issue["value"], param=issue["param"]
            ),
        }
        for issue in issues.iter_rows(named=True)
    ]


def column_name(sheet, positions: dict, issue: dict) -> str:
    position = positions.get(issue["field"])
    return sheet.headers[position] if position is not None else issue["field"]


def write_report(result: ImportResult, path: Path) -> None:
    rendered = issue_messages(result.issues)
    by_row: dict[tuple[str, int], list[dict]] = {}
    for issue in rendered:
        by_row.setdefault((issue["sheet"], issue["row"]), []).append(issue)
    book = workbook_new(str(path), constant_memory=True)
    error_cell = book.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"})
    warning_cell = book.add_format({"bg_color": "#FFEB9C"})
    for sheet in result.sheets:
        width = len(sheet.headers)
        worksheet, first_row = sheet_with_header(
            book,
            sheet.name,
            [*sheet.headers, _("Status"), _("Problems")],
        )
        worksheet.set_column(width + 1, width + 1, 60)
        positions = {name: position for position, name in sheet.mapping.items()}
        for index, row in enumerate(sheet.frame.iter_rows(), start=first_row):
            file_row = sheet.first_data_row + index - first_row
            found = by_row.get((sheet.name, file_row), [])
            formats = {}
            for issue in found:
                position = positions.get(issue["field"])
                if position is not None:
                    fmt = error_cell if issue["level"] == "error" else warning_cell
                    formats[position] = error_cell if formats.get(position) is error_cell else fmt
            for col, value in enumerate(row):
                worksheet.write_string(index, col, cell_safe(value), formats.get(col))
            if any(i["level"] == "error" for i in found):
                status = _("error")
            elif found:
                status = _("warning")
            else:
                status = _("ok")
            worksheet.write_string(index, width, status)
            worksheet.write_string(
                index,
                width + 1,
                cell_safe(
                    "\n".join(f"{column_name(sheet, positions, i)}: {i['message']}" for i in found)
                ),
            )
    book.close()
