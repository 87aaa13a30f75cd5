"""A cadre uploads a ledger with errors, reads them, downloads the report, fixes, loads it; a new
cadre on a phone reads the headers, takes the template, previews a ledger, loads its valid
households and follows the result to them."""

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
    expect(page.locator("#job-status")).to_have_text("已完成")
    expect(page.locator("#summary")).to_contain_text("6")
    assert Household.objects.count() == 2
    assert ImportJob.objects.filter(status=ImportJob.Status.DONE).count() == 1

    page.reload()
    expect(page.locator("#summary")).to_be_visible()


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 375


WORDS = {
    "zh-hans": {"households_of": "大河村", "template": "行政村"},
    "en": {"households_of": "Dahe", "template": "village"},
}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_new_cadre_previews_loads_and_follows_the_result(
    live_server, phone_page, cadre_a, village_a, tmp_path, keep_screenshot, language
):
    cadre_a.language = language
    cadre_a.save(update_fields=["language"])
    rows = family("001") + family("002")
    full = rows[0][HEADERS.index("身份证号码")]
    rows[4][HEADERS.index("出生日期")] = "1982-13-04"  # household 002 is left out
    ledger = write_xlsx(tmp_path / "台账.xlsx", rows, title="大河村农户台账")
    page = phone_page
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "cadre_a")
    page.fill("#id_password", "pw-for-tests-1")
    page.click("button.primary")
    page.goto(f"{live_server.url}/registry/imports/")
    expect(page.locator("html")).to_have_attribute(
        "lang", "zh-CN" if language == "zh-hans" else "en"
    )
    assert fits_the_phone(page)

    page.locator("#accepted-headers summary").click()
    expect(page.locator("#accepted-headers")).to_contain_text("户编号")
    expect(page.locator("#accepted-headers")).to_contain_text("household number")
    assert fits_the_phone(page)
    with page.expect_download() as download_info:
        page.locator("#template-download").click()
    template = tmp_path / "template.xlsx"
    download_info.value.save_as(template)
    sheet = python_calamine.CalamineWorkbook.from_path(str(template)).get_sheet_by_index(0)
    assert sheet.to_python()[1][0] == WORDS[language]["template"]

    page.set_input_files("#id_file", str(ledger))
    page.click("button.primary")
    counts = page.locator("#preview-counts")
    expect(counts.locator("#count-new td")).to_have_text(["1", "3"])
    expect(counts.locator("#count-rejected td")).to_have_text(["1", "3"])
    expect(page.locator(".sample-household")).to_have_count(2)
    expect(page.locator("#sample")).to_contain_text(full[:6] + "********" + full[-4:])
    assert full not in page.content()
    assert fits_the_phone(page)
    keep_screenshot(page, f"import-preview-{language.split('-')[0]}-phone", full_page=True)
    assert not Household.objects.exists()

    page.check("#id_partial")
    page.locator("form[action$='/load/'] button.primary").click()
    expect(page.locator("#rows-read")).to_have_text("6")
    expect(page.locator("#rows-rejected")).to_have_text("3")
    expect(page.locator("#summary-created td")).to_have_text(["1", "3"])
    expect(page.locator("#summary-rejected td")).to_have_text(["1", "3"])
    assert fits_the_phone(page)

    page.locator("#result-links a", has_text=WORDS[language]["households_of"]).click()
    page.wait_for_url(f"**/registry/households/?village={village_a.code}")
    expect(page.locator("main")).to_contain_text("001")
    assert fits_the_phone(page)
    assert list(Household.objects.values_list("number", flat=True)) == ["001"]
    assert errors == []
