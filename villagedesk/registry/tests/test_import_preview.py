"""The import's template, the headers it accepts and its preview: what loading would do, counted
and shown by the engine's own checks before anything is written."""

import datetime

import pytest
import python_calamine
from django.utils import translation

from conftest import make_area, make_user
from villagedesk.accounts.models import Role
from villagedesk.areas.models import Level
from villagedesk.registry.exports import PERSON_COLUMNS, header
from villagedesk.registry.imports.columns import (
    ALWAYS,
    BY_NAME,
    COLUMNS,
    EITHER,
    PERSON,
    UNLESS_ID_NUMBER,
    UNLESS_VILLAGE,
)
from villagedesk.registry.imports.engine import run_import
from villagedesk.registry.imports.preview import import_preview, preview_shown
from villagedesk.registry.imports.template import (
    accepted_headers,
    example_rows,
    example_village,
    import_template,
)
from villagedesk.registry.models import Household, Person
from villagedesk.registry.tests.factories import make_id_number
from villagedesk.registry.tests.importing import HEADERS, family, person_row, write_xlsx

pytestmark = pytest.mark.django_db


def template_file(tmp_path, language="zh-hans", village="大河村"):
    path = tmp_path / f"template-{language}.xlsx"
    with translation.override(language):
        path.write_bytes(import_template(village=village))
    return path


def sheet_of(path):
    return python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()


def written(tmp_path, rows, language="zh-hans", name="t.xlsx"):
    """A ledger of the template's layout with these rows."""
    with translation.override(language):
        headers = [header(name) for name in PERSON_COLUMNS]
    return write_xlsx(tmp_path / name, rows, headers, title="台账")


def example(language="zh-hans", village="大河村"):
    with translation.override(language):
        return example_rows(village=village)


def errors_of(result):
    return {(i["field"], i["code"]) for i in result.errors.iter_rows(named=True)}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_template_imports_cleanly(tmp_path, village_a, language):
    path = template_file(tmp_path, language)
    assert run_import(path, area=village_a, check_only=True).issues.height == 0
    result = run_import(path, area=village_a)
    assert (result.counts["households_created"], result.counts["persons_created"]) == (1, 3)
    household = Household.objects.get()
    assert household.number == "示例001" and household.village == village_a
    assert set(household.members.values_list("name", flat=True)) == {
        "示例户主",
        "示例配偶",
        "示例之子",
    }


def test_the_template_has_a_title_the_importers_headers_and_one_example(tmp_path):
    rows = sheet_of(template_file(tmp_path))
    assert "示例" in rows[0][0]
    with translation.override("zh-hans"):
        assert rows[1] == [header(name) for name in PERSON_COLUMNS]
    assert rows[1][:3] == ["行政村", "村民小组", "户编号"]
    assert len(rows) == 5
    assert {row[PERSON_COLUMNS.index("number")] for row in rows[2:]} == {"示例001"}
    # Every field a ledger keeps has its column (a cell of several values standing for the
    # fields it spreads over, as health does for the illnesses).
    kept = {c.name for c in COLUMNS if c.stored and c.name not in {"chronic_illness"}}
    assert kept - {"serious_illness"} <= set(PERSON_COLUMNS)


def test_the_template_in_english_has_english_headers(tmp_path):
    rows = sheet_of(template_file(tmp_path, "en"))
    assert rows[1][:3] == ["village", "village group", "household number"]
    assert "Head of household" in rows[2]


def test_the_template_without_a_village_is_imported_into_the_village_chosen(tmp_path, village_a):
    path = template_file(tmp_path, village="")
    assert run_import(path, area=village_a, check_only=True).issues.height == 0


@pytest.mark.parametrize(
    "name", [c.name for c in COLUMNS if c.table == PERSON and c.required == ALWAYS]
)
def test_a_member_s_column_said_required_is_required(tmp_path, village_a, name):
    rows = example()
    rows[1][PERSON_COLUMNS.index(name)] = ""
    result = run_import(written(tmp_path, rows), area=village_a, check_only=True)
    assert (name, "required") in errors_of(result)


