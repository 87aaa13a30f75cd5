"""The error report: the file's own rows with a status and the messages, bad cells highlighted,
each row and column where the file has it, so that a message's place is found in either.

The file's cells go back to the user as they came, but for personal numbers, masked as on every
page (`messages.value_shown`); and they pass `cell_safe` like every cell written: the report of a
hostile ledger must not run its formulas when opened.
"""

from pathlib import Path

import polars as pl
from django.utils.translation import gettext as _

from villagedesk.core.spreadsheets import cell_safe, sheet_name, workbook_new
from villagedesk.registry.imports.engine import ImportResult
from villagedesk.registry.imports.messages import column_shown, render, value_shown


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


def write_report(result: ImportResult, path: Path) -> None:
    """Each sheet as the file has it, rows at their own numbers and columns at their own
    letters (the title rows above the header left blank), with a status and the problems of
    each row to the right."""
    rendered = issue_messages(result.issues)
    by_row: dict[tuple[str, int], list[dict]] = {}
    for issue in rendered:
        by_row.setdefault((issue["sheet"], issue["row"]), []).append(issue)
    book = workbook_new(str(path), constant_memory=True)
    bold = book.add_format({"bold": True, "bg_color": "#DDDDDD", "border": 1})
    error_cell = book.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"})
    warning_cell = book.add_format({"bg_color": "#FFEB9C"})
    for sheet in result.sheets:
        worksheet = book.add_worksheet(sheet_name(sheet.name) or None)
        left, width = 0, len(sheet.headers)
        header_index = sheet.header_row - 1
        for col, heading in enumerate([*sheet.headers, _("Status"), _("Problems")]):
            worksheet.write_string(header_index, left + col, cell_safe(heading), bold)
        worksheet.freeze_panes(header_index + 1, 0)
        worksheet.set_column(left + width + 1, left + width + 1, 60)
        positions = {name: position for position, name in sheet.mapping.items()}
        for offset, row in enumerate(sheet.frame.iter_rows()):
            file_row = sheet.first_data_row + offset
            found = by_row.get((sheet.name, file_row), [])
            formats = {}
            for issue in found:
                position = positions.get(issue["field"])
                if position is not None:
                    fmt = error_cell if issue["level"] == "error" else warning_cell
                    formats[position] = error_cell if formats.get(position) is error_cell else fmt
            for col, value in enumerate(row):
                shown = value_shown(sheet.mapping.get(col), value)
                worksheet.write_string(file_row - 1, left + col, cell_safe(shown), formats.get(col))
            if any(i["level"] == "error" for i in found):
                status = _("error")
            elif found:
                status = _("warning")
            else:
                status = _("ok")
            worksheet.write_string(file_row - 1, left + width, status)
            worksheet.write_string(
                file_row - 1,
                left + width + 1,
                cell_safe("\n".join(f"{column_shown(i)}: {i['message']}" for i in found)),
            )
    book.close()
