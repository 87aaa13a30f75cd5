"""Reports as .docx (issue 18): their figures equal the pages', they open in LibreOffice, they
hold no full personal number, and only those who may have them written get them."""

import datetime
import io
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from villagedesk.accounts.models import Assignment, Role, User
from villagedesk.areas.models import Area, Level
from villagedesk.audit.services import ID_NUMBER
from villagedesk.fieldwork import selectors as fieldwork
from villagedesk.fieldwork.models import DiaryDay, Problem, Visit
from villagedesk.registry.models import Person
from villagedesk.reports import charts, contents, glance, services
from villagedesk.reports.documents import report_docx
from villagedesk.reports.models import ReportJob, ReportKind

SOFFICE = shutil.which("soffice")
WRITER = Path("/usr/lib/libreoffice/program/libswlo.so").exists()
ON_CI = os.environ.get("CI") == "true"


@pytest.fixture
def immediate(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def demo(db, media):
    call_command("seed_demo", "--villages", "2", "--households", "60", "--seed", "3", verbosity=0)
    return tuple(Area.objects.filter(level=Level.VILLAGE).order_by("code"))


def last_month() -> datetime.date:
    return (timezone.localdate().replace(day=1) - datetime.timedelta(days=1)).replace(day=1)


def job_of(user, kind, area, since, until=None, member=None, language="en") -> ReportJob:
    until = until or fieldwork.month_bounds(since)[1]
    return ReportJob.objects.create(
        user=user,
        kind=kind,
        area=area,
        member=member,
        since=since,
        until=until,
        language=language,
    )


def written(job: ReportJob) -> contents.Report:
    with translation.override(job.language):
        return contents.report_contents(job, lambda done, total: None)


def docx_text(content: bytes) -> str:
    """The text of a document's body, headers, footers and properties, tags left out."""
    with zipfile.ZipFile(io.BytesIO(content)) as parts:
        xml = "".join(
            parts.read(name).decode("utf-8")
            for name in parts.namelist()
            if name.startswith(("word/document", "word/header", "word/footer", "docProps/"))
            and name.endswith(".xml")
        )
    return re.sub(r"<[^>]+>", " ", xml)


def test_member_record_figures_equal_the_diary_attendance_and_visit_pages(demo, client):
    """The monthly work record is filled from the member's diary, visits and problems."""
    village, _other = demo
    county, cadre = User.objects.get(username="county"), User.objects.get(username="cadre1")
    month = last_month()
    first, last = fieldwork.month_bounds(month)
    report = written(job_of(county, ReportKind.MEMBER_MONTH, village, month, member=cadre))

    client.force_login(county)
    page = client.get(
        reverse("fieldwork:member-diary", args=[cadre.pk]), {"month": f"{month:%Y-%m}"}
    )
    assert report.figures["diary_days"] == len(page.context["days"]) > 0
    row = next(
        r
        for r in fieldwork.attendance_month(user=county, month=month)
        if r.member_id == cadre.pk and r.village_code == village.code
    )
    assert report.figures["in_village"] == row.in_village
    visits = Visit.objects.filter(visitor=cadre, area_code=village.code)
    visits = visits.filter(visited_on__range=(first, last))
    assert report.figures["visits"] == visits.count() > 0
    listed = client.get(
        reverse("fieldwork:visit-list"),
        {"village": village.code, "since": first, "until": last},
    )
    assert listed.status_code == 200
    assert report.figures["problems_registered"] == (
        Problem.objects.filter(created_by=cadre, area_code=village.code)
        .filter(created_at__date__range=(first, last))
        .count()
    )


def test_village_report_figures_equal_the_glance_and_coverage_pages(demo):
    village, _other = demo
    county = User.objects.get(username="county")
    month = last_month()
    first, last = fieldwork.month_bounds(month)
    report = written(job_of(county, ReportKind.VILLAGE_MONTH, village, month))
    seen = glance.village_glance(user=county, code=village.code, day=last)
    covered = fieldwork.coverage(
        user=county, village_code=village.code, period=fieldwork.Period(first, last)
    )
    assert report.figures["households"] == seen.figures.households > 0
    assert report.figures["persons"] == seen.figures.persons
    assert report.figures["visited"] == covered.visited > 0
    assert report.figures["problems_open"] == seen.problems_open
    assert report.figures["monitored"] == seen.monitored
    assert report.figures["eligible_not_enrolled"] == seen.eligible_not_enrolled


def test_township_summary_holds_each_village_with_its_coverage(demo):
    village, other = demo
    county = User.objects.get(username="county")
    month = last_month()
    report = written(job_of(county, ReportKind.TOWNSHIP_MONTH, village.parent, month))
    period = fieldwork.Period(*fieldwork.month_bounds(month))
    covered = fieldwork.coverage(user=county, village_code=village.code, period=period)
    assert report.figures == {
        village.code: {"households": covered.households, "visited": covered.visited}
    }
    assert other.code not in report.figures  # another township's village


@pytest.mark.skipif(
    (SOFFICE is None or not WRITER) and not ON_CI,
    reason="LibreOffice Writer (soffice) is not installed; `make browser` installs it",
)
@pytest.mark.timeout(240)
def test_a_report_opens_in_libreoffice_with_its_figures(
    demo, client, immediate, tmp_path, django_capture_on_commit_callbacks
):
    """Asked for on the page, written by the worker, downloaded, opened by LibreOffice."""
    from pypdf import PdfReader

    village, _other = demo
    cadre = User.objects.get(username="cadre1")
    month = last_month()
    client.force_login(cadre)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:document-start"),
            {"kind": ReportKind.VILLAGE_MONTH, "month": f"{month:%Y-%m}", "village": village.code},
        )
    job = ReportJob.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("reports:document-progress", args=[job.pk])
    assert job.status == ReportJob.Status.DONE, job.message
    download = client.get(reverse("reports:document-download", args=[job.pk]))
    assert download.status_code == 200
    english = tmp_path / "village.docx"
    english.write_bytes(b"".join(download.streaming_content))
    # The same report in Chinese, written for a user who reads Chinese.
    chinese_job = job_of(cadre, ReportKind.VILLAGE_MONTH, village, month, language="zh-hans")
    chinese_job = services.report_write(job_id=chinese_job.pk)
    chinese = tmp_path / "village-zh.docx"
    chinese.write_bytes(chinese_job.file.read())

    subprocess.run(  # noqa: S603
        [
            SOFFICE or "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(english),
            str(chinese),
        ],
        check=True,
        capture_output=True,
        timeout=200,
    )
    households = written(job).figures["households"]
    for name, words in (("village", ["Households"]), ("village-zh", ["农户", village.name])):
        pdf = PdfReader(tmp_path / f"{name}.pdf")
        assert 2 <= len(pdf.pages) <= 6
        text = "\n".join(page.extract_text() for page in pdf.pages)
        for word in words:
            assert word in text
        # The households figure stands on its own line of the key figures, beside its label.
        assert re.search(rf"^{words[0]} {households}$", text, re.MULTILINE), text[:400]


