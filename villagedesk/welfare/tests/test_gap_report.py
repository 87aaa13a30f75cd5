"""A planted village: the gap report finds every planted gap and nothing else, checks hold until
the data changes, and pages stay inside the user's areas."""

import datetime
import io
import re
from decimal import Decimal

import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook

from villagedesk.registry.tests.factories import HouseholdFactory, PersonFactory
from villagedesk.welfare.codes import GapKind
from villagedesk.welfare.models import Enrolment, GapCheck, IncomeLine, Policy
from villagedesk.welfare.rules import explain
from villagedesk.welfare.selectors import gap_lines, gap_rollup, policy_compiled
from villagedesk.welfare.services import catalogue_load
from villagedesk.welfare.tests.factories import ParameterFactory

DAY = datetime.date(2025, 12, 31)


def planted_household(village, *, income, members=2, enrolled=False, policy=None, **fields):
    household = HouseholdFactory(village=village, **fields)
    for i in range(members):
        PersonFactory(household=household, relation="head" if i == 0 else "other", id_number=None)
    if income is not None:
        IncomeLine.objects.create(
            household=household, year=DAY.year, kind="wage", amount=Decimal(income)
        )
    if enrolled:
        Enrolment.objects.create(
            policy=policy, household=household, starts_on=datetime.date(2025, 1, 1)
        )
    return household


@pytest.fixture
def planted(county, village_a, village_b):
    catalogue_load()
    ParameterFactory(name="dibao_standard", area=county, year=DAY.year, value=6000)
    dibao = Policy.objects.get(code="dibao")
    households = {
        "eligible_enrolled": planted_household(
            village_a, income=8_000, enrolled=True, policy=dibao
        ),
        "eligible_missing_1": planted_household(village_a, income=4_000),
        "eligible_missing_2": planted_household(village_a, income=0, members=3),
        "ineligible_enrolled": planted_household(
            village_a, income=20_000, enrolled=True, policy=dibao
        ),
        "unknown_enrolled": planted_household(village_a, income=None, enrolled=True, policy=dibao),
        "ineligible": planted_household(village_a, income=30_000),
        "unknown": planted_household(village_a, income=None),
        "ended_enrolment": planted_household(village_a, income=2_000),
        "other_village_missing": planted_household(village_b, income=1_000),
    }
    Enrolment.objects.create(
        policy=dibao,
        household=households["ended_enrolment"],
        starts_on=datetime.date(2024, 1, 1),
        ends_on=datetime.date(2024, 12, 31),
    )
    return dibao, households


def found(lines):
    return {(line.kind, line.household.pk) for line in lines}


def test_the_gap_report_finds_every_planted_gap_and_nothing_else(planted, cadre_a, village_a):
    dibao, h = planted
    lines = gap_lines(user=cadre_a, policy=dibao, area=village_a, day=DAY)
    assert found(lines) == {
        (GapKind.ELIGIBLE_NOT_ENROLLED, h["eligible_missing_1"].pk),
        (GapKind.ELIGIBLE_NOT_ENROLLED, h["eligible_missing_2"].pk),
        (GapKind.ELIGIBLE_NOT_ENROLLED, h["ended_enrolment"].pk),
        (GapKind.ENROLLED_NOT_ELIGIBLE, h["ineligible_enrolled"].pk),
        (GapKind.ENROLLED_NOT_ELIGIBLE, h["unknown_enrolled"].pk),
    }
    by_household = {line.household.pk: line for line in lines}
    assert [f.value for f in by_household[h["ineligible_enrolled"].pk].failing] == ["10,000"]
    assert by_household[h["unknown_enrolled"].pk].failing[0].outcome is None


@pytest.mark.parametrize("code", ["dibao", "medical_premium_aid"])
def test_each_line_is_explained_as_it_is_alone(planted, cadre_a, village_a, code):
    """The lines are explained together, the income views joined for their households only:
    each line reads what its household (or person, for medical_premium_aid, whose rule reads
    the household's per-capita income) reads when explained alone."""
    policy = Policy.objects.get(code=code)
    # A household key that no person's key equals, whatever the order rows were made in.
    apart = planted_household(village_a, income=1_000, pk=900_001)
    lines = gap_lines(user=cadre_a, policy=policy, area=village_a, day=DAY)
    assert apart in {line.household for line in lines}
    compiled = policy_compiled(policy=policy, area=village_a, day=DAY)
    assert len(lines) >= 5
    assert {line.person is None for line in lines} == {code == "dibao"}
    for line in lines:
        alone = explain(compiled, pk=(line.person or line.household).pk)
        assert line.explanation == alone


