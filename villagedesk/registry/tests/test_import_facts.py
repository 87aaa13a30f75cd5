"""Importing the registry facts the national rules test: each new column by national code, by
Chinese and by English label; several values in one cell; refusals with their reasons."""

import datetime
from decimal import Decimal

import pytest

from villagedesk.registry.identity import check_character
from villagedesk.registry.imports.engine import run_import
from villagedesk.registry.models import Household, Person
from villagedesk.registry.tests.importing import HEADERS, family, write_xlsx
from villagedesk.registry.tests.test_import import messages_of

pytestmark = pytest.mark.django_db


def with_columns(rows, **columns):
    """The family rows with extra columns (header → value on the head's row, or a list with a
    value per row)."""
    headers = [*HEADERS, *columns]
    out = []
    for n, row in enumerate(rows):
        extra = [v[n] if isinstance(v, list) else (v if n == 0 else "") for v in columns.values()]
        out.append([*row, *extra])
    return headers, out


def load(tmp_path, village, *, numbers=None, **columns):
    rows = family()
    for row, number in zip(rows, numbers or [], strict=False):
        row[HEADERS.index("身份证号码")] = number
    headers, rows = with_columns(rows, **columns)
    path = write_xlsx(tmp_path / "facts.xlsx", rows, headers=headers)
    return run_import(path, area=village)


def household():
    return Household.objects.get()


@pytest.mark.parametrize(
    ("header", "typed", "expected"),
    [
        ("贫困户状态", "0", "not_out"),
        ("贫困户状态", "1", "out_enjoying"),
        ("贫困户状态", "3", "returned"),
        ("贫困户状态", "4", "out_not_enjoying"),
        ("贫困户状态", "已脱贫（享受政策）", "out_enjoying"),
        ("贫困户状态", "已脱贫不享受政策", "out_not_enjoying"),
        ("贫困户状态", "返贫", "returned"),
        ("poverty status", "Returned to poverty", "returned"),
    ],
)
def test_poverty_status_by_national_code_and_label(tmp_path, village_a, header, typed, expected):
    result = load(tmp_path, village_a, **{header: typed})
    assert result.errors.height == 0, result.issues.rows()
    assert household().poverty_status == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("脱贫户", "exited"),
        ("监测户", "monitored"),
        ("一般农户", "not_poor"),
        ("Monitored for relapse", "monitored"),
    ],
)
def test_household_type_by_label(tmp_path, village_a, typed, expected):
    result = load(tmp_path, village_a, 户类型=typed)
    assert result.errors.height == 0, result.issues.rows()
    assert household().status == expected


def test_causes_main_and_others_in_one_cell(tmp_path, village_a):
    result = load(tmp_path, village_a, 主要致贫原因="因病", 其他致贫原因="因学、缺技术")
    assert result.errors.height == 0, result.issues.rows()
    assert (household().main_cause, household().other_causes) == (
        "illness",
        ["schooling", "lack_of_skills"],
    )


def test_causes_by_english_label(tmp_path, village_a):
    result = load(
        tmp_path,
        village_a,
        **{"main cause of poverty": "Lack of capital", "other causes": "Disaster, Lack of water"},
    )
    assert result.errors.height == 0, result.issues.rows()
    assert household().other_causes == ["disaster", "lack_of_water"]


@pytest.mark.parametrize(
    ("columns", "code", "english"),
    [
        (
            {"主要致贫原因": "因病", "其他致贫原因": "因学,缺技术,缺水"},
            "too_many_values",
            "at most 2",
        ),
        ({"主要致贫原因": "因病", "其他致贫原因": "因病"}, "cause_twice", "differs from the main"),
        ({"其他致贫原因": "因学"}, "causes_without_main", "main cause before"),
        ({"主要致贫原因": "因婚"}, "unreadable_code", "“因婚” is not one of the values"),
        (
            {"主要致贫原因": "因病", "其他致贫原因": "因学,打牌"},
            "unreadable_codes",
            "separated by commas",
        ),
        ({"贫困户状态": "2"}, "unreadable_code", "“2” is not one of the values"),
        ({"存款": "-5"}, "negative", "cannot be negative"),
        ({"存款": "很多"}, "unreadable_decimal", "not an amount"),
    ],
)
def test_bad_household_facts_are_refused_with_a_reason(tmp_path, village_a, columns, code, english):
    result = load(tmp_path, village_a, **columns)
    assert not result.loaded
    assert not Household.objects.exists()
    assert any(english in m for m in messages_of(result, code)), result.issues


