"""Every export of personal data is an audited act: numbers in full only for those who may
export them and state a purpose, an event with the counts, a watermark in every file."""

import csv
import datetime
import io
import zipfile

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse

from villagedesk.audit.models import AuditEvent, Kind
from villagedesk.directory.tests.factories import ContactFactory
from villagedesk.registry.codes import Relation, Sex
from villagedesk.registry.exports import ledger_export_audited
from villagedesk.registry.identity import check_character
from villagedesk.registry.imports.engine import run_import
from villagedesk.registry.models import Household, Person
from villagedesk.registry.tests.factories import HouseholdFactory, PersonFactory
from villagedesk.welfare.services import catalogue_load
from villagedesk.welfare.tests.test_gap_report import planted  # noqa: F401 -- fixture

pytestmark = pytest.mark.django_db
# 2026-03-01 09:30 in China is 01:30 UTC.
EXPORTED_AT = datetime.datetime(2026, 3, 1, 1, 30, tzinfo=datetime.UTC)
CHINA_TIME = "2026-03-01 09:30"


@pytest.fixture
def family(village_a):
    household = HouseholdFactory(village=village_a, number="A-001", phone="13700001111")
    PersonFactory(household=household, name="张三", relation=Relation.HEAD, phone="13912345678")
    PersonFactory(
        household=household,
        name="李梅",
        sex=Sex.FEMALE,
        relation=Relation.SPOUSE,
        birth_date=datetime.date(1982, 3, 4),
    )
    return household


@pytest.fixture
def frozen():
    with time_machine.travel(EXPORTED_AT, tick=False):
        yield


def ledger(client, area, **params):
    query = {"ledger": "person_roster", "area": area.pk, "file_format": "csv", **params}
    return client.post(reverse("registry:ledger-export"), query)


