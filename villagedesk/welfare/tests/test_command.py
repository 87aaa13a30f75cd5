import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from python_calamine import CalamineWorkbook

from villagedesk.welfare.tests.test_gap_report import planted  # noqa: F401 -- fixture


def run(*args) -> dict:
    out, err = StringIO(), StringIO()
    call_command("evaluate_policies", *args, stdout=out, stderr=err)
    return json.loads(out.getvalue()) if out.getvalue() else {}


def test_evaluate_policies_lists_eligible_and_both_gaps(planted, county):  # noqa: F811
    _, h = planted
    data = run("--area", county.code, "--policy", "dibao", "--year", "2025")
    (dibao,) = data["policies"]
    assert data["day"] == "2025-12-31"
    assert {x["household"] for x in dibao["eligible_not_enrolled"]} == {
        h["eligible_missing_1"].pk,
        h["eligible_missing_2"].pk,
        h["ended_enrolment"].pk,
        h["other_village_missing"].pk,
    }
    wrong = {x["household"]: x for x in dibao["enrolled_not_eligible"]}
    assert set(wrong) == {h["ineligible_enrolled"].pk, h["unknown_enrolled"].pk}
    assert wrong[h["ineligible_enrolled"].pk]["failing"][0]["outcome"] == "fail"
    assert wrong[h["unknown_enrolled"].pk]["failing"][0]["outcome"] == "unknown"


def test_a_missing_parameter_is_reported_per_policy(planted, county):  # noqa: F811
    data = run("--area", county.code, "--policy", "dibao", "--year", "2024")
    assert "has no value for 2024" in data["policies"][0]["error"]


def test_explain_one_household(planted):  # noqa: F811
    _, h = planted
    data = run("--explain", str(h["ineligible_enrolled"].pk), "--policy", "dibao", "--year", "2025")
    (dibao,) = data["policies"]
    assert dibao["enrolled"] is True and dibao["eligible"] is False
    assert dibao["conditions"][1]["value"] == "10,000"


def test_xlsx_output(planted, county, tmp_path):  # noqa: F811
    target = tmp_path / "out.xlsx"
    run(
        "--area",
        county.code,
        "--policy",
        "dibao",
        "--year",
        "2025",
        "--format",
        "xlsx",
        "--output",
        str(target),
    )
    rows = CalamineWorkbook.from_path(str(target)).get_sheet_by_name("dibao").to_python()
    assert rows[0][0] == "list" and len(rows) == 1 + 5 + 4 + 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--area", "530128", "--policy", "nope"], "Unknown policy: nope"),
        (["--area", "999999"], "No area"),
        ([], "Give --area"),
        (["--explain", "999999"], "No household"),
    ],
)
def test_bad_arguments_fail_clearly(planted, args, message):  # noqa: F811
    with pytest.raises(CommandError, match=message):
        run(*args)