@pytest.mark.parametrize("name", [c.name for c in COLUMNS if c.required == UNLESS_ID_NUMBER])
def test_a_column_the_identity_number_may_give_is_required_without_one(tmp_path, village_a, name):
    rows = example()
    rows[1][PERSON_COLUMNS.index(name)] = ""
    result = run_import(written(tmp_path, rows), area=village_a, check_only=True)
    assert (name, "required") in errors_of(result)
    born = datetime.date.fromisoformat(rows[1][PERSON_COLUMNS.index("birth_date")] or "1978-03-15")
    rows[1][PERSON_COLUMNS.index("id_number")] = make_id_number(born, "female")
    result = run_import(written(tmp_path, rows, name="u.xlsx"), area=village_a, check_only=True)
    assert result.errors.height == 0


def test_the_household_number_is_required(tmp_path, village_a):
    rows = example()
    for row in rows:
        row[PERSON_COLUMNS.index("number")] = ""
    result = run_import(written(tmp_path, rows), area=village_a, check_only=True)
    assert ("number", "required") in errors_of(result)
    assert BY_NAME["number"].required == ALWAYS


def test_the_village_is_required_only_above_a_village(tmp_path, village_a, township):
    assert BY_NAME["village"].required == UNLESS_VILLAGE
    path = written(tmp_path, example(village=""))
    assert run_import(path, area=village_a, check_only=True).errors.height == 0
    assert ("village", "required") in errors_of(run_import(path, area=township, check_only=True))


def test_education_or_schooling_one_of_the_two(tmp_path, village_a):
    assert {c.name for c in COLUMNS if c.required == EITHER} == {"education", "schooling"}
    rows = example()
    rows[0][PERSON_COLUMNS.index("education")] = ""
    result = run_import(written(tmp_path, rows), area=village_a, check_only=True)
    assert ("education", "education_or_schooling") in errors_of(result)


def test_a_file_of_the_required_columns_only_imports_cleanly(tmp_path, village_a):
    """No column but those said required is: every other cell of the example may be blank."""
    keep = {c.name for c in COLUMNS if c.required}
    rows = [
        [v if n in keep else "" for n, v in zip(PERSON_COLUMNS, row, strict=True)]
        for row in example()
    ]
    result = run_import(written(tmp_path, rows), area=village_a, check_only=True)
    assert result.errors.height == 0


def test_the_accepted_headers_are_the_importers_with_their_languages():
    headers = {h["name"]: h for h in accepted_headers()}
    assert list(headers) == [c.name for c in COLUMNS]
    assert headers["number"]["chinese"][0] == "户编号"
    assert "household number" in headers["number"]["english"]
    assert "户编号" not in headers["number"]["english"]
    with translation.override("en"):
        assert str(headers["name"]["required"]) == "required"
        assert str(headers["sex"]["required"]) == "required unless the identity number gives it"
        assert headers["address"]["required"] == ""
    assert headers["address"]["household"] and not headers["name"]["household"]


# The preview.


@pytest.fixture
def registered_001(tmp_path, village_a):
    """Household 001 loaded, its son registered without an identity number."""
    rows = family("001")
    rows[2][HEADERS.index("身份证号码")] = ""
    run_import(write_xlsx(tmp_path / "first.xlsx", rows), area=village_a)
    return rows


def mixed_file(tmp_path, registered_001):
    """001 again with a new address (the son found by name), 002 new, 003 with a bad date."""
    rows = [list(r) for r in registered_001]
    rows[0][HEADERS.index("住址")] = "大河村9号"
    rows += family("002") + family("003")
    rows[7][HEADERS.index("出生日期")] = "1982-13-04"
    return write_xlsx(tmp_path / "mixed.xlsx", rows, title="大河村台账")