def test_the_roll_up_counts_per_village(planted, county, village_a, village_b, county_supervisor):
    dibao, _ = planted
    rows = {
        r.area.code: r
        for r in gap_rollup(user=county_supervisor, policy=dibao, area=county, day=DAY)
    }
    a, b = rows[village_a.code], rows[village_b.code]
    assert (a.eligible, a.not_enrolled, a.not_eligible) == (4, 3, 2)
    assert (b.eligible, b.not_enrolled, b.not_eligible) == (1, 1, 0)


def test_a_check_holds_until_the_households_data_changes(planted, cadre_a, village_a, client):
    dibao, h = planted
    target = h["ineligible_enrolled"]
    client.force_login(cadre_a)
    response = client.post(
        "/welfare/gaps/check/?year=2025",
        {
            "policy": "dibao",
            "household": target.pk,
            "kind": GapKind.ENROLLED_NOT_ELIGIBLE,
            "reason": "公示期内",
        },
    )
    assert response.status_code == 302
    line = next(
        x
        for x in gap_lines(user=cadre_a, policy=dibao, area=village_a, day=DAY)
        if x.household == target
    )
    assert line.check.reason == "公示期内"
    IncomeLine.objects.filter(household=target).update(amount=Decimal(21_000))
    line = next(
        x
        for x in gap_lines(user=cadre_a, policy=dibao, area=village_a, day=DAY)
        if x.household == target
    )
    assert line.check is None


def test_a_check_needs_a_reason_and_another_villages_household_is_404(planted, cadre_a, client):
    dibao, h = planted
    client.force_login(cadre_a)
    data = {"policy": "dibao", "kind": GapKind.ELIGIBLE_NOT_ENROLLED, "reason": "x"}
    other = client.post(
        "/welfare/gaps/check/", {**data, "household": h["other_village_missing"].pk}
    )
    assert other.status_code == 404
    client.post(
        "/welfare/gaps/check/", {**data, "household": h["eligible_missing_1"].pk, "reason": " "}
    )
    assert not GapCheck.objects.exists()


def test_a_committee_member_of_b_cannot_check_a(planted, cadre_b, client):
    _, h = planted
    client.force_login(cadre_b)
    response = client.post(
        "/welfare/gaps/check/",
        {
            "policy": "dibao",
            "household": h["eligible_missing_1"].pk,
            "kind": "eligible_not_enrolled",
            "reason": "x",
        },
    )
    assert response.status_code == 404


def test_gap_page_shows_own_village_and_hides_the_other(planted, cadre_a, client, village_b):
    _, h = planted
    client.force_login(cadre_a)
    page = client.get("/welfare/gaps/?policy=dibao&year=2025")
    assert page.status_code == 200
    assert h["eligible_missing_1"].number.encode() in page.content
    assert h["other_village_missing"].number.encode() not in page.content
    assert client.get(f"/welfare/gaps/?area={village_b.code}").status_code == 404


def test_the_county_sees_the_roll_up_and_exports_it(planted, county_supervisor, client):
    client.force_login(county_supervisor)
    page = client.get("/welfare/gaps/?policy=dibao&year=2025")
    assert "Dahe" in page.content.decode()
    export = client.get("/welfare/gaps/export/?policy=dibao&year=2025")
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(export.content)).get_sheet_by_index(0).to_python()
    )
    assert rows[1][:4] == ["大河村", "4", "3", "2"]


def test_the_household_explanation_is_scoped(planted, cadre_a, client):
    _, h = planted
    client.force_login(cadre_a)
    assert (
        client.get(f"/welfare/households/{h['eligible_missing_1'].pk}/?year=2025").status_code
        == 200
    )
    assert client.get(f"/welfare/households/{h['other_village_missing'].pk}/").status_code == 404


def test_a_missing_parameter_shows_the_rules_message_not_a_crash(planted, cadre_a, client):
    client.force_login(cadre_a)
    page = client.get("/welfare/gaps/?policy=dibao&year=2024")
    assert "has no value for 2024" in page.content.decode()


def xlsx(rows):
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet()
    for i, row in enumerate(rows):
        sheet.write_row(i, 0, row)
    book.close()
    buffer.seek(0)
    buffer.name = "list.xlsx"
    return buffer


