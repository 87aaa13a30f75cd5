"""Reports written as .docx (python-docx): what cadres open and edit in WPS or Word.

The text is set in Noto Sans CJK (with the usual Chinese fonts of Word and WPS after it), so that
the document reads the same in LibreOffice on a server and in an office's word processor.
"""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from villagedesk.reports.contents import Chart, Heading, Report, Table, Text

FONT = "Noto Sans CJK SC"
EAST_ASIAN_FONT = "Noto Sans CJK SC"


def fonts_set(style) -> None:
    style.font.name = FONT
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), EAST_ASIAN_FONT)


def document_new():
    document = Document()
    section = document.sections[0]
    # A4, as offices print.
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.2)
    section.top_margin = section.bottom_margin = Cm(2)
    for name in ("Normal", "Title", "Subtitle", "Heading 1", "Heading 2", "Caption"):
        fonts_set(document.styles[name])
    document.styles["Normal"].font.size = Pt(10.5)
    return document


def table_add(document, block: Table) -> None:
    table = document.add_table(rows=1, cols=len(block.header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, block.header, strict=True):
        cell.text = str(text)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in block.rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=False):
            cell.text = "" if value is None else str(value)


def report_docx(report: Report, *, author: str) -> bytes:
    """The report as a .docx file's bytes."""
    document = document_new()
    document.core_properties.title = report.title
    document.core_properties.author = author
    document.add_heading(report.title, level=0)
    subtitle = document.add_paragraph(report.subtitle)
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    made = timezone.localtime()
    document.add_paragraph(
        _("Written by Village Desk on %(day)s for %(user)s, from the records as then kept.")
        % {"day": f"{made:%Y-%m-%d %H:%M}", "user": author}
    ).style = "Caption"
    for block in report.blocks:
        if isinstance(block, Heading):
            document.add_heading(block.text, level=block.level)
        elif isinstance(block, Text):
            document.add_paragraph(block.text)
        elif isinstance(block, Table):
            table_add(document, block)
        elif isinstance(block, Chart) and block.png is not None:
            document.add_picture(io.BytesIO(block.png), width=Cm(15.5))
            document.add_paragraph(block.caption).style = "Caption"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
