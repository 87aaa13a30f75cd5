"""What an import says about a file quotes its personal numbers masked, as every page does: the
issues the engine returns and the job keeps, the preview, the command's output and the error
report; each message still names its row and column."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from python_calamine import CalamineWorkbook

from villagedesk.core.masking import mask_id_number, mask_phone
from villagedesk.registry.imports.engine import run_import
from villagedesk.registry.imports.messages import place
from villagedesk.registry.imports.report import issue_messages
from villagedesk.registry.models import ImportJob
from villagedesk.registry.tests.factories import make_id_number
from villagedesk.registry.tests.importing import HEADERS, family, write_xlsx

pytestmark = pytest.mark.django_db

HEAD = make_id_number(datetime.date(1980, 5, 17), "male")
SON = make_id_number(datetime.date(2012, 9, 1), "male")
# The son's number with a typo in its check character.
SON_TYPO = SON[:17] + ("0" if SON[17] != "0" else "1")
OTHER_HEAD = make_id_number(datetime.date(1970, 1, 2), "male")
NOTED = make_id_number(datetime.date(1990, 1, 2), "female")
BAD_PHONE = "1381234567"
NOTED_PHONE = "13987654321"
CERTIFICATE = HEAD + "4" * 40
HEADERS_MORE = [*HEADERS, "户主身份证号码", "残疾证号", "备注"]
COLUMN = {header: chr(ord("A") + i) for i, header in enumerate(HEADERS_MORE)}


def ledger(tmp_path):
    """One household: the spouse holds the head's number (on two rows), the son's number has a
    typo, the head's number typed beside the head is another's, the phone is short, a
    certificate is too long, and notes quote someone's number and someone's phone."""
    rows = [[*row, "", "", ""] for row in family()]
    rows[0][HEADERS.index("身份证号码")] = HEAD
    rows[1][HEADERS.index("身份证号码")] = HEAD
    rows[2][HEADERS.index("身份证号码")] = SON_TYPO
    rows[0][HEADERS.index("手机号码")] = BAD_PHONE
    rows[0][HEADERS_MORE.index("户主身份证号码")] = OTHER_HEAD
    rows[0][HEADERS_MORE.index("残疾证号")] = CERTIFICATE
    rows[2][HEADERS_MORE.index("备注")] = f"母亲身份证{NOTED}"
    rows[1][HEADERS_MORE.index("备注")] = f"儿子电话{NOTED_PHONE}，常年在外"
    return write_xlsx(tmp_path / "ledger.xlsx", rows, HEADERS_MORE)


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def report_cells(content: bytes) -> list[str]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return [
        str(value)
        for name in book.sheet_names
        for row in book.get_sheet_by_name(name).to_python()
        for value in row
        if value
    ]


def assert_masked(text: str) -> None:
    """No number of the ledger in full, nor any seventeen of its characters in a row."""
    for number in (HEAD, SON, SON_TYPO, OTHER_HEAD, NOTED):
        assert number[:17] not in text and number[1:] not in text, number
    assert BAD_PHONE not in text
    assert NOTED_PHONE not in text


def test_the_issues_quote_personal_numbers_masked_and_name_their_place(tmp_path, village_a):
    result = run_import(ledger(tmp_path), area=village_a)
    issues = issue_messages(result.issues)
    assert_masked(repr(issues))
    found = {(i["row"], i["field"], i["code"]): i for i in issues}
    twice = found[(2, "id_number", "id_twice")]
    assert twice["value"] == mask_id_number(HEAD)
    assert (twice["column"], twice["header"]) == (COLUMN["身份证号码"], "身份证号码")
    assert place(twice) == f"台账 row 2, {COLUMN['身份证号码']} 身份证号码"
    assert found[(3, "id_number", "id_twice")]["value"] == mask_id_number(HEAD)
    assert found[(4, "id_number", "id_checksum")]["value"] == mask_id_number(SON_TYPO)
    assert found[(2, "head_id_number", "head_id_mismatch")]["value"] == mask_id_number(OTHER_HEAD)
    assert found[(2, "phone", "phone")]["value"] == mask_phone(BAD_PHONE)
    too_long = found[(2, "disability_certificate", "too_long")]
    assert too_long["value"] == mask_id_number(CERTIFICATE[:40])


def test_the_command_and_its_report_show_the_numbers_masked(tmp_path, village_a):
    stdout = io.StringIO()
    report = tmp_path / "report.xlsx"
    with pytest.raises(SystemExit):
        call_command(
            "import_registry",
            str(ledger(tmp_path)),
            "--village",
            village_a.code,
            "--report",
            str(report),
            stdout=stdout,
            stderr=io.StringIO(),
        )
    output = stdout.getvalue()
    assert_masked(output)
    assert f"台账 row 4, {COLUMN['身份证号码']} 身份证号码 [error] The check character" in output
    cells = report_cells(report.read_bytes())
    assert_masked("\n".join(cells))
    assert mask_id_number(HEAD) in cells
    assert mask_id_number(SON_TYPO) in cells
    assert f"母亲身份证{mask_id_number(NOTED)}" in cells
    assert "001" in cells, "the household number is not a personal number"


def test_the_preview_and_the_job_show_the_numbers_masked(client, cadre_a, village_a, tmp_path):
    client.force_login(cadre_a)
    with ledger(tmp_path).open("rb") as handle:
        upload = SimpleUploadedFile("ledger.xlsx", handle.read())
    response = client.post(reverse("registry:import-start"), {"file": upload, "area": village_a.pk})
    job = ImportJob.objects.get()
    assert_masked(repr(job.issues))
    page = client.get(response.url).content.decode()
    assert_masked(page)
    assert f'<td data-label="Value">{mask_id_number(HEAD)}</td>' in page
    assert f">{COLUMN['身份证号码']} 身份证号码</td>" in page
    assert "台账 · 4</td>" in page
    report = client.get(reverse("registry:import-report", args=[job.pk]))
    cells = report_cells(b"".join(report.streaming_content))
    assert_masked("\n".join(cells))
    assert mask_id_number(OTHER_HEAD) in cells


def test_a_job_kept_with_a_full_number_is_shown_masked(client, cadre_a, village_a):
    """The issues of a job kept before the engine masked them."""
    job = ImportJob.objects.create(
        user=cadre_a,
        area=village_a,
        original_name="old.xlsx",
        status=ImportJob.Status.CHECKED,
        counts={"rows": 1, "errors": 1, "warnings": 0, "headers": ["身份证号码"], "unread": []},
        issues=[
            {
                "sheet": "台账",
                "row": 2,
                "field": "id_number",
                "value": SON_TYPO,
                "code": "id_checksum",
                "level": "error",
                "param": None,
                "column": "A",
                "header": "身份证号码",
            }
        ],
    )
    client.force_login(cadre_a)
    page = client.get(reverse("registry:import-detail", args=[job.pk])).content.decode()
    assert_masked(page)
    assert mask_id_number(SON_TYPO) in page
