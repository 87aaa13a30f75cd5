"""The error report: the file's own rows with a status and the messages, bad cells highlighted."""

from pathlib import Path

import polars as pl
import xlsxwriter
from django.utils.translation import gettext as _

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
    workbook = xlsxwriter.Workbook(
        str(path), {"constant_memory": True, "strings_to_formulas": False}
    )
    bold = workbook.add_format({"bold": True, "bg_color": "#DDDDDD"})
    error_cell = workbook.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"})
    warning_cell = workbook.add_format({"bg_color": "#FFEB9C"})
    for sheet in result.sheets:
        worksheet = workbook.add_worksheet(sheet.name[:31])
        positions = {name: position for position, name in sheet.mapping.items()}
        width = len(sheet.headers)
        for col, header in enumerate(sheet.headers):
            worksheet.write_string(0, col, header, bold)
        worksheet.write_string(0, width, _("Status"), bold)
        worksheet.write_string(0, width + 1, _("Problems"), bold)
        worksheet.freeze_panes(1, 0)
        worksheet.set_column(width + 1, width + 1, 60)
        for index, row in enumerate(sheet.frame.iter_rows()):
            file_row = sheet.first_data_row + index
            found = by_row.get((sheet.name, file_row), [])
            formats = {}
            for issue in found:
                position = positions.get(issue["field"])
                if position is not None:
                    fmt = error_cell if issue["level"] == "error" else warning_cell
                    formats[position] = error_cell if formats.get(position) is error_cell else fmt
            for col, value in enumerate(row):
                worksheet.write_string(index + 1, col, value or "", formats.get(col))
            if any(i["level"] == "error" for i in found):
                status = _("error")
            elif found:
                status = _("warning")
            else:
                status = _("ok")
            worksheet.write_string(index + 1, width, status)
            worksheet.write_string(
                index + 1,
                width + 1,
                "\n".join(f"{column_name(sheet, positions, i)}: {i['message']}" for i in found),
            )
    workbook.close()