def test_enrolments_import_from_the_civil_affairs_list(planted, cadre_a, client, village_a):
    _, h = planted
    client.force_login(cadre_a)
    policy = Policy.objects.get(code="dibao")
    upload = xlsx(
        [
            ["村代码", "户编号", "开始日期", "金额"],
            [village_a.code, h["eligible_missing_1"].number, "2025-03-01", "320"],
        ]
    )
    response = client.post("/welfare/enrolments/import/", {"policy": policy.pk, "file": upload})
    assert response.status_code == 302
    assert Enrolment.objects.filter(household=h["eligible_missing_1"], amount=320).exists()


def test_an_import_with_a_bad_row_imports_nothing_and_names_the_row(
    planted, cadre_a, client, village_a
):
    _, h = planted
    client.force_login(cadre_a)
    policy = Policy.objects.get(code="dibao")
    before = Enrolment.objects.count()
    upload = xlsx(
        [
            ["村代码", "户编号", "开始日期"],
            [village_a.code, h["eligible_missing_1"].number, "2025-03-01"],
            [village_a.code, "NO-SUCH", "2025-03-01"],
            ["530128100002", h["other_village_missing"].number, "2025-03-01"],
        ]
    )
    response = client.post("/welfare/enrolments/import/", {"policy": policy.pk, "file": upload})
    text = response.content.decode()
    assert "Row 3" in text and "Row 4" in text and "in your areas" in text
    assert Enrolment.objects.count() == before


def test_enrolment_page_refuses_another_villages_household(planted, cadre_a, client, village_b):
    _, h = planted
    client.force_login(cadre_a)
    policy = Policy.objects.get(code="dibao")
    response = client.post(
        "/welfare/enrolments/new/",
        {
            "policy": policy.pk,
            "village": village_b.code,
            "household_number": h["other_village_missing"].number,
            "starts_on": "2025-01-01",
        },
    )
    assert response.status_code == 200
    assert "No household with this number" in response.content.decode()
    assert h["other_village_missing"].number.encode() in response.content  # what was typed is kept


def test_enrolment_lists_hide_other_villages(planted, cadre_b, client):
    _, h = planted
    client.force_login(cadre_b)
    page = client.get("/welfare/enrolments/")
    assert h["ineligible_enrolled"].number.encode() not in page.content


def test_only_rule_keepers_edit_rules(planted, cadre_a, client):
    client.force_login(cadre_a)
    assert client.get("/welfare/policies/dibao/rule/").status_code == 403


def test_the_rule_page_refuses_a_bad_rule_and_counts_a_good_one(planted, county_supervisor, client):
    client.force_login(county_supervisor)
    bad = client.post(
        "/welfare/policies/dibao/rule/",
        {
            "definition": '{"field": "incom", "op": "<", "value": 1}',
            "effective_from": "2025-06-01",
            "save": "1",
        },
    )
    assert "unknown field “incom”" in bad.content.decode()
    good = client.post(
        "/welfare/policies/dibao/rule/",
        {
            "definition": '{"field": "per_capita_income", "op": "<", "value": 5000}',
            "effective_from": "2025-06-01",
            "check": "1",
        },
    )
    assert "5 match" in good.content.decode()
    # A county supervisor does not change the default every county falls back on.
    refused = client.post(
        "/welfare/policies/dibao/rule/",
        {
            "definition": '{"field": "per_capita_income", "op": "<", "value": 5000}',
            "effective_from": "2025-06-01",
            "save": "1",
        },
    )
    assert "Only an administrator changes the default" in refused.content.decode()
    county = county_supervisor.assignments.get().area
    saved = client.post(
        "/welfare/policies/dibao/rule/",
        {
            "definition": '{"field": "per_capita_income", "op": "<", "value": 5000}',
            "effective_from": "2025-06-01",
            "area": county.code,
            "save": "1",
        },
    )
    assert saved.status_code == 302
    dibao = Policy.objects.get(code="dibao")
    assert dibao.rule_on(DAY, county).version == 2
    assert dibao.rule_on(DAY).version == 1