def text_of(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


def exports():
    return list(AuditEvent.objects.filter(kind=Kind.EXPORT).order_by("id"))


def xlsx_watermark(content: bytes) -> tuple[str, str]:
    """The footer of the first sheet and the document's properties."""
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        return (
            book.read("xl/worksheets/sheet1.xml").decode(),
            book.read("docProps/core.xml").decode(),
        )


def assert_watermarked(content: bytes, username: str):
    sheet, properties = xlsx_watermark(content)
    mark = f"Exported by {username} on {CHINA_TIME} (China time)"
    assert f"<oddFooter>&amp;L{mark}</oddFooter>" in sheet
    assert mark in properties and f"<dc:creator>{username}</dc:creator>" in properties


def test_full_numbers_without_a_purpose_are_refused(client, county_supervisor, family, county):
    client.force_login(county_supervisor)
    response = ledger(client, county, full_numbers="on", purpose="  ")
    assert response.status_code == 200
    assert "State the purpose" in response.content.decode()
    assert exports() == []


def test_full_numbers_with_a_purpose_leave_an_event_with_the_count(
    client, county_supervisor, family, county
):
    client.force_login(county_supervisor)
    response = ledger(client, county, full_numbers="on", purpose="县级核查 annual check")
    head = family.members.get(relation=Relation.HEAD)
    assert head.id_number in text_of(response)
    [event] = exports()
    assert (event.user, event.area, event.object_type) == (
        county_supervisor,
        county.code,
        "registry.person_roster",
    )
    assert event.details == {
        "what": "registry.person_roster",
        "ledger": "person_roster",
        "format": "csv",
        "rows": 2,
        "persons": 2,
        "masked": False,
        "purpose": "县级核查 annual check",
    }
    assert event.client_address == "127.0.0.1"


def test_a_committee_member_gets_masked_numbers_only(client, committee_a, family, village_a):
    client.force_login(committee_a)
    refused = ledger(client, village_a, full_numbers="on", purpose="check")
    assert "You may not export personal numbers in full" in refused.content.decode()
    assert exports() == []
    text = text_of(ledger(client, village_a))
    head = family.members.get(relation=Relation.HEAD)
    assert head.id_number not in text and "13912345678" not in text
    assert exports()[0].details["masked"] is True


def test_a_masked_export_is_recorded_too(client, county_supervisor, family, county):
    client.force_login(county_supervisor)
    text = text_of(ledger(client, county))
    assert family.members.get(relation=Relation.HEAD).id_number not in text
    [event] = exports()
    assert event.details["masked"] is True and "purpose" not in event.details


def test_the_csv_ledger_starts_with_the_watermark(client, cadre_a, family, village_a, frozen):
    client.force_login(cadre_a)
    first = text_of(ledger(client, village_a)).splitlines()[0]
    assert first == f"# Exported by cadre_a on {CHINA_TIME} (China time)"


def test_the_xlsx_ledger_carries_the_watermark(client, cadre_a, family, village_a, frozen):
    client.force_login(cadre_a)
    content = b"".join(ledger(client, village_a, file_format="xlsx").streaming_content)
    assert_watermarked(content, "cadre_a")


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_a_watermarked_full_export_re_imports_without_changes(
    tmp_path, cadre_a, family, village_a, file_format
):
    path = tmp_path / f"roster.{file_format}"
    ledger_export_audited(
        by=cadre_a,
        name="person_roster",
        area=village_a,
        path=path,
        file_format=file_format,
        full_numbers=True,
        purpose="round trip",
    )
    result = run_import(path, area=village_a)
    assert result.errors.height == 0, result.issues
    assert result.counts["fields_updated"] == 0
    assert result.counts["persons_unchanged"] == 2


def test_the_command_needs_a_purpose_for_full_numbers(tmp_path, family, village_a, capsys):
    out = tmp_path / "p.csv"
    with pytest.raises(SystemExit) as refused:
        call_command(
            "export_ledger", "person_roster", area=village_a.code, format="csv", output=str(out)
        )
    assert refused.value.code == 2 and not out.exists()
    assert exports() == []
    call_command(
        "export_ledger",
        "person_roster",
        area=village_a.code,
        format="csv",
        output=str(out),
        purpose="handover to the county",
    )
    [event] = exports()
    assert event.username.startswith("manage.py")
    assert event.details["purpose"] == "handover to the county"
    assert event.details["persons"] == 2 and event.details["masked"] is False
    assert out.read_text(encoding="utf-8-sig").startswith("# Exported by manage.py")


def test_the_county_csv_of_4146_numbers_leaves_an_event(
    client, county_supervisor, county, village_a, village_b
):
    """The case of the issue: a county supervisor downloads 4,146 full identity numbers and
    1,794 phone numbers as CSV."""
    villages = [village_a, village_b]
    households = Household.objects.bulk_create(
        Household(village=villages[n % 2], number=f"H{n:05d}") for n in range(1382)
    )
    persons = []
    for n in range(4146):
        born = datetime.date(1950, 1, 1) + datetime.timedelta(days=n)
        first17 = f"530128{born:%Y%m%d}{(n % 2) + 10:03d}"
        persons.append(
            Person(
                household=households[n // 3],
                name="张三",
                relation=[Relation.HEAD, Relation.SPOUSE, Relation.SON][n % 3],
                sex=[Sex.MALE, Sex.FEMALE, Sex.MALE][n % 3],
                birth_date=born,
                id_number=first17 + check_character(first17),
                phone=f"139{n:08d}" if n < 1794 else "",
            )
        )
    Person.objects.bulk_create(persons)
    client.force_login(county_supervisor)
    text = text_of(ledger(client, county, full_numbers="on", purpose="county review"))
    rows = list(csv.reader(text.splitlines()[1:]))
    assert len(rows) == 4147 and persons[4145].id_number in text
    [event] = exports()
    assert (event.area, event.details["persons"], event.details["masked"]) == (
        county.code,
        4146,
        False,
    )


def test_contacts_xlsx_and_vcard_are_recorded_and_watermarked(client, cadre_a, village_a, frozen):
    ContactFactory(area=village_a, name="吴可见", phone="13812345678")
    client.force_login(cadre_a)
    content = client.get(reverse("directory:contact-export-xlsx")).content
    assert_watermarked(content, "cadre_a")
    assert "13812345678" not in content.decode("latin-1")
    query = {"full_numbers": "1", "purpose": "phone book"}
    assert (
        "13812345678"
        not in client.get(reverse("directory:contact-export-vcf"), query).content.decode()
    )
    text = client.post(reverse("directory:contact-export-vcf"), query).content.decode()
    assert "TEL;TYPE=CELL:13812345678" in text
    assert f"X-VILLAGEDESK-WATERMARK:Exported by cadre_a on {CHINA_TIME} (China time)" in text
    masked, asked_by_get, full = exports()
    assert asked_by_get.details["masked"] is True
    assert (masked.details["masked"], masked.details["rows"], masked.details["phones"]) == (
        True,
        1,
        1,
    )
    assert (full.details["masked"], full.details["purpose"]) == (False, "phone book")


def test_contacts_in_full_without_a_purpose_are_refused(client, cadre_a, village_a):
    ContactFactory(area=village_a, name="吴可见", phone="13812345678")
    client.force_login(cadre_a)
    response = client.post(reverse("directory:contact-export-vcf"), {"full_numbers": "1"})
    assert response.status_code == 302 and exports() == []


def test_a_committee_member_cannot_export_contacts_in_full(client, committee_a, village_a):
    ContactFactory(area=village_a, name="吴可见", phone="13812345678")
    client.force_login(committee_a)
    query = {"full_numbers": "1", "purpose": "phone book"}
    response = client.post(reverse("directory:contact-export-xlsx"), query)
    assert response.status_code == 302 and exports() == []


def test_the_gap_export_is_recorded_and_watermarked(
    planted,  # noqa: F811
    client,
    cadre_a,
    village_a,
    frozen,
):
    client.force_login(cadre_a)
    content = client.get(
        f"/welfare/gaps/export/?policy=dibao&area={village_a.code}&year=2025"
    ).content
    assert_watermarked(content, "cadre_a")
    [event] = exports()
    assert (event.object_type, event.area, event.details["policy"]) == (
        "welfare.gap_lines",
        village_a.code,
        "dibao",
    )
    assert event.details["rows"] > 0


def test_the_care_list_export_masks_phones_unless_asked_with_a_purpose(
    client, cadre_a, village_a, frozen
):
    catalogue_load()
    household = HouseholdFactory(village=village_a)
    PersonFactory(household=household, disability_category="visual", disability_grade=2)
    client.force_login(cadre_a)
    content = client.get("/welfare/care/disabled_persons/?format=xlsx").content
    assert_watermarked(content, "cadre_a")
    refused = client.post("/welfare/care/disabled_persons/?format=xlsx", {"full_numbers": "1"})
    assert refused.status_code == 302
    [event] = exports()
    assert (event.object_type, event.details["persons"], event.details["masked"]) == (
        "welfare.care_list",
        1,
        True,
    )


def test_the_attendance_export_is_recorded_and_watermarked(client, county_supervisor, frozen):
    client.force_login(county_supervisor)
    response = client.get(reverse("fieldwork:attendance-export"), {"month": "2026-02"})
    assert_watermarked(response.content, "supervisor")
    [event] = exports()
    assert (event.object_type, event.details["month"]) == ("fieldwork.attendance", "2026-02")


def test_the_export_service_refuses_full_numbers_to_a_committee_member(
    tmp_path, committee_a, family, village_a
):
    path = tmp_path / "p.csv"
    with pytest.raises(PermissionDenied):
        ledger_export_audited(
            by=committee_a,
            name="person_roster",
            area=village_a,
            path=path,
            file_format="csv",
            full_numbers=True,
            purpose="check",
        )
    assert not path.exists() and exports() == []
