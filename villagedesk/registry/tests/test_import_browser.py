"""A cadre uploads a ledger with errors, reads them, downloads the report, fixes, loads it."""

import pytest
import python_calamine
from playwright.sync_api import expect

from villagedesk.registry.models import Household, ImportJob
from villagedesk.registry.tests.importing import HEADERS, family, write_xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def immediate_tasks(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"


def test_upload_fix_and_load(live_server, phone_page, cadre_a, village_a, tmp_path):
    rows = family("001") + family("002")
    good_date = rows[3][HEADERS.index("出生日期")]
    rows[3][HEADERS.index("出生日期")] = "1980-13-01"
    bad = write_xlsx(tmp_path / "台账.xlsx", rows, title="大河村农户台账")
    page = phone_page

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "cadre_a")
    page.fill("#id_password", "pw-for-tests-1")
    page.click("button.primary")

    page.goto(f"{live_server.url}/registry/imports/")
    page.set_input_files("#id_file", str(bad))
    page.click("button.primary")
    expect(page.locator("#error-count")).to_have_text("1")
    expect(page.locator("#issues")).to_contain_text("“1980-13-01”不是日期")
    page.screenshot(path=str(tmp_path / "preview.png"), full_page=True)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载检查报告（.xlsx）").first.click()
    report = tmp_path / "report.xlsx"
    download_info.value.save_as(report)
    sheet = (
        python_calamine.CalamineWorkbook.from_path(str(report)).get_sheet_by_index(0).to_python()
    )
    assert sheet[0][-2:] == ["状态", "问题"]
    assert sheet[4][-2] == "错误" and "不是日期" in sheet[4][-1]

    page.get_by_role("button", name="导入登记册").click()
    expect(page.locator(".messages")).to_contain_text("文件有错误")
    assert not Household.objects.exists()

    rows[3][HEADERS.index("出生日期")] = good_date
    fixed = write_xlsx(tmp_path / "台账-改.xlsx", rows, title="大河村农户台账")
    page.goto(f"{live_server.url}/registry/imports/")
    page.set_input_files("#id_file", str(fixed))
    page.click("button.primary")
    expect(page.locator("#error-count")).to_have_text("0")
    page.get_by_role("button", name="导入登记册").click()
    expect(page.locator("#import-progress")).to_have_attribute("value", "100")
    expect(page.locator("#job-status")).to_have_text("已完成")
    expect(page.locator("#summary")).to_contain_text("6")
    assert Household.objects.count() == 2
    assert ImportJob.objects.filter(status=ImportJob.Status.DONE).count() == 1

    page.reload()
    expect(page.locator("#summary")).to_be_visible()
