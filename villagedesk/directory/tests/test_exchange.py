import io
import zipfile

import pytest
import xlsxwriter
from django.urls import reverse
from django.utils import translation
from python_calamine import CalamineWorkbook

from villagedesk.directory.exports import import_columns
from villagedesk.directory.models import Contact
from villagedesk.directory.tests.factories import ContactFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

HEADINGS = ["Name", "Organisation", "Title", "Phone", "WeChat id", "Office", "Tags", "Notes"]


def workbook(rows) -> io.BytesIO:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    for n, row in enumerate([HEADINGS, *rows]):
        sheet.write_row(n, 0, row)
    book.close()
    buffer.seek(0)
    buffer.name = "contacts.xlsx"
    return buffer


def upload(client, village, rows):
    return client.post(
        reverse("directory:contact-import"), {"area": village.pk, "file": workbook(rows)}
    )


def test_import_reports_every_bad_row_and_saves_nothing(client, cadre_a, village_a):
    client.force_login(cadre_a)
    response = upload(
        client,
        village_a,
        [
            ["刘一", "", "村支书", "13912345678"],
            ["刘二", "", "", "12345"],
            ["刘三", "不存在的局", "", ""],
            ["", "", "", "", "", "", "", "只有备注"],
        ],
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="import-errors"' in page
    assert "<td>3</td><td>刘二</td>" in page
    assert "<td>4</td><td>刘三</td>" in page and "不存在的局" in page
    assert "<td>5</td>" in page  # the row without a name
    assert "<td>2</td>" not in page
    assert not Contact.objects.exists()


def test_import_saves_all_rows_when_all_are_good(client, cadre_a, village_a, county):
    OrganisationFactory(area=county, name="屏山街道办事处")
    client.force_login(cadre_a)
    response = upload(
        client,
        village_a,
        [["刘一", "屏山街道办事处", "副主任", 13912345678], ["刘二", "", "", ""]],
    )
    assert response.status_code == 302
    assert Contact.objects.count() == 2
    first = Contact.objects.get(name="刘一")
    assert first.phone == "13912345678" and first.organisation.name == "屏山街道办事处"


def test_import_refuses_a_file_that_is_not_a_spreadsheet(client, cadre_a, village_a):
    client.force_login(cadre_a)
    bad = io.BytesIO(b"not a spreadsheet")
    bad.name = "contacts.xlsx"
    response = client.post(reverse("directory:contact-import"), {"area": village_a.pk, "file": bad})
    assert "not a spreadsheet that can be read" in response.content.decode()
    assert not Contact.objects.exists()


def test_cadre_cannot_import_into_another_village(client, cadre_a, village_b):
    client.force_login(cadre_a)
    assert upload(client, village_b, [["刘一"]]).status_code == 200
    assert not Contact.objects.exists()


def test_xlsx_export_holds_the_visible_contacts(client, cadre_a, village_a, village_b):
    ContactFactory(area=village_a, name="吴可见", wechat="wu_kj")
    ContactFactory(area=village_b, name="郑私密", private=True)
    client.force_login(cadre_a)
    response = client.get(reverse("directory:contact-export-xlsx"))
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0)
    rows = rows.to_python()
    assert rows[0][: len(HEADINGS)] == HEADINGS
    assert [r[0] for r in rows[1:]] == ["吴可见"]
    assert rows[1][4] == "wu_kj"


def test_vcard_export_is_readable_by_a_phone(client, cadre_a, village_a):
    ContactFactory(area=village_a, name="吴可见", title="村主任", phone="13812345678")
    client.force_login(cadre_a)
    query = {"full_numbers": "1", "purpose": "phone book of the team"}
    text = client.post(reverse("directory:contact-export-vcf"), query).content.decode()
    assert text.startswith("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:吴可见\r\n")
    assert "TEL;TYPE=CELL:13812345678" in text and "TITLE:村主任" in text
    assert text.endswith("END:VCARD\r\n")


def test_import_reads_chinese_headings_and_refuses_a_repeated_row(client, cadre_a, village_a):
    client.force_login(cadre_a)
    with translation.override("zh-hans"):
        chinese = import_columns()
    assert chinese[0] == "姓名"
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, chinese)
    sheet.write_row(1, 0, ["刘一", "", "", "13912345678"])
    sheet.write_row(2, 0, ["刘一", "", "", "139 1234 5678"])
    book.close()
    buffer.seek(0)
    buffer.name = "contacts.xlsx"
    response = client.post(
        reverse("directory:contact-import"), {"area": village_a.pk, "file": buffer}
    )
    assert "The same person and phone as row 2." in response.content.decode()
    assert not Contact.objects.exists()


def test_a_double_submitted_contact_is_saved_once(client, cadre_a, village_a):
    client.force_login(cadre_a)
    data = {"name": "孙立", "kind": "current", "phone": "13812345678", "area": village_a.pk}
    assert client.post(reverse("directory:contact-create"), data).status_code == 302
    response = client.post(reverse("directory:contact-create"), data)
    assert "already has a person of this name" in response.content.decode()
    assert Contact.objects.count() == 1


def test_a_contact_named_like_a_formula_exports_as_text(client, cadre_a, village_a):
    formula = '=HYPERLINK("http://x","y")'
    ContactFactory(area=village_a, name=formula, notes="@SUM(1)")
    client.force_login(cadre_a)
    response = client.get(reverse("directory:contact-export-xlsx"))
    assert "no-store" in response["Cache-Control"]
    with zipfile.ZipFile(io.BytesIO(response.content)) as book:
        sheet = book.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet  # no cell holds a formula
    rows = CalamineWorkbook.from_filelike(io.BytesIO(response.content)).get_sheet_by_index(0)
    row = rows.to_python()[1]
    assert row[0] == "'" + formula and row[7] == "'@SUM(1)"


def test_import_refuses_an_oversized_sheet_before_reading_it(client, cadre_a, village_a):
    # A few bytes on disk that declare a cell a million rows down.
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, HEADINGS)
    sheet.write_string(1_000_000, 0, "刘一")
    book.close()
    buffer.seek(0)
    buffer.name = "contacts.xlsx"
    client.force_login(cadre_a)
    response = client.post(
        reverse("directory:contact-import"), {"area": village_a.pk, "file": buffer}
    )
    assert response.status_code == 200
    assert "The sheet is too large" in response.content.decode()
    assert not Contact.objects.exists()


def test_import_refuses_more_rows_than_a_contact_list_has(client, cadre_a, village_a):
    client.force_login(cadre_a)
    rows = [[f"刘{n}", "", "", f"139{n:08d}"] for n in range(2001)]
    response = upload(client, village_a, rows)
    assert "The sheet is too large" in response.content.decode()
    assert not Contact.objects.exists()


@pytest.mark.parametrize("newline", ["\r", "\r\n", "\n", "\u2028", "\x0b"])
def test_no_text_of_a_contact_starts_a_vcard_line_of_its_own(client, cadre_a, village_a, newline):
    forged = newline.join(["ok", "END:VCARD", "BEGIN:VCARD", "FN:县长", "TEL:4001234567", ""])
    ContactFactory(area=village_a, name=f"吴{newline}TEL:4009999999", notes=forged)
    client.force_login(cadre_a)
    text = client.post(reverse("directory:contact-export-vcf")).content.decode()
    lines = text.split("\r\n")
    assert sum(line == "BEGIN:VCARD" for line in lines) == 1
    assert not [line for line in lines if line.startswith(("TEL", "FN:县长"))]
    assert not any(c in text.replace("\r\n", "") for c in "\r\n\u2028\x0b")