def test_no_full_identity_number_reaches_a_report(demo):
    """Personal numbers never appear in a report, even typed into a diary or a problem."""
    village, _other = demo
    cadre = User.objects.get(username="cadre1")
    county = User.objects.get(username="county")
    month = last_month()
    number = next(p.id_number for p in Person.objects.filter(area_code=village.code) if p.id_number)
    day = DiaryDay.objects.filter(member=cadre, day__gte=month).order_by("day").first()
    DiaryDay.objects.filter(pk=day.pk).update(work_done=f"帮 {number} 办理低保")
    problem = Problem.objects.filter(area_code=village.code).first()
    Problem.objects.filter(pk=problem.pk).update(
        title=f"身份证 {number} 待核", created_at=timezone.now()
    )
    for job in (
        job_of(county, ReportKind.MEMBER_MONTH, village, month, member=cadre),
        job_of(county, ReportKind.VILLAGE_MONTH, village, month),
        job_of(county, ReportKind.TOWNSHIP_MONTH, village.parent, month),
    ):
        done = services.report_write(job_id=job.pk)
        assert done.status == ReportJob.Status.DONE
        text = docx_text(done.file.read())
        assert number not in text
        assert not ID_NUMBER.search(text)


def test_a_chart_without_a_cjk_font_is_left_out_and_the_report_is_still_written(monkeypatch, db):
    monkeypatch.setattr(charts, "cjk_font", lambda: None)
    assert charts.bars(labels=["新提出"], values=[3]) is None
    assert charts.bars(labels=["New"], values=[3]) is not None
    report = contents.Report(
        title="标题",
        subtitle="副标题",
        blocks=[contents.Chart(None, "图"), contents.Table(["农户"], [[26]])],
    )
    assert docx_text(report_docx(report, author="张三")).count("26") >= 1


