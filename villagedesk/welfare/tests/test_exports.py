"""Welfare's downloads never carry a formula (a name typed as `=1+1` exports as text), and an
uploaded list is measured before it is read: an oversized or unreadable file is refused with a
message and imports nothing."""

import io
import zipfile
from io import StringIO

import xlsxwriter
from django.core.management import call_command
from python_calamine import CalamineWorkbook

from villagedesk.registry.models import Household
from villagedesk.registry.tests.factories import HouseholdFactory, PersonFactory
from villagedesk.welfare.models import Enrolment, Policy
from villagedesk.welfare.services import catalogue_load
from villagedesk.welfare.tests.test_gap_report import planted  # noqa: F401 -- fixture

FORMULA = "=1+1"


def has_formula(content: bytes) -> bool:
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        return any(
            b"<f>" in book.read(name) or b"<f " in book.read(name)
            for name in book.namelist()
            if name.startswith("xl/worksheets/")
        )


def first_sheet(content: bytes) -> list[list]:
    return CalamineWorkbook.from_filelike(io.BytesIO(content)).get_sheet_by_index(0).to_python()


def test_a_care_list_export_writes_a_formula_like_name_as_text(cadre_a, client, village_a):
    catalogue_load()
    household = HouseholdFactory(village=village_a)
    PersonFactory(
        household=household,
        name=FORMULA,
        disability_category="visual",
        disability_grade=2,
        id_number=None,
    )
    client.force_login(cadre_a)
    export = client.get("/welfare/care/disabled_persons/?format=xlsx").content
    assert not has_formula(export)
    assert first_sheet(export)[1][2] == "'" + FORMULA


def test_a_gap_export_writes_a_formula_like_household_number_as_text(
    planted,  # noqa: F811
    cadre_a,
    client,
    village_a,
):
    _, h = planted
    Household.objects.filter(pk=h["eligible_missing_1"].pk).update(number=FORMULA)
    client.force_login(cadre_a)
    export = client.get(
        f"/welfare/gaps/export/?policy=dibao&area={village_a.code}&year=2025"
    ).content
    assert not has_formula(export)
    assert "'" + FORMULA in [row[2] for row in first_sheet(export)]


def test_the_evaluation_workbook_writes_a_formula_like_name_as_text(county, village_a, tmp_path):
    catalogue_load()
    household = HouseholdFactory(village=village_a)
    PersonFactory(
        household=household,
        name=FORMULA,
        disability_category="visual",
        disability_grade=2,
        id_number=None,
    )
    target = tmp_path / "out.xlsx"
    call_command(
        "evaluate_policies",
        "--area",
        county.code,
        "--policy",
        "disabled_persons",
        "--format",
        "xlsx",
        "--output",
        str(target),
        stdout=StringIO(),
        stderr=StringIO(),
    )
    content = target.read_bytes()
    assert not has_formula(content)
    assert first_sheet(content)[1][5] == "'" + FORMULA


def upload(content: bytes):
    buffer = io.BytesIO(content)
    buffer.name = "list.xlsx"
    return buffer


def test_an_oversized_list_is_refused_with_a_message_before_it_is_read(
    planted,  # noqa: F811
    cadre_a,
    client,
    village_a,
):
    _, h = planted
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["村代码", "户编号", "开始日期"])
    sheet.write_row(1, 0, [village_a.code, h["eligible_missing_1"].number, "2025-03-01"])
    sheet.write(60_000, 0, "x")  # a declared height past the 50,000 rows allowed
    book.close()
    before = Enrolment.objects.count()
    client.force_login(cadre_a)
    response = client.post(
        "/welfare/enrolments/import/",
        {"policy": Policy.objects.get(code="dibao").pk, "file": upload(buffer.getvalue())},
    )
    assert response.status_code == 200
    assert "too large" in response.content.decode()
    assert Enrolment.objects.count() == before


def test_a_file_that_is_no_spreadsheet_is_refused_with_a_message(
    planted,  # noqa: F811
    cadre_a,
    client,
):
    client.force_login(cadre_a)
    response = client.post(
        "/welfare/enrolments/import/",
        {"policy": Policy.objects.get(code="dibao").pk, "file": upload(b"PK\x03\x04 not a zip")},
    )
    assert response.status_code == 200
    assert "not a spreadsheet" in response.content.decode()
