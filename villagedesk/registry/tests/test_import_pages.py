"""The import pages: upload, preview, load in the background, progress, cancel, scoping."""

import re

import polars as pl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from villagedesk.core.codelists import fold
from villagedesk.registry.imports import jobs, validating, writing
from villagedesk.registry.imports.messages import internal_error
from villagedesk.registry.models import Household, ImportJob, ImportMapping, Person
from villagedesk.registry.tests.importing import HEADERS, family, write_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def immediate_tasks(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(client, path, area, **extra):
    with open(path, "rb") as handle:
        data = {"file": SimpleUploadedFile(path.name, handle.read()), "area": area.pk, **extra}
    return client.post(reverse("registry:import-start"), data)


def test_upload_preview_load_summary(client, cadre_a, village_a, tmp_path):
    client.force_login(cadre_a)
    response = upload(client, write_xlsx(tmp_path / "a.xlsx", family()), village_a)
    job = ImportJob.objects.get()
    assert response.url == reverse("registry:import-detail", args=[job.pk])
    page = client.get(response.url)
    assert page.status_code == 200
    assert not Household.objects.exists(), "checking writes nothing"
    response = client.post(reverse("registry:import-load", args=[job.pk]), {}, follow=True)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert job.counts["persons_created"] == 3
    assert (job.done, job.total) == (4, 4)  # a household and three members
    assert Household.objects.get().members.count() == 3
    assert b'id="summary"' in response.content
    assert b"every 1s" not in response.content


def test_errors_block_loading_and_the_report_downloads(client, cadre_a, village_a, tmp_path):
    rows = family()
    rows[0][HEADERS.index("出生日期")] = "1980-13-01"
    client.force_login(cadre_a)
    response = upload(client, write_xlsx(tmp_path / "bad.xlsx", rows), village_a)
    job = ImportJob.objects.get()
    page = client.get(response.url)
    assert "“1980-13-01” is not a date" in page.content.decode()
    response = client.post(reverse("registry:import-load", args=[job.pk]), {})
    assert response.url == reverse("registry:import-detail", args=[job.pk])
    assert not Household.objects.exists()
    report = client.get(reverse("registry:import-report", args=[job.pk]))
    assert report.status_code == 200
    assert report["Content-Disposition"].startswith('attachment; filename="bad-report.xlsx"')


def test_load_twice_queues_once(client, cadre_a, village_a, tmp_path):
    client.force_login(cadre_a)
    upload(client, write_xlsx(tmp_path / "a.xlsx", family()), village_a)
    job = ImportJob.objects.get()
    client.post(reverse("registry:import-load", args=[job.pk]), {})
    client.post(reverse("registry:import-load", args=[job.pk]), {})
    assert Household.objects.count() == 1
    assert Household.history.count() == 1


def test_the_mapping_can_be_corrected_and_saved(client, cadre_a, village_a, tmp_path):
    headers = [*HEADERS]
    headers[HEADERS.index("文化程度")] = "学历情况"
    client.force_login(cadre_a)
    upload(client, write_xlsx(tmp_path / "a.xlsx", family(), headers), village_a)
    job = ImportJob.objects.get()
    assert job.counts["errors"] > 0
    position = job.counts["headers"].index("学历情况")
    data = {f"col{i}": job.columns[fold(h)] for i, h in enumerate(job.counts["headers"])}
    data[f"col{position}"] = "education"
    data["save_as"] = "我的台账"
    client.post(reverse("registry:import-remap", args=[job.pk]), data)
    job.refresh_from_db()
    assert job.counts["errors"] == 0
    saved = ImportMapping.objects.get(owner=cadre_a)
    assert saved.columns["学历情况"] == "education"


def test_another_users_import_is_404(client, cadre_a, cadre_b, village_a, tmp_path):
    client.force_login(cadre_a)
    upload(client, write_xlsx(tmp_path / "a.xlsx", family()), village_a)
    job = ImportJob.objects.get()
    client.force_login(cadre_b)
    for name in ("import-detail", "import-progress", "import-report"):
        assert client.get(reverse(f"registry:{name}", args=[job.pk])).status_code == 404
    assert client.post(reverse("registry:import-load", args=[job.pk])).status_code == 404
    assert client.post(reverse("registry:import-cancel", args=[job.pk])).status_code == 404


def test_an_area_the_user_does_not_keep_is_refused(client, cadre_a, village_b, tmp_path):
    client.force_login(cadre_a)
    response = upload(client, write_xlsx(tmp_path / "a.xlsx", family()), village_b)
    assert response.status_code == 200
    assert "area" in response.context["form"].errors
    assert not ImportJob.objects.exists()


def test_a_supervisor_cannot_import(client, county_supervisor, village_a, tmp_path):
    client.force_login(county_supervisor)
    response = upload(client, write_xlsx(tmp_path / "a.xlsx", family()), village_a)
    assert "area" in response.context["form"].errors


def test_an_unreadable_upload_says_why(client, cadre_a, village_a, tmp_path):
    client.force_login(cadre_a)
    path = tmp_path / "a.xlsx"
    path.write_bytes(b"not a zip")
    response = upload(client, path, village_a)
    page = client.get(response.url)
    assert "The file is not a spreadsheet that can be read." in page.content.decode()


def test_unicode_text_saved_by_a_spreadsheet_is_uploaded(client, cadre_a, village_a, tmp_path):
    """A .txt as a spreadsheet saves "Unicode text": UTF-16 with its mark, tab separated."""
    lines = ["\t".join(HEADERS)] + ["\t".join(row) for row in family()]
    path = tmp_path / "台账.txt"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-16"))
    client.force_login(cadre_a)
    response = upload(client, path, village_a)
    job = ImportJob.objects.get()
    assert response.url == reverse("registry:import-detail", args=[job.pk])
    assert job.status == ImportJob.Status.CHECKED
    assert (job.counts["rows"], job.counts["errors"]) == (3, 0)


def test_an_upload_of_another_kind_is_refused(client, cadre_a, village_a, tmp_path):
    path = tmp_path / "a.doc"
    path.write_bytes(b"not a ledger")
    client.force_login(cadre_a)
    response = upload(client, path, village_a)
    assert response.status_code == 200
    assert "Give a .xlsx, .xls, .ods, .csv or .txt file." in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_cancelled_import_writes_nothing(client, cadre_a, village_a, tmp_path):
    client.force_login(cadre_a)
    upload(client, write_xlsx(tmp_path / "a.xlsx", family()), village_a)
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.QUEUED)
    job.refresh_from_db()
    jobs.import_cancel(by=cadre_a, job=job)
    jobs.import_execute(job)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CANCELLED
    assert not Household.objects.exists()
    page = client.get(reverse("registry:import-progress", args=[job.pk]))
    assert "Cancelled: nothing was written." in page.content.decode()