def test_cadre_gets_404_for_another_users_report(demo, client):
    village, other = demo
    cadre1, cadre2 = User.objects.get(username="cadre1"), User.objects.get(username="cadre2")
    theirs = job_of(cadre2, ReportKind.VILLAGE_MONTH, other, last_month())
    client.force_login(cadre1)
    for name in ("reports:document-progress", "reports:document-download"):
        assert client.get(reverse(name, args=[theirs.pk])).status_code == 404


def test_cadre_cannot_ask_for_another_villages_or_another_members_report(
    client, cadre_a, cadre_b, village_a, village_b
):
    client.force_login(cadre_a)
    month = f"{last_month():%Y-%m}"
    response = client.post(
        reverse("reports:document-start"),
        {"kind": ReportKind.VILLAGE_MONTH, "month": month, "village": village_b.code},
    )
    assert response.status_code == 200 and response.context["form"].errors["village"]
    response = client.post(
        reverse("reports:document-start"),
        {
            "kind": ReportKind.MEMBER_MONTH,
            "month": month,
            "member": f"{cadre_b.pk}-{village_b.code}",
        },
    )
    assert response.context["form"].errors["member"]
    assert not ReportJob.objects.exists()
    with pytest.raises(services.PermissionDenied):
        services.report_request(
            by=cadre_a,
            kind=ReportKind.VILLAGE_MONTH,
            area=village_b,
            since=last_month(),
            until=fieldwork.month_bounds(last_month())[1],
        )


def test_a_cadres_teammate_cannot_have_the_cadres_record_written(cadre_a, village_a):
    teammate = User.objects.create_user(username="teammate", password="pw-for-tests-1")
    Assignment.objects.create(
        user=teammate, area=village_a, role=Role.CADRE, starts_on=datetime.date(2020, 1, 1)
    )
    assert not services.may_write_report(
        user=teammate, kind=ReportKind.MEMBER_MONTH, area=village_a, member=cadre_a
    )
    assert services.may_write_report(
        user=cadre_a, kind=ReportKind.MEMBER_MONTH, area=village_a, member=cadre_a
    )


def test_village_committee_may_not_have_reports_written(client, committee_a):
    client.force_login(committee_a)
    assert client.get(reverse("reports:document-start")).status_code == 404


def test_township_supervisor_has_the_township_summary_written(client, township, village_a):
    boss = User.objects.create_user(username="township_boss", password="pw-for-tests-1")
    Assignment.objects.create(
        user=boss, area=township, role=Role.TOWNSHIP_SUPERVISOR, starts_on=datetime.date(2020, 1, 1)
    )
    client.force_login(boss)
    response = client.post(
        reverse("reports:document-start"),
        {
            "kind": ReportKind.TOWNSHIP_MONTH,
            "month": f"{last_month():%Y-%m}",
            "township": township.code,
        },
    )
    assert response.status_code == 302
    assert ReportJob.objects.get().area == township


def test_a_form_sent_twice_asks_for_one_report(client, cadre_a, village_a):
    client.force_login(cadre_a)
    data = {
        "kind": ReportKind.VILLAGE_MONTH,
        "month": f"{last_month():%Y-%m}",
        "village": village_a.code,
        "form_token": client.get(reverse("reports:document-start"))
        .context["form"]
        .guard["form_token"],
    }
    first = client.post(reverse("reports:document-start"), data)
    second = client.post(reverse("reports:document-start"), data)
    job = ReportJob.objects.get()
    assert first.url == reverse("reports:document-progress", args=[job.pk])
    assert second.status_code == 302 and second.url == first.url


def test_the_same_report_asked_again_while_written_is_the_same_job(cadre_a, village_a):
    month = last_month()
    arguments = {
        "by": cadre_a,
        "kind": ReportKind.VILLAGE_MONTH,
        "area": village_a,
        "since": month,
        "until": fieldwork.month_bounds(month)[1],
    }
    assert services.report_request(**arguments) == services.report_request(**arguments)
    assert ReportJob.objects.count() == 1


def test_the_form_keeps_what_was_typed_when_a_field_is_missing(client, cadre_a, village_a):
    client.force_login(cadre_a)
    response = client.post(
        reverse("reports:document-start"),
        {"kind": ReportKind.VILLAGE_MONTH, "village": village_a.code, "month": ""},
    )
    form = response.context["form"]
    assert form.errors["month"]
    html = response.content.decode()
    assert f'<option value="{village_a.code}" selected>' in html
    assert '<option value="village_month" selected>' in html
    bad = client.post(
        reverse("reports:document-start"),
        {"kind": ReportKind.VILLAGE_MONTH, "village": village_a.code, "month": "2026-13"},
    )
    assert bad.context["form"].errors["month"]
    assert 'value="2026-13"' in bad.content.decode()