def test_a_care_list_shows_its_persons_in_scope_and_exports(cadre_a, client, village_a, village_b):
    from villagedesk.welfare.services import catalogue_load as load

    load()
    here = HouseholdFactory(village=village_a)
    PersonFactory(
        household=here,
        name="周残",
        disability_category="visual",
        disability_grade=2,
        id_number=None,
    )
    there = HouseholdFactory(village=village_b)
    PersonFactory(
        household=there,
        name="吴残",
        disability_category="visual",
        disability_grade=2,
        id_number=None,
    )
    client.force_login(cadre_a)
    page = client.get("/welfare/care/disabled_persons/").content.decode()
    assert "周残" in page and "吴残" not in page
    export = client.get("/welfare/care/disabled_persons/?format=xlsx")
    rows = (
        CalamineWorkbook.from_filelike(io.BytesIO(export.content)).get_sheet_by_index(0).to_python()
    )
    assert [r[2] for r in rows[1:]] == ["周残"]
    assert client.get("/welfare/care/dibao/").status_code == 404


def test_income_is_entered_per_year_and_blank_removes_a_line(planted, cadre_a, cadre_b, client):
    _, h = planted
    household = h["unknown"]
    client.force_login(cadre_a)
    response = client.post(
        f"/welfare/households/{household.pk}/income/?year=2025",
        {"wage": "12000", "production_cost": "-5"},
    )
    assert (
        response.status_code == 200 and not IncomeLine.objects.filter(household=household).exists()
    )
    client.post(
        f"/welfare/households/{household.pk}/income/?year=2025",
        {"wage": "12000", "production": "3000", "production_cost": "1000"},
    )
    assert dict(IncomeLine.objects.filter(household=household).values_list("kind", "amount")) == {
        "wage": Decimal(12000),
        "production": Decimal(3000),
        "production_cost": Decimal(1000),
    }
    client.post(f"/welfare/households/{household.pk}/income/?year=2025", {"wage": "12000"})
    assert set(IncomeLine.objects.filter(household=household).values_list("kind", flat=True)) == {
        "wage"
    }
    client.force_login(cadre_b)
    assert client.get(f"/welfare/households/{household.pk}/income/").status_code == 404


def test_the_gap_page_takes_a_fixed_number_of_queries(
    planted, cadre_a, client, django_assert_max_num_queries
):
    client.force_login(cadre_a)
    with django_assert_max_num_queries(25):
        assert client.get("/welfare/gaps/?policy=dibao&year=2025").status_code == 200


def test_a_rule_file_is_imported_and_checked(planted, county_supervisor, client):
    client.force_login(county_supervisor)
    upload = io.BytesIO(b'{"field": "per_capita_income", "op": "<", "value": {"param": "nope"}}')
    upload.name = "dibao.json"
    response = client.post(
        "/welfare/policies/dibao/rule/",
        {"upload": upload, "effective_from": "2025-06-01", "save": "1"},
    )
    assert "unknown parameter “nope”" in response.content.decode()
    exported = client.get("/welfare/policies/dibao/rule/?format=json")
    assert b"dibao_standard" in exported.content


def explanation_order(page: str) -> list[str]:
    """The ids of the policy cards (and of the folded group) in the order the page shows them."""
    return re.findall(r'<details class="(?:card explain|explain-group)" id="([^"]+)"', page)


def test_the_household_explanation_puts_the_policy_asked_for_first_and_folds_the_rest(
    planted, cadre_a, client
):
    _, h = planted
    client.force_login(cadre_a)
    url = f"/welfare/households/{h['eligible_missing_1'].pk}/?year=2025"
    page = client.get(url).content.decode()
    order = explanation_order(page)
    # Eligible for the allowance and not enrolled: a gap, among those needing attention, open.
    folded = order.index("not-eligible")
    assert (
        page.index("Needs attention")
        < page.index('id="policy-dibao"')
        < page.index('id="not-eligible"')
    )
    assert re.search(r'id="policy-dibao" open', page)
    assert all(card.startswith("policy-") for card in order[folded + 1 :])
    assert len(order) - folded - 1 > 5  # most policies wait, folded, below
    focused = client.get(url + "&policy=tekun").content.decode()
    assert explanation_order(focused)[0].startswith("policy-tekun-")  # a person policy
    assert re.search(r'id="policy-tekun-\d+" open', focused)


@pytest.mark.parametrize("field", ["household", "person"])
@pytest.mark.parametrize("sent", ["²", "9" * 25, "abc"])
def test_a_household_or_person_that_is_not_a_number_is_404(planted, cadre_a, client, field, sent):
    _, h = planted
    client.force_login(cadre_a)
    data = {"policy": "dibao", "kind": GapKind.ELIGIBLE_NOT_ENROLLED, "reason": "x"}
    data = {**data, "household": h["eligible_missing_1"].pk, field: sent}
    assert client.post("/welfare/gaps/check/", data).status_code == 404
