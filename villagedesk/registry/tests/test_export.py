"""Ledger exports, the round trip through the importer, and the two commands."""

import csv
from decimal import Decimal

import polars as pl
import pytest
import python_calamine
from django.core.management import call_command
from django.utils import translation

from villagedesk.areas.models import Level, VillageGroup
from villagedesk.registry.codes import Relation
from villagedesk.registry.exports import export_ledger
from villagedesk.registry.imports.engine import run_import
from villagedesk.registry.models import Household, Person
from villagedesk.registry.tests.factories import HouseholdFactory, PersonFactory
from villagedesk.registry.tests.importing import HEADERS, family, person_row, write_xlsx

pytestmark = pytest.mark.django_db


def read_rows(path):
    workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    return workbook.get_sheet_by_index(0).to_python()


def test_person_roster_has_a_title_labels_and_masked_numbers(tmp_path, registered):
    path = tmp_path / "roster.xlsx"
    rows = export_ledger(name="person_roster", area=registered, path=path, file_format="xlsx")
    assert rows == 6
    sheet = read_rows(path)
    assert sheet[0][0].startswith("Person roster · Dahe")
    header = sheet[1]
    assert header[:3] == ["village", "village group", "household number"]
    head = next(r for r in sheet[2:] if r[header.index("name")] == "张三" and r[2] == "002")
    assert head[header.index("sex")] == "Male"
    assert head[header.index("relation to head")] == "Head of household"
    assert "*" in head[header.index("identity number")]
    assert head[header.index("phone")] == "139****5678"


def test_chinese_export_speaks_chinese(tmp_path, registered):
    path = tmp_path / "roster.csv"
    with translation.override("zh-hans"):
        export_ledger(
            name="person_roster", area=registered, path=path, file_format="csv", reveal=True
        )
    text = path.read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("行政村,村民小组,户编号")
    assert ",户主," in text and ",男," in text


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_village_and_the_group_are_written_by_their_names(tmp_path, registered, language):
    path = tmp_path / "roster.xlsx"
    with translation.override(language):
        export_ledger(name="household_roster", area=registered, path=path, file_format="xlsx")
    rows = read_rows(path)[2:]
    # The names as the registry keeps them, in either language: the importer reads them back.
    assert [row[:3] for row in rows] == [["大河村", "一组", "002"], ["大河村", "一组", "A-001"]]
    cells = {cell for row in rows for cell in row}
    assert registered.code not in cells and "1" not in {row[1] for row in rows}


def test_villages_of_the_same_name_are_written_by_their_codes_and_re_import_unchanged(
    tmp_path, county, township, village_a, household_a, household_b
):
    from conftest import make_area

    other_township = make_area("530128200000", Level.TOWNSHIP, "翠华镇", county)
    namesake = make_area("530128200001", Level.VILLAGE, "大河村", other_township)
    group = VillageGroup.objects.create(village=namesake, number=1, name="一组")
    household = HouseholdFactory(village=namesake, group=group, number="C-001")
    PersonFactory(household=household, name="赵六", relation=Relation.HEAD)
    path = tmp_path / "county.xlsx"
    export_ledger(name="person_roster", area=county, path=path, file_format="xlsx", reveal=True)
    rows = read_rows(path)[2:]
    villages = {row[2]: row[0] for row in rows if row[2]}
    assert villages == {"A-001": village_a.code, "C-001": namesake.code, "B-001": "小河村"}
    result = run_import(path, area=county)
    assert result.errors.height == 0, result.issues
    assert result.counts["fields_updated"] == 0
    assert result.counts["households_unchanged"] == 3


def test_groups_of_one_name_are_written_by_their_numbers_and_re_import_unchanged(
    tmp_path, village_a, household_a
):
    first = household_a.group
    namesake = VillageGroup.objects.create(village=village_a, number=7, name=first.name)
    household = HouseholdFactory(village=village_a, group=namesake, number="A-007")
    PersonFactory(household=household, name="赵六", relation=Relation.HEAD)
    path = tmp_path / "village.xlsx"
    export_ledger(name="person_roster", area=village_a, path=path, file_format="xlsx", reveal=True)
    groups = {row[2]: row[1] for row in read_rows(path)[2:] if row[2]}
    assert groups == {household_a.number: str(first.number), "A-007": "7"}
    result = run_import(path, area=village_a)
    assert result.errors.height == 0, result.issues
    assert result.counts["households_unchanged"] == 2
    assert Household.objects.get(number="A-007").group == namesake


def test_a_group_name_two_groups_answer_to_is_an_error_at_its_cell(tmp_path, village_a):
    VillageGroup.objects.create(village=village_a, number=7, name="一组")
    path = write_xlsx(
        tmp_path / "a.xlsx", [person_row("001", "张三", "户主", "男", "1980-05-17", group="一组")]
    )
    result = run_import(path, area=village_a)
    assert result.errors.filter(pl.col("code") == "ambiguous_group")["row"].to_list() == [2]
    assert not Household.objects.exists()


def test_a_roster_of_names_taken_to_another_village_is_refused_at_its_cells(
    tmp_path, registered, village_b
):
    path = tmp_path / "roster.xlsx"
    export_ledger(name="person_roster", area=registered, path=path, file_format="xlsx", reveal=True)
    rows = read_rows(path)
    header = rows[1]
    rows[2][header.index("village group")] = "九组"  # on the head's row, the household's
    changed = rewrite(path, rows)
    before = (Household.objects.count(), Person.objects.count())
    result = run_import(changed, area=village_b)
    assert (Household.objects.count(), Person.objects.count()) == before
    # 大河村 is no village of 小河村's import: each household is told so at its village cell.
    found = result.errors.filter(pl.col("code") == "unknown_village")
    assert sorted(found.select("row", "column", "header").rows()) == [
        (3, "A", "village"),
        (6, "A", "village"),
    ]
    result = run_import(changed, area=registered)
    found = result.errors.filter(pl.col("code") == "unknown_group")
    assert found.select("row", "column", "header").rows() == [(3, "B", "village group")]


def test_ledgers_filter_by_kind_and_status(tmp_path, registered):
    path = tmp_path / "d.xlsx"
    assert (
        export_ledger(name="persons_by_disability", area=registered, path=path, file_format="xlsx")
        == 1
    )
    assert (
        export_ledger(name="persons_by_schooling", area=registered, path=path, file_format="xlsx")
        == 2
    )
    Household.objects.filter(number="002").update(status="monitored")
    assert (
        export_ledger(
            name="household_roster",
            area=registered,
            path=path,
            file_format="xlsx",
            status="monitored",
        )
        == 1
    )
    assert (
        export_ledger(name="households_by_status", area=registered, path=path, file_format="xlsx")
        == 2
    )
    assert read_rows(path)[2][2] == "A-001"  # not poor before monitored


def test_another_village_is_not_in_the_export(tmp_path, registered, household_b):
    path = tmp_path / "a.csv"
    export_ledger(name="household_roster", area=registered, path=path, file_format="csv")
    assert "B-001" not in path.read_text(encoding="utf-8-sig")


def rewrite(path, rows):
    """Save changed rows as a new workbook (title row kept)."""
    import xlsxwriter

    out = path.with_name("changed.xlsx")
    workbook = xlsxwriter.Workbook(str(out))
    sheet = workbook.add_worksheet()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write_string(r, c, str(value))
    workbook.close()
    return out


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_round_trip(tmp_path, registered, file_format):
    # Domain README §1: the household's conditions and flags and the account for payments too.
    Household.objects.filter(number="002").update(
        identification_standard="national",
        only_child=False,
        arable_land=Decimal("5.50"),
        housing_area=Decimal("96.25"),
        road_type="asphalt",
        main_fuel="coal",
        radio_tv=True,
    )
    Person.objects.filter(household__number="002", relation="head").update(
        bank="农村信用社", bank_account="6217001234567890", active_serviceman=False
    )
    path = tmp_path / f"roster.{file_format}"
    export_ledger(
        name="person_roster", area=registered, path=path, file_format=file_format, reveal=True
    )
    before = (Household.history.count(), Person.history.count())
    result = run_import(path, area=registered)
    assert result.errors.height == 0, result.issues
    assert result.counts["fields_updated"] == 0
    assert result.counts["persons_unchanged"] == 6
    assert result.counts["households_unchanged"] == 2
    assert (Household.history.count(), Person.history.count()) == before


def test_three_changed_cells_update_three_fields_with_history(tmp_path, registered):
    path = tmp_path / "roster.xlsx"
    export_ledger(name="person_roster", area=registered, path=path, file_format="xlsx", reveal=True)
    rows = read_rows(path)
    header = rows[1]
    spouse = next(r for r in rows if r[header.index("name")] == "李梅" and r[2] == "002")
    head = next(r for r in rows if r[header.index("name")] == "张三" and r[2] == "002")
    spouse[header.index("education")] = "Senior secondary"
    spouse[header.index("phone")] = "13700001111"
    head[header.index("address")] = "大河村8号"
    before = (Household.history.count(), Person.history.count())
    result = run_import(rewrite(path, rows), area=registered)
    assert result.errors.height == 0, result.issues
    assert result.counts["fields_updated"] == 3
    assert (result.counts["persons_updated"], result.counts["households_updated"]) == (1, 1)
    assert (Household.history.count(), Person.history.count()) == (before[0] + 1, before[1] + 1)
    record = Person.objects.get(name="李梅", household__number="002").history.first()
    changed = {c.field for c in record.diff_against(record.prev_record).changes}
    assert changed == {"education", "phone"}
    assert Household.objects.get(number="002").address == "大河村8号"


def test_a_masked_export_is_refused_on_import(tmp_path, registered):
    path = tmp_path / "masked.xlsx"
    export_ledger(name="person_roster", area=registered, path=path, file_format="xlsx")
    result = run_import(path, area=registered)
    assert "masked" in result.errors["code"].to_list()


def test_import_command_exit_statuses(tmp_path, village_a, capsys):
    good = write_xlsx(tmp_path / "good.xlsx", family())
    bad_rows = family("003")
    bad_rows[0][HEADERS.index("出生日期")] = "2100-01-01"
    bad = write_xlsx(tmp_path / "bad.xlsx", bad_rows)
    report = tmp_path / "report.xlsx"
    with pytest.raises(SystemExit) as exit_bad:
        call_command("import_registry", str(bad), village=village_a.code, report=str(report))
    assert exit_bad.value.code == 1
    assert not Household.objects.exists()
    sheet = read_rows(report)
    assert sheet[0][-2:] == ["Status", "Problems"]
    assert sheet[1][-2] == "error"
    assert "date of birth" in sheet[1][-1]
    call_command("import_registry", str(good), village=village_a.code, dry_run=True)
    assert not Household.objects.exists()
    call_command("import_registry", str(good), village=village_a.code)
    assert Person.objects.count() == 3
    assert "persons_created=3" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exit_usage:
        call_command("import_registry", str(tmp_path / "missing.xlsx"), village=village_a.code)
    assert exit_usage.value.code == 2
    with pytest.raises(SystemExit) as exit_area:
        call_command("import_registry", str(good), village="999999999999")
    assert exit_area.value.code == 2


def test_export_command(tmp_path, registered):
    out = tmp_path / "h.csv"
    call_command(
        "export_ledger",
        "household_roster",
        area=registered.code,
        format="csv",
        output=str(out),
        purpose="annual check",
    )
    assert "A-001" in out.read_text(encoding="utf-8-sig")


HOSTILE = '=HYPERLINK("http://evil.example","open")'


@pytest.mark.parametrize("file_format", ["xlsx", "csv"])
def test_a_cell_that_starts_a_formula_is_written_as_text(tmp_path, registered, file_format):
    Household.objects.filter(number="002").update(address=HOSTILE)
    path = tmp_path / f"h.{file_format}"
    export_ledger(name="household_roster", area=registered, path=path, file_format=file_format)
    if file_format == "csv":
        rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    else:
        rows = read_rows(path)[1:]
    addresses = [row[rows[0].index("address")] for row in rows[1:]]
    assert "'" + HOSTILE in addresses
    assert HOSTILE not in addresses


def test_the_error_report_writes_the_files_formulas_as_text(tmp_path, village_a):
    rows = family("003")
    rows[0][HEADERS.index("住址")] = HOSTILE
    rows[1][HEADERS.index("出生日期")] = "2100-01-01"
    report = tmp_path / "report.xlsx"
    with pytest.raises(SystemExit):
        call_command(
            "import_registry",
            str(write_xlsx(tmp_path / "bad.xlsx", rows)),
            village=village_a.code,
            report=str(report),
        )
    sheet = read_rows(report)
    assert sheet[1][HEADERS.index("住址")] == "'" + HOSTILE


def test_the_error_report_of_a_sheet_named_like_a_formula(tmp_path, village_a):
    rows = family("003")
    rows[1][HEADERS.index("出生日期")] = "2100-01-01"
    report = tmp_path / "report.xlsx"
    with pytest.raises(SystemExit):
        call_command(
            "import_registry",
            str(write_xlsx(tmp_path / "bad.xlsx", rows, sheet="-2024")),
            village=village_a.code,
            report=str(report),
        )
    workbook = python_calamine.CalamineWorkbook.from_path(str(report))
    assert workbook.sheet_names == ["-2024"]  # a sheet's name is never read as a formula


def test_a_village_with_no_households_exports_its_header_alone(tmp_path, village_b):
    path = tmp_path / "empty.csv"
    assert export_ledger(name="person_roster", area=village_b, path=path, file_format="csv") == 0
    assert path.read_text(encoding="utf-8-sig").splitlines()[0].startswith("village,")


def test_a_ledger_that_selects_no_one_exports_its_header_alone(tmp_path, registered):
    path = tmp_path / "none.csv"
    rows = export_ledger(
        name="household_roster", area=registered, path=path, file_format="csv", status="monitored"
    )
    assert rows == 0 and path.read_text(encoding="utf-8-sig").startswith("village,")
    Person.objects.update(disability_category="", disability_grade=None)
    assert (
        export_ledger(name="persons_by_disability", area=registered, path=path, file_format="xlsx")
        == 0
    )
