"""The registry facts the national rules test, in the ledger exports and back through the
importer unchanged."""

import csv
from decimal import Decimal

import pytest
from django.utils import translation

from villagedesk.core.masking import mask_id_number
from villagedesk.registry.exports import export_ledger
from villagedesk.registry.imports.engine import run_import
from villagedesk.registry.models import Household, Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def with_facts(registered):
    Household.objects.filter(number="002").update(
        status="exited",
        poverty_status="out_not_enjoying",
        main_cause="illness",
        other_cause_1="schooling",
        other_cause_2="lack_of_skills",
        owns_vehicle=True,
        town_housing=True,
        deposits=Decimal("45000.50"),
    )
    Person.objects.filter(household__number="002", relation="head").update(
        migrant_work="out_of_province",
        migrant_months=8,
        migrant_place="浙江省义乌市",
        employee_medical_insurance=True,
    )
    Person.objects.filter(household__number="002", relation="son").update(
        education_exemption="home_teaching"
    )
    return registered


ACCOUNT = "6228480123456789012"
# Domain README §1: the household's identification standard, flags and production and living
# conditions, some recorded, some not (left empty).
CONDITIONS = {
    "identification_standard": "provincial",
    "martyr_family": True,
    "only_child": False,
    "two_daughters": None,
    "arable_land": Decimal("5.50"),
    "irrigated_land": Decimal("3.25"),
    "forest_land": Decimal("0"),
    "returned_forest_land": None,
    "orchard_land": Decimal("1.00"),
    "grassland": Decimal("12.00"),
    "water_surface": Decimal("0.30"),
    "cooperative_member": True,
    "production_electricity": False,
    "household_electricity": True,
    "road_distance": Decimal("1.20"),
    "road_type": "gravel",
    "housing_area": Decimal("96.50"),
    "water_difficulty": False,
    "main_fuel": "gas",
    "sanitary_toilet": True,
    "radio_tv": None,
}


@pytest.fixture
def with_conditions(with_facts):
    Household.objects.filter(number="002").update(**CONDITIONS)
    Person.objects.filter(household__number="002", relation="head").update(
        bank="中国农业银行", bank_account=ACCOUNT, accident_insurance=True, active_serviceman=False
    )
    Person.objects.filter(household__number="002", relation="son").update(active_serviceman=True)
    return with_facts


def test_domain_readme_s1_the_roster_carries_the_conditions_and_the_bank(tmp_path, with_conditions):
    rows = export_rows(tmp_path / "roster.csv", with_conditions, "zh-hans")
    head = next(r for r in rows if r["户编号"] == "002" and r["与户主关系"] == "户主")
    son = next(r for r in rows if r["户编号"] == "002" and r["与户主关系"] == "之子")
    assert (head["识别标准"], head["是否军烈属"], head["是否双女户"]) == ("省定标准", "是", "")
    assert (head["耕地面积(亩)"], head["与村主干路距离(公里)"]) == ("5.50", "1.20")
    assert (head["入户路类型"], head["主要燃料类型"], head["住房面积(平方米)"]) == (
        "砂石路",
        "燃气",
        "96.50",
    )
    assert (head["开户银行"], head["银行账号"]) == ("中国农业银行", ACCOUNT)
    assert (head["是否参加人身意外伤害保险"], son["是否现役军人"]) == ("是", "是")
    assert son["耕地面积(亩)"] == ""


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_domain_readme_s1_the_conditions_and_the_bank_re_import_unchanged(
    tmp_path, with_conditions, language
):
    path = tmp_path / "roster.csv"
    export_rows(path, with_conditions, language)
    measures = [name for name, value in CONDITIONS.items() if isinstance(value, Decimal)]
    Household.objects.filter(number="002").update(**dict.fromkeys(measures))
    result = run_import(path, area=with_conditions)
    assert result.errors.height == 0, result.issues.rows()
    household = Household.objects.get(number="002")
    assert {name: getattr(household, name) for name in CONDITIONS} == CONDITIONS
    # The areas and distances recorded are put back from the file, nothing else changes.
    assert result.counts["fields_updated"] == len(measures)
    result = run_import(path, area=with_conditions)
    assert result.counts["fields_updated"] == 0
    head = Person.objects.get(household__number="002", relation="head")
    assert (head.bank, head.bank_account, head.accident_insurance) == (
        "中国农业银行",
        ACCOUNT,
        True,
    )


def test_domain_readme_s1_a_masked_roster_masks_the_bank_account(tmp_path, with_conditions):
    path = tmp_path / "roster.csv"
    export_ledger(name="person_roster", area=with_conditions, path=path, file_format="csv")
    text = path.read_text(encoding="utf-8-sig")
    assert mask_id_number(ACCOUNT) in text and ACCOUNT[:12] not in text
    result = run_import(path, area=with_conditions)
    assert "bank_account" in set(result.errors["field"].to_list())


def export_rows(path, area, language):
    with translation.override(language):
        export_ledger(name="person_roster", area=area, path=path, file_format="csv", reveal=True)
    with open(path, encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def test_the_chinese_person_roster_carries_the_new_facts(tmp_path, with_facts):
    rows = export_rows(tmp_path / "roster.csv", with_facts, "zh-hans")
    head = next(r for r in rows if r["户编号"] == "002" and r["与户主关系"] == "户主")
    spouse = next(r for r in rows if r["户编号"] == "002" and r["与户主关系"] == "配偶")
    son = next(r for r in rows if r["户编号"] == "002" and r["与户主关系"] == "之子")
    assert (head["户类型"], head["贫困户状态"]) == ("脱贫户", "已脱贫不享受政策")
    assert (head["主要致贫原因"], head["其他致贫原因"]) == ("因病", "因学、缺技术")
    assert (head["是否有机动车"], head["是否在城镇购买商品房"]) == ("是", "是")
    assert head["存款及有价证券(元)"] == "45000.50"
    assert (head["务工所在地"], head["是否参加城镇职工基本医疗保险"]) == ("浙江省义乌市", "是")
    assert head["证件类型"] == "居民身份证"
    assert (head["健康状况"], spouse["健康状况"]) == ("健康", "长期慢性病、残疾")
    assert son["送教上门或免修缓学"] == "送教上门"
    # Household facts stand on the head's row only.
    assert spouse["贫困户状态"] == spouse["其他致贫原因"] == ""


def test_the_english_roster_names_the_facts_in_english(tmp_path, with_facts):
    rows = export_rows(tmp_path / "roster.csv", with_facts, "en")
    head = next(r for r in rows if r["household number"] == "002" and r["name"] == "张三")
    assert head["poverty status"] == "Out of poverty, no longer enjoying policies"
    assert head["other causes of poverty"] == "Schooling costs, Lack of skills"
    assert head["health"] == "Healthy"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_an_export_with_the_new_facts_re_imports_unchanged(tmp_path, with_facts, language):
    path = tmp_path / "roster.csv"
    export_rows(path, with_facts, language)
    result = run_import(path, area=with_facts)
    assert result.errors.height == 0, result.issues.rows()
    assert result.counts["fields_updated"] == 0