def test_property_facts_and_deposits(tmp_path, village_a):
    result = load(
        tmp_path,
        village_a,
        是否有机动车="否",
        是否注册公司或经营实体="是",
        是否有财政供养人员="无",
        是否在城镇购买商品房="是",
        **{"存款及有价证券（元）": "12,345.50元"},
    )
    assert result.errors.height == 0, result.issues.rows()
    h = household()
    assert (h.owns_vehicle, h.owns_business, h.public_payroll, h.town_housing) == (
        False,
        True,
        False,
        True,
    )
    assert h.deposits == Decimal("12345.50")


def test_deposits_left_blank_stay_not_recorded(tmp_path, village_a):
    assert load(tmp_path, village_a, 存款="").errors.height == 0
    assert household().deposits is None


@pytest.mark.parametrize(
    ("typed", "chronic", "serious", "category"),
    [
        ("健康", False, False, ""),
        ("长期慢性病,残疾", True, False, "physical"),
        ("长期慢性病、患有大病", True, True, ""),
        ("Serious illness; Disability", False, True, "physical"),
    ],
)
def test_health_as_several_values_in_one_cell(
    tmp_path, village_a, typed, chronic, serious, category
):
    kind = "肢体残疾" if category else ""
    result = load(
        tmp_path,
        village_a,
        健康状况=[typed, "健康", "健康"],
        残疾类别=[kind, "", ""],
        残疾等级=["二级" if kind else "", "", ""],
    )
    assert result.errors.height == 0, result.issues.rows()
    head = Person.objects.get(relation="head")
    assert (head.chronic_illness, head.serious_illness, head.disability_category) == (
        chronic,
        serious,
        category,
    )


def test_healthy_beside_an_illness_is_refused(tmp_path, village_a):
    result = load(tmp_path, village_a, 健康状况="健康,长期慢性病")
    assert not result.loaded
    assert any("recorded as healthy" in m for m in messages_of(result, "healthy_and_ill"))


def test_a_disability_without_its_kind_is_a_warning(tmp_path, village_a):
    result = load(tmp_path, village_a, 健康状况="残疾")
    assert result.loaded
    assert "disability_without_category" in result.warnings["code"].to_list()


def test_place_of_migrant_work_and_employee_insurance(tmp_path, village_a):
    headers, rows = with_columns(
        family(), 务工所在地="广东省东莞市", 是否参加城镇职工基本医疗保险="是"
    )
    rows[0][HEADERS.index("务工情况")] = "省外务工"
    rows[0][HEADERS.index("务工时间")] = "10"
    result = run_import(write_xlsx(tmp_path / "a.xlsx", rows, headers=headers), area=village_a)
    assert result.errors.height == 0, result.issues.rows()
    head = Person.objects.get(relation="head")
    assert (head.migrant_place, head.employee_medical_insurance) == ("广东省东莞市", True)


def test_a_place_of_migrant_work_without_migrant_work_is_refused(tmp_path, village_a):
    result = load(tmp_path, village_a, 务工所在地="昆明")
    assert not result.loaded
    assert messages_of(result, "place_without_work")


def test_schooling_exemption(tmp_path, village_a):
    result = load(tmp_path, village_a, 送教上门或免修缓学=["", "", "送教上门"])
    assert result.errors.height == 0, result.issues.rows()
    assert Person.objects.get(relation="son").education_exemption == "home_teaching"


def permit(first17: str) -> str:
    return first17 + check_character(first17)


def test_document_types_and_their_numbers(tmp_path, village_a):
    numbers = [permit("81000019800517001"), "USA310090101001", permit("83000020120901001")]
    result = load(
        tmp_path,
        village_a,
        numbers=numbers,
        证件类型=[
            "港澳居民居住证",
            "外国人永久居留身份证",
            "Residence permit for Taiwan residents",
        ],
    )
    assert result.errors.height == 0, result.issues.rows()
    by_relation = {p.relation: p for p in Person.objects.all()}
    assert by_relation["head"].document_type == "hk_macao_residence"
    assert by_relation["spouse"].id_number == "USA310090101001"
    assert by_relation["spouse"].birth_date == datetime.date(1982, 3, 4)  # typed, not in number
    assert by_relation["son"].document_type == "taiwan_residence"


@pytest.mark.parametrize(
    ("document", "number", "code", "english"),
    [
        ("港澳居民居住证", "53012819800517001X", "id_document", "Hong Kong"),
        ("外国人永久居留身份证", "US3310090101001", "id_old_foreign", "three letters"),
    ],
)
def test_a_number_that_does_not_fit_its_document_is_refused(
    tmp_path, village_a, document, number, code, english
):
    result = load(tmp_path, village_a, numbers=[number], 证件类型=document)
    assert not result.loaded
    assert any(english in m for m in messages_of(result, code)), result.issues


def test_imported_households_get_their_families(tmp_path, village_a):
    assert load(tmp_path, village_a).loaded
    son = Person.objects.get(relation="son")
    assert (son.father.name, son.mother.name) == ("张三", "李梅")
