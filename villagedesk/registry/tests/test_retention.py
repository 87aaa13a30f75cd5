"""Uploaded ledgers and error reports are removed after UPLOAD_RETENTION_DAYS; a file refused
before it could be checked is never kept."""

import datetime
import os

import pytest
import time_machine
from django.core.files import File
from django.core.management import call_command
from django.utils import timezone

from villagedesk.registry.imports import jobs
from villagedesk.registry.imports.retention import uploads_prune
from villagedesk.registry.models import ImportJob
from villagedesk.registry.tasks import prune_uploads
from villagedesk.registry.tests.importing import family, write_xlsx


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.UPLOAD_RETENTION_DAYS = 30
    return settings.MEDIA_ROOT


def checked(tmp_path, area, by, *, name="a.xlsx", rows=None) -> ImportJob:
    path = write_xlsx(tmp_path / name, rows if rows is not None else family())
    with path.open("rb") as handle:
        return jobs.import_check(by=by, area=area, upload=File(handle, name=name))


def files_under(root):
    return sorted(p.name for p in root.rglob("*") if p.is_file())


def test_a_ledger_and_its_report_are_removed_after_the_retention(
    tmp_path, media, village_a, cadre_a
):
    with time_machine.travel(timezone.now() - datetime.timedelta(days=31)):
        old = checked(tmp_path, village_a, cadre_a, name="old.xlsx")
    recent = checked(tmp_path, village_a, cadre_a, name="recent.xlsx")
    old_paths = [old.file.path, old.report.path]
    assert all(os.path.exists(p) for p in old_paths)
    result = uploads_prune()
    assert (result.jobs, result.files) == (1, 2)
    assert not any(os.path.exists(p) for p in old_paths)
    old.refresh_from_db()
    assert not old.file and not old.report
    assert "removed on" in old.message
    assert old.counts["rows"] == 3  # the figures stay
    recent.refresh_from_db()
    assert os.path.exists(recent.file.path) and os.path.exists(recent.report.path)
    assert uploads_prune().files == 0  # twice changes nothing


def test_a_job_still_queued_keeps_its_file(tmp_path, village_a, cadre_a):
    with time_machine.travel(timezone.now() - datetime.timedelta(days=40)):
        job = checked(tmp_path, village_a, cadre_a)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.QUEUED)
    uploads_prune()
    job.refresh_from_db()
    assert os.path.exists(job.file.path)


def test_the_retention_is_a_setting(tmp_path, village_a, cadre_a, settings):
    with time_machine.travel(timezone.now() - datetime.timedelta(days=8)):
        job = checked(tmp_path, village_a, cadre_a)
    assert uploads_prune().files == 0
    settings.UPLOAD_RETENTION_DAYS = 7
    assert uploads_prune().files == 2
    job.refresh_from_db()
    assert not job.file


def test_stray_files_go_by_their_age(media, db):
    stray = media / "imports" / "2020" / "01" / "left.xlsx"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"x")
    fresh = media / "imports" / "fresh.xlsx"
    fresh.write_bytes(b"x")
    long_ago = (timezone.now() - datetime.timedelta(days=60)).timestamp()
    os.utime(stray, (long_ago, long_ago))
    assert uploads_prune().files == 1
    assert not stray.exists() and fresh.exists()


def test_the_command_and_the_task_prune(tmp_path, village_a, cadre_a, capsys):
    with time_machine.travel(timezone.now() - datetime.timedelta(days=31)):
        first = checked(tmp_path, village_a, cadre_a, name="first.xlsx")
        second = checked(tmp_path, village_a, cadre_a, name="second.xlsx")
    call_command("uploads_prune", "--dry-run")
    assert "would remove 4 files of 2 imports and 0 exports" in capsys.readouterr().out
    assert os.path.exists(first.file.path)
    call_command("uploads_prune", "--days", "100")
    assert os.path.exists(first.file.path)
    ImportJob.objects.filter(pk=second.pk).update(created_at=timezone.now())
    assert prune_uploads.call() == 2
    assert not os.path.exists(first.file.path) and os.path.exists(second.file.path)


def test_a_file_refused_as_unreadable_is_not_kept(tmp_path, media, village_a, cadre_a):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(b"PK\x03\x04 this is no zip at all")
    with path.open("rb") as handle:
        job = jobs.import_check(by=cadre_a, area=village_a, upload=File(handle, name="bad.xlsx"))
    assert job.status == ImportJob.Status.REJECTED
    assert job.message
    assert not job.file
    assert files_under(media / "imports") == []
    # Checking it again with another mapping does nothing rather than fail.
    assert jobs.import_recheck(by=cadre_a, job=job, columns={}).status == "rejected"


def test_a_file_whose_mapping_names_no_members_is_kept_for_a_new_mapping(
    tmp_path, village_a, cadre_a
):
    job = checked(tmp_path, village_a, cadre_a)
    job = jobs.import_recheck(
        by=cadre_a, job=job, columns={"姓名": "", "与户主关系": "", "身份证号码": ""}
    )
    assert job.status == ImportJob.Status.REJECTED
    assert os.path.exists(job.file.path)


def test_a_recent_imports_file_stays_whatever_its_date_on_disk(tmp_path, village_a, cadre_a):
    job = checked(tmp_path, village_a, cadre_a)
    # A restore from backup gives files their old dates back.
    long_ago = (timezone.now() - datetime.timedelta(days=60)).timestamp()
    os.utime(job.file.path, (long_ago, long_ago))
    assert uploads_prune().files == 0
    assert os.path.exists(job.file.path)