def test_the_preview_counts_what_the_load_then_writes(tmp_path, village_a, registered_001):
    path = mixed_file(tmp_path, registered_001)
    before = (Household.objects.count(), Person.objects.count(), Household.history.count())
    preview = import_preview(run_import(path, area=village_a, check_only=True))
    assert (Household.objects.count(), Person.objects.count(), Household.history.count()) == before
    assert preview["households"] == {"new": 1, "updated": 1, "unchanged": 0, "rejected": 1}
    assert preview["persons"] == {"new": 3, "updated": 0, "unchanged": 3, "rejected": 3}
    counts = run_import(path, area=village_a, partial=True).counts
    assert counts["households_created"] == preview["households"]["new"]
    assert counts["households_updated"] == preview["households"]["updated"]
    assert counts["households_unchanged"] == preview["households"]["unchanged"]
    assert counts["households_rejected"] == preview["households"]["rejected"]
    assert counts["persons_created"] == preview["persons"]["new"]
    assert counts["persons_updated"] == preview["persons"]["updated"]
    assert counts["persons_unchanged"] == preview["persons"]["unchanged"]
    assert counts["rejected"] == preview["persons"]["rejected"]


def test_a_file_loaded_again_previews_as_unchanged(tmp_path, village_a, registered_001):
    path = write_xlsx(tmp_path / "again.xlsx", registered_001)
    preview = import_preview(run_import(path, area=village_a, check_only=True))
    assert preview["households"] == {"new": 0, "updated": 0, "unchanged": 1, "rejected": 0}
    assert preview["persons"] == {"new": 0, "updated": 0, "unchanged": 3, "rejected": 0}


def test_a_changed_member_previews_as_updated_with_the_field(tmp_path, village_a, registered_001):
    rows = [list(r) for r in registered_001]
    rows[1][HEADERS.index("手机号码")] = "13987654321"
    path = write_xlsx(tmp_path / "phone.xlsx", rows)
    preview = import_preview(run_import(path, area=village_a, check_only=True))
    assert preview["persons"]["updated"] == 1
    spouse = preview["sample"][0]["members"][1]
    assert (spouse["status"], spouse["changed"]) == ("updated", ["phone"])
    assert spouse["values"]["phone"] == "139****4321"


def test_the_sample_keeps_stored_values_masked(tmp_path, village_a):
    rows = family("001")
    rows[0][HEADERS.index("出生日期")] = "1980/5/17"
    rows[0][HEADERS.index("性别")] = "1"
    preview = import_preview(
        run_import(write_xlsx(tmp_path / "a.xlsx", rows), area=village_a, check_only=True)
    )
    (household,) = preview["sample"]
    head = household["members"][0]
    assert head["values"]["birth_date"] == "1980-05-17"
    assert head["values"]["sex"] == "male" and head["values"]["relation"] == "head"
    full = rows[0][HEADERS.index("身份证号码")]
    assert head["values"]["id_number"] == full[:6] + "********" + full[-4:]
    assert full not in str(preview)
    assert household["values"]["group"] == village_a.groups.get().pk
    assert (household["number"], household["village_id"], household["status"]) == (
        "001",
        village_a.pk,
        "new",
    )


def test_an_identity_number_typed_in_a_text_column_is_masked_in_the_sample(tmp_path, village_a):
    rows = family("001")
    typed = make_id_number(datetime.date(1990, 1, 2), "male")
    rows[1][HEADERS.index("姓名")] = typed
    rows[0][HEADERS.index("住址")] = f"大河村{typed}号"
    preview = import_preview(
        run_import(write_xlsx(tmp_path / "a.xlsx", rows), area=village_a, check_only=True)
    )
    assert typed not in str(preview)
    (household,) = preview["sample"]
    assert household["members"][1]["values"]["name"] == typed[:6] + "********" + typed[-4:]


def test_the_sample_is_the_first_ten_households_in_file_order(tmp_path, village_a):
    rows = [row for n in range(12) for row in family(f"{n:03d}")]
    preview = import_preview(
        run_import(write_xlsx(tmp_path / "a.xlsx", rows), area=village_a, check_only=True)
    )
    assert [h["number"] for h in preview["sample"]] == [f"{n:03d}" for n in range(10)]
    assert preview["households"]["new"] == 12