def test_progress_is_read_from_the_running_task(client, cadre_a, village_a, tmp_path):
    client.force_login(cadre_a)
    upload(client, write_xlsx(tmp_path / "a.xlsx", family()), village_a)
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    jobs.progress_path(job).write_text('{"done": 5, "total": 20}')
    page = client.get(reverse("registry:import-progress", args=[job.pk]), HTTP_HX_REQUEST="true")
    html = page.content.decode()
    assert 'value="25"' in html and "every 1s" in html and "Cancel the import" in html


def export(client, area, **params):
    query = {"ledger": "person_roster", "area": area.pk, "file_format": "csv", **params}
    return client.post(reverse("registry:ledger-export"), query)


def downloaded(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


def test_a_cadre_exports_the_village_with_full_numbers(client, cadre_a, household_a):
    client.force_login(cadre_a)
    response = export(client, household_a.village, full_numbers="on", purpose="annual check")
    assert response["Content-Disposition"].startswith("attachment")
    head = household_a.members.get(relation="head")
    assert head.id_number in downloaded(response)


def test_a_committee_member_gets_masked_numbers(client, committee_a, household_a):
    client.force_login(committee_a)
    text = downloaded(export(client, household_a.village))
    head = household_a.members.get(relation="head")
    assert head.id_number not in text
    assert head.id_number[:6] + "********" + head.id_number[-4:] in text


def test_another_village_cannot_be_exported(client, cadre_a, household_a, household_b):
    client.force_login(cadre_a)
    response = export(client, household_b.village)
    assert response.status_code == 200
    assert "area" in response.context["form"].errors


def test_an_export_is_asked_by_post_so_its_purpose_stays_out_of_urls(client, cadre_a, household_a):
    from villagedesk.audit.models import AuditEvent, Kind

    client.force_login(cadre_a)
    query = {
        "ledger": "person_roster",
        "area": household_a.village.pk,
        "file_format": "csv",
        "full_numbers": "on",
        "purpose": "annual check",
    }
    page = client.get(reverse("registry:ledger-export"), query)
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert 'method="post"' in page.content.decode()
    assert not AuditEvent.objects.filter(kind=Kind.EXPORT).exists()


def test_unread_columns_are_named_and_can_be_mapped_by_hand(client, cadre_a, village_a, tmp_path):
    headers = [*HEADERS, "病情"]
    rows = [[*row, ""] for row in family()]
    rows[1][-1] = "长期慢性病"
    client.force_login(cadre_a)
    response = upload(client, write_xlsx(tmp_path / "a.xlsx", rows, headers), village_a)
    job = ImportJob.objects.get()
    page = client.get(response.url).content.decode()
    assert "These columns were not read: 病情 (O)." in page
    assert 'id="columns" open' in page and "not read" in page
    data = {f"col{i}": job.columns[fold(h)] for i, h in enumerate(job.counts["headers"])}
    data[f"col{job.counts['headers'].index('病情')}"] = "health"
    client.post(reverse("registry:import-remap", args=[job.pk]), data)
    job.refresh_from_db()
    assert job.counts["unread"] == []
    assert "These columns were not read" not in client.get(response.url).content.decode()
    client.post(reverse("registry:import-load", args=[job.pk]), {})
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert Household.objects.get().members.get(name="李梅").chronic_illness


def test_a_column_without_a_header_is_named_by_its_letters_and_can_be_mapped(
    client, cadre_a, village_a, tmp_path
):
    headers = [*HEADERS, "", ""]  # O holds the health of a member, P nothing
    rows = [[*row, "", ""] for row in family()]
    rows[1][-2] = "长期慢性病"
    client.force_login(cadre_a)
    response = upload(client, write_xlsx(tmp_path / "a.xlsx", rows, headers), village_a)
    job = ImportJob.objects.get()
    assert job.counts["blank_columns"] == ["O"]
    assert job.columns["column O"] == ""
    page = client.get(response.url).content.decode()
    assert "These columns were not read: O." in page
    blank = f"col{len(job.counts['headers'])}"
    assert (
        f'<label for="id_{blank}">column O (no header)</label> <span class="badge warning">' in page
    )
    assert f'id_col{len(job.counts["headers"]) + 1}"' not in page, "P holds nothing"
    data = {f"col{i}": job.columns[fold(h)] for i, h in enumerate(job.counts["headers"])}
    data[blank] = "health"
    client.post(reverse("registry:import-remap", args=[job.pk]), data)
    job.refresh_from_db()
    assert job.counts["unread"] == []
    assert job.columns["column O"] == "health"
    page = client.get(response.url).content.decode()
    assert "These columns were not read" not in page
    assert '<option value="health" selected>' in page
    client.post(reverse("registry:import-load", args=[job.pk]), {})
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert Household.objects.get().members.get(name="李梅").chronic_illness


def test_the_preview_names_each_problem_s_row_and_column(client, cadre_a, village_a, tmp_path):
    rows = family()
    rows[2][HEADERS.index("出生日期")] = "2012-02-30"
    client.force_login(cadre_a)
    response = upload(client, write_xlsx(tmp_path / "a.xlsx", rows, title="大河村台账"), village_a)
    page = client.get(response.url).content.decode()
    assert "台账 · 5</td>" in page
    assert ">F 出生日期</td>" in page


def failing(*args, **kwargs):
    raise pl.exceptions.SchemaError("expected `String`, got `i64` for `area_code`")


def test_an_unexpected_error_while_checking_is_a_message(
    client, cadre_a, village_a, tmp_path, monkeypatch
):
    monkeypatch.setattr(validating, "family_checks", failing)
    client.force_login(cadre_a)
    response = upload(client, write_xlsx(tmp_path / "a.xlsx", family()), village_a)
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.REJECTED
    page = client.get(response.url).content.decode()
    assert internal_error() in page
    assert "i64" not in page and "Traceback" not in page
    assert not Household.objects.exists()


def test_an_unexpected_error_while_loading_writes_nothing_and_says_so(
    client, cadre_a, village_a, tmp_path, monkeypatch
):
    client.force_login(cadre_a)
    upload(client, write_xlsx(tmp_path / "a.xlsx", family() + family("002")), village_a)
    job = ImportJob.objects.get()
    real = writing.write_batch

    def half_then_failing(model, batch, *, by):
        real(model, batch, by=by)
        failing()

    monkeypatch.setattr(writing, "write_batch", half_then_failing)
    response = client.post(reverse("registry:import-load", args=[job.pk]), {}, follow=True)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert job.message == internal_error()
    page = response.content.decode()
    assert internal_error() in page and "i64" not in page
    assert not Household.objects.exists() and not Household.history.exists()


# What a new cadre sees: the headers, the template, the preview and the result.


def row_of(page: str, row_id: str) -> str:
    """The cells of a table row, without its heading."""
    row = page[page.index(f'<tr id="{row_id}">') :]
    row = row[: row.index("</tr>")]
    return row[row.index("</th>") + len("</th>") :]


def mixed_rows():
    """001 and 002 well written, 003 with a bad date on its second row."""
    rows = family("001") + family("002") + family("003")
    rows[7][HEADERS.index("出生日期")] = "1982-13-04"
    return rows


def test_the_start_page_shows_the_accepted_headers_and_offers_the_template(client, cadre_a):
    client.force_login(cadre_a)
    page = client.get(reverse("registry:import-start")).content.decode()
    assert '<details class="card" id="accepted-headers">' in page
    assert "户编号、户号" in page and "household number, household no" in page
    assert "户主姓名" in page and "head of household" in page
    assert f'href="{reverse("registry:import-template")}"' in page


def test_the_template_downloads_with_the_cadre_s_village_and_checks_cleanly(
    client, cadre_a, village_a, tmp_path
):
    import python_calamine

    client.force_login(cadre_a)
    response = client.get(reverse("registry:import-template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Cache-Control"].startswith("no-store")
    path = tmp_path / "template.xlsx"
    path.write_bytes(response.content)
    rows = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert rows[1][:3] == ["village", "village group", "household number"]
    assert rows[2][0] == "大河村"
    upload(client, path, village_a)
    job = ImportJob.objects.get()
    assert (job.counts["errors"], job.counts["warnings"]) == (0, 0)
    assert job.counts["preview"]["households"]["new"] == 1
    assert job.counts["preview"]["persons"]["new"] == 3


def test_the_template_is_not_offered_to_a_user_who_imports_nothing(client, county_supervisor):
    client.force_login(county_supervisor)
    assert client.get(reverse("registry:import-template")).status_code == 404


def test_the_preview_shows_the_counts_and_the_first_households_as_stored(
    client, cadre_a, village_a, tmp_path
):
    rows = mixed_rows()
    client.force_login(cadre_a)
    response = upload(client, write_xlsx(tmp_path / "a.xlsx", rows, title="大河村台账"), village_a)
    page = client.get(response.url).content.decode()
    assert not Household.objects.exists()
    assert row_of(page, "count-new") == "<td>2</td><td>6</td>"
    assert row_of(page, "count-updated") == "<td>0</td><td>0</td>"
    assert row_of(page, "count-rejected") == "<td>1</td><td>3</td>"
    sample = page[page.index('id="sample"') : page.index('id="issues"')]
    assert sample.count('class="card sample-household"') == 3
    full = rows[0][HEADERS.index("身份证号码")]
    assert full not in page
    assert full[:6] + "********" + full[-4:] in sample
    assert "Head of household" in sample and "Male" in sample and "Dahe" in sample
    assert "一组" in sample and "Household 003" in sample


def test_the_preview_speaks_chinese_to_a_chinese_reader(client, cadre_a, village_a, tmp_path):
    client.force_login(cadre_a)
    client.cookies["django_language"] = "zh-hans"
    response = upload(client, write_xlsx(tmp_path / "a.xlsx", mixed_rows()), village_a)
    page = client.get(response.url).content.decode()
    assert '<html lang="zh-CN">' in page
    sample = page[page.index('id="sample"') : page.index('id="issues"')]
    assert "户主" in sample and "男" in sample and "大河村" in sample
    assert "Head of household" not in sample and "Dahe" not in sample


def test_an_unreadable_file_has_no_preview(client, cadre_a, village_a, tmp_path):
    path = tmp_path / "a.xlsx"
    path.write_bytes(b"not a zip")
    client.force_login(cadre_a)
    page = client.get(upload(client, path, village_a).url).content.decode()
    assert "The file is not a spreadsheet that can be read." in page
    assert 'id="preview-counts"' not in page and 'id="sample"' not in page


def test_the_preview_follows_a_corrected_mapping(client, cadre_a, village_a, tmp_path):
    headers = [*HEADERS]
    headers[HEADERS.index("文化程度")] = "学历情况"
    client.force_login(cadre_a)
    upload(client, write_xlsx(tmp_path / "a.xlsx", family(), headers), village_a)
    job = ImportJob.objects.get()
    assert job.counts["preview"]["households"]["rejected"] == 1
    data = {f"col{i}": job.columns[fold(h)] for i, h in enumerate(job.counts["headers"])}
    data[f"col{job.counts['headers'].index('学历情况')}"] = "education"
    client.post(reverse("registry:import-remap", args=[job.pk]), data)
    job.refresh_from_db()
    assert job.counts["preview"]["households"] == {
        "new": 1,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
    }


def test_the_result_says_what_was_read_rejected_and_written(client, cadre_a, village_a, tmp_path):
    client.force_login(cadre_a)
    upload(client, write_xlsx(tmp_path / "a.xlsx", mixed_rows()), village_a)
    job = ImportJob.objects.get()
    response = client.post(
        reverse("registry:import-load", args=[job.pk]), {"partial": "on"}, follow=True
    )
    page = response.content.decode()
    assert '<strong id="rows-read">9</strong>' in page
    assert '<strong id="rows-rejected">3</strong>' in page
    assert row_of(page, "summary-created") == "<td>2</td><td>6</td>"
    assert row_of(page, "summary-rejected") == "<td>1</td><td>3</td>"
    # The page's own words, not the offline queue's (a script's data on every page).
    words = re.sub(r"<script\b.*?</script>", "", page, flags=re.S)
    assert "written" not in words and "写入" not in words
    link = f"{reverse('registry:household-list')}?village={village_a.code}"
    assert f'href="{link}"' in page
    listed = client.get(link).content.decode()
    assert "002" in listed and "003" not in listed


def test_a_double_submitted_load_loads_once_and_both_show_the_result(
    client, cadre_a, village_a, tmp_path
):
    client.force_login(cadre_a)
    upload(client, write_xlsx(tmp_path / "a.xlsx", family()), village_a)
    job = ImportJob.objects.get()
    progress = reverse("registry:import-progress", args=[job.pk])
    first = client.post(reverse("registry:import-load", args=[job.pk]), {})
    second = client.post(reverse("registry:import-load", args=[job.pk]), {})
    assert first.url == second.url == progress
    job.refresh_from_db()
    assert (job.counts["households_created"], job.counts["persons_created"]) == (1, 3)
    assert Person.objects.count() == 3 and Person.history.count() == 3


def test_an_import_into_a_village_the_user_does_not_keep_is_404(
    client, cadre_a, village_b, tmp_path
):
    job = ImportJob.objects.create(
        user=cadre_a, area=village_b, original_name="b.xlsx", counts={"rows": 3, "errors": 0}
    )
    client.force_login(cadre_a)
    for name in ("import-detail", "import-progress", "import-report"):
        assert client.get(reverse(f"registry:{name}", args=[job.pk])).status_code == 404
    for name in ("import-load", "import-remap", "import-cancel"):
        assert client.post(reverse(f"registry:{name}", args=[job.pk])).status_code == 404
    assert "b.xlsx" not in client.get(reverse("registry:import-start")).content.decode()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED
