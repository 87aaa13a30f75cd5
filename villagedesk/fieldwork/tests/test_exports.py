"""The month attendance workbook opens in LibreOffice and its totals match the diary."""

import csv
import datetime
import os
import shutil
import subprocess

import pytest
import python_calamine
from django.urls import reverse

from villagedesk.accounts.models import Assignment, Role, User
from villagedesk.fieldwork.codes import Presence
from villagedesk.fieldwork.exports import attendance_workbook
from villagedesk.fieldwork.models import DiaryDay
from villagedesk.fieldwork.selectors import AttendanceRow

pytestmark = pytest.mark.django_db

SOFFICE = shutil.which("soffice")
ON_CI = os.environ.get("CI") == "true"


@pytest.fixture
def supervisor(township):
    user = User.objects.create_user(username="township_boss", password="pw-for-tests-1")
    Assignment.objects.create(
        user=user, area=township, role=Role.TOWNSHIP_SUPERVISOR, starts_on=datetime.date(2020, 1, 1)
    )
    return user


@pytest.mark.skipif(
    SOFFICE is None and not ON_CI,
    reason="LibreOffice (soffice) is not installed; `make browser` installs it",
)
@pytest.mark.timeout(120)
def test_township_attendance_export_opens_in_libreoffice_with_matching_totals(
    client, cadre_a, cadre_b, village_a, village_b, supervisor, tmp_path
):
    march = datetime.date(2025, 3, 1)
    plan = {
        (cadre_a, village_a): [Presence.IN_VILLAGE] * 18 + [Presence.LEAVE] * 2,
        (cadre_b, village_b): [Presence.IN_VILLAGE] * 21 + [Presence.TRAINING] * 3,
    }
    for (member, village), presences in plan.items():
        for n, presence in enumerate(presences):
            DiaryDay.objects.create(
                member=member,
                village=village,
                day=march + datetime.timedelta(days=n),
                presence=presence,
                reason="" if presence == Presence.IN_VILLAGE else "事由",
            )
    # A day of another month never counts.
    DiaryDay.objects.create(member=cadre_a, village=village_a, day=datetime.date(2025, 4, 1))

    client.force_login(supervisor)
    response = client.get(reverse("fieldwork:attendance-export"), {"month": "2025-03"})
    assert response.status_code == 200
    workbook = tmp_path / "attendance.xlsx"
    workbook.write_bytes(response.content)
    subprocess.run(  # noqa: S603
        [
            SOFFICE or "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "csv:Text - txt - csv (StarCalc):44,34,76",
            "--outdir",
            str(tmp_path),
            str(workbook),
        ],
        check=True,
        capture_output=True,
        timeout=100,
    )
    with open(tmp_path / "attendance.csv", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    header, body = rows[0], [r for r in rows[1:] if len(r) > 3 and r[1].isdigit()]
    assert header[:3] == ["Village", "Village code", "Team member"]
    totals = {r[2]: [int(x) for x in r[3:8]] for r in body}
    expected = {}
    for member, _village in plan:
        counted = DiaryDay.objects.filter(member=member, day__month=3, day__year=2025)
        expected[member.username] = [counted.filter(presence=p).count() for p in Presence] + [20]
    assert totals == expected == {"cadre_a": [18, 2, 0, 0, 20], "cadre_b": [21, 0, 0, 3, 20]}
    # The day-by-day grid agrees with the totals.
    for r in body:
        assert r[8:].count("✓") == totals[r[2]][0]


def test_a_name_typed_as_a_formula_stays_text_and_counts_stay_numbers(tmp_path):
    row = AttendanceRow(
        member_id=1,
        member='=HYPERLINK("http://example.com","点我")',
        village="大河村",
        village_code="530128100001",
        in_village=18,
        leave=2,
        travel=0,
        training=0,
        required=20,
        days={1: Presence.IN_VILLAGE},
    )
    workbook = tmp_path / "attendance.xlsx"
    workbook.write_bytes(attendance_workbook(rows=[row], month=datetime.date(2025, 3, 1)))
    sheet = python_calamine.CalamineWorkbook.from_path(str(workbook)).get_sheet_by_index(0)
    cells = sheet.to_python()[1]
    assert not cells[2].startswith("=")
    assert cells[1] == "530128100001"
    assert cells[3:8] == [18, 2, 0, 0, 20]
    assert cells[8] == "✓"


def test_the_attendance_download_is_never_cached(client, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("fieldwork:attendance-export"), {"month": "2025-03"})
    assert "no-store" in response["Cache-Control"]
    assert 'filename="attendance-2025-03.xlsx"' in response["Content-Disposition"]