def test_the_sample_is_shown_with_labels_in_the_reader_s_language(tmp_path, village_a):
    result = run_import(write_xlsx(tmp_path / "a.xlsx", family()), area=village_a, check_only=True)
    preview = import_preview(result)
    with translation.override("en"):
        shown = preview_shown(preview, area=village_a)
        (household,) = shown["sample"]
        assert household["village_name"] == "Dahe" and household["group_name"] == "一组"
        head = household["members"][0]
        assert ("sex", "Male") in head["shown"]
        assert ("relation to head", "Head of household") in head["shown"]
        assert str(head["status_label"]) == "new"
        assert {"label": "ethnicity", "value": "Han", "changed": False} in head["facts"]
    with translation.override("zh-hans"):
        head = preview_shown(preview, area=village_a)["sample"][0]["members"][0]
        assert dict(head["shown"])["性别"] == "男"
        assert "户主" in dict(head["shown"]).values()


def test_a_rejected_household_is_in_the_sample_as_rejected(tmp_path, village_a, registered_001):
    preview = import_preview(
        run_import(mixed_file(tmp_path, registered_001), area=village_a, check_only=True)
    )
    statuses = [(h["number"], h["status"]) for h in preview["sample"]]
    assert statuses == [("001", "updated"), ("002", "new"), ("003", "rejected")]
    assert preview["sample"][0]["changed"] == ["address"]
    assert {m["status"] for m in preview["sample"][2]["members"]} == {"rejected"}
    assert [m["status"] for m in preview["sample"][0]["members"]] == ["unchanged"] * 3


def test_another_village_s_households_are_not_named_in_the_shown_sample(
    tmp_path, village_a, village_b
):
    result = run_import(write_xlsx(tmp_path / "a.xlsx", family()), area=village_a, check_only=True)
    preview = import_preview(result)
    preview["sample"][0]["village_id"] = village_b.pk
    shown = preview_shown(preview, area=village_a)
    assert shown["sample"][0]["village_name"] != village_b.name


def test_a_member_without_an_identity_number_is_new_in_a_new_household(tmp_path, village_a):
    rows = family()
    rows[2] = person_row(
        "001", "张小明", "之子", "男", "2012-09-01", id_number="", education="", schooling="七年级"
    )
    preview = import_preview(
        run_import(write_xlsx(tmp_path / "a.xlsx", rows), area=village_a, check_only=True)
    )
    assert preview["persons"] == {"new": 3, "updated": 0, "unchanged": 0, "rejected": 0}


def test_the_template_of_a_township_names_a_village_and_imports_into_the_township(
    tmp_path, township, village_a, village_b
):

    keeper = make_user("township_keeper", Role.CADRE, township)
    assert example_village(keeper) == "大河村"
    path = template_file(tmp_path, village=example_village(keeper))
    assert run_import(path, area=township, check_only=True).issues.height == 0


def test_a_village_named_twice_is_named_by_its_code(tmp_path, township, village_a):

    make_area("530128100009", Level.VILLAGE, "大河村", township, "Dahe 2")
    keeper = make_user("township_keeper", Role.CADRE, township)
    assert example_village(keeper) == village_a.code
    path = template_file(tmp_path, village=example_village(keeper))
    assert run_import(path, area=township, check_only=True).issues.height == 0


def test_a_household_s_rows_in_the_sample_are_capped(tmp_path, village_a):
    rows = family() + [
        person_row("001", f"张{n}", "之子", "男", "2012-09-01", education="", schooling="七年级")
        for n in range(32)
    ]
    preview = import_preview(
        run_import(write_xlsx(tmp_path / "a.xlsx", rows), area=village_a, check_only=True)
    )
    (household,) = preview["sample"]
    assert (len(household["members"]), household["more_members"]) == (30, 5)
