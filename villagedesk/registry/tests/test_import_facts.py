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


def test_a_member_imported_into_a_registered_household_joins_its_family(tmp_path, village_a):
    from villagedesk.registry.tests.importing import person_row

    rows = family()
    assert run_import(write_xlsx(tmp_path / "a.xlsx", rows), area=village_a).loaded
    rows.append(person_row("001", "赵敏", "之儿媳", "女", "2011-02-03", education="小学"))
    result = run_import(write_xlsx(tmp_path / "more.xlsx", rows), area=village_a)
    assert result.errors.height == 0, result.issues.rows()
    son = Person.objects.get(relation="son")
    assert son.spouse.name == "赵敏"


def test_a_relation_changed_by_a_re_import_moves_the_links(tmp_path, village_a):
    rows = family()
    assert run_import(write_xlsx(tmp_path / "a.xlsx", rows), area=village_a).loaded
    rows[2][HEADERS.index("与户主关系")] = "其他"
    result = run_import(write_xlsx(tmp_path / "changed.xlsx", rows), area=village_a)
    assert result.errors.height == 0, result.issues.rows()
    other = Person.objects.get(name="张小明")
    assert (other.relation, other.father, other.mother) == ("other", None, None)


def load_cell(tmp_path, village, header, typed, *, row=0, **others):
    """The family with one cell typed (a column of its own when the family has none), and
    other columns on the head's row."""
    rows = family()
    if header in HEADERS:
        rows[row][HEADERS.index(header)] = typed
        headers, rows = with_columns(rows, **others)
    else:
        values = ["", "", ""]
        values[row] = typed
        headers, rows = with_columns(rows, **{header: values}, **others)
    return run_import(write_xlsx(tmp_path / "codes.xlsx", rows, headers=headers), area=village)


@pytest.mark.parametrize(
    ("header", "typed", "row", "field", "expected"),
    [
        # Domain README §1: relation to head, by label, English label and the label without 之.
        ("与户主关系", "之子", 2, "relation", "son"),
        ("与户主关系", "子", 2, "relation", "son"),
        ("与户主关系", "儿子", 2, "relation", "son"),
        ("与户主关系", "Son", 2, "relation", "son"),
        ("与户主关系", "本人", 0, "relation", "head"),
        # Ethnicity: GB 3304 codes, with or without the leading zero, and labels.
        ("民族", "15", 0, "ethnicity", "15"),
        ("民族", "3", 0, "ethnicity", "03"),
        ("民族", "土家族", 0, "ethnicity", "15"),
        ("民族", "Tujia", 0, "ethnicity", "15"),
        # Sex: national codes 1 and 2.
        ("性别", "1", 0, "sex", "male"),
        ("性别", "2", 1, "sex", "female"),
        # Political status.
        ("政治面貌", "中共党员", 0, "political_status", "cpc_member"),
        ("政治面貌", "党员", 0, "political_status", "cpc_member"),
        ("政治面貌", "共青团员", 0, "political_status", "cyl_member"),
        ("政治面貌", "CPC probationary member", 0, "political_status", "cpc_probationary"),
        # Education, for those out of school.
        ("文化程度", "文盲或半文盲", 0, "education", "illiterate"),
        ("文化程度", "文盲", 0, "education", "illiterate"),
        ("文化程度", "本科", 0, "education", "bachelor"),
        ("文化程度", "Junior college", 0, "education", "college"),
        # Schooling status.
        ("在校生状况", "八年级", 2, "schooling", "grade_8"),
        ("在校生状况", "Grade 9", 2, "schooling", "grade_9"),
        # Labour ability.
        ("劳动技能", "技能劳动力", 0, "labour", "skilled"),
        ("劳动技能", "弱劳动力", 0, "labour", "weak"),
        ("劳动技能", "半劳动力", 0, "labour", "weak"),
        ("劳动技能", "Lost labour ability", 0, "labour", "lost"),
        # Active serviceman and personal accident insurance, as yes or no.
        ("是否现役军人", "√", 0, "active_serviceman", True),
        ("现役军人", "无", 0, "active_serviceman", False),
        ("是否参加人身意外伤害保险", "已参加", 0, "accident_insurance", True),
        ("personal accident insurance", "no", 0, "accident_insurance", False),
        ("开户银行", " 农村信用社 ", 0, "bank", "农村信用社"),
        ("银行卡号", "6228-4801-2345-6789", 0, "bank_account", "6228480123456789"),
        ("银行账号", "６２２８４８０１２３４５６７８９", 0, "bank_account", "6228480123456789"),
    ],
)
def test_domain_readme_s1_member_columns_by_code_and_label(
    tmp_path, village_a, header, typed, row, field, expected
):
    result = load_cell(tmp_path, village_a, header, typed, row=row)
    assert result.errors.height == 0, result.issues.rows()
    person = Person.objects.order_by("pk")[row]
    assert getattr(person, field) == expected


@pytest.mark.parametrize(
    ("typed", "category", "grade"),
    [("肢体残疾", "physical", 2), ("肢体", "physical", 2), ("Visual", "visual", 2)],
)
@pytest.mark.parametrize("grade_typed", ["2", "二级", "Grade 2"])
def test_domain_readme_s1_disability_by_label_and_grade_by_code(
    tmp_path, village_a, typed, category, grade, grade_typed
):
    result = load_cell(
        tmp_path, village_a, "残疾类别", typed, 健康状况="残疾", 残疾等级=grade_typed
    )
    assert result.errors.height == 0, result.issues.rows()
    head = Person.objects.get(relation="head")
    assert (head.disability_category, head.disability_grade) == (category, grade)


@pytest.mark.parametrize("typed", ["省外务工", "省外", "Outside the province"])
def test_domain_readme_s1_migrant_work_by_label(tmp_path, village_a, typed):
    rows = family()
    rows[0][HEADERS.index("务工情况")] = typed
    rows[0][HEADERS.index("务工时间")] = "6个月"
    result = run_import(write_xlsx(tmp_path / "work.xlsx", rows), area=village_a)
    assert result.errors.height == 0, result.issues.rows()
    head = Person.objects.get(relation="head")
    assert (head.migrant_work, head.migrant_months) == ("out_of_province", 6)


@pytest.mark.parametrize(
    ("header", "typed", "row"),
    [
        ("与户主关系", "1", 0),
        ("与户主关系", "01", 0),
        ("文化程度", "3", 0),
        ("政治面貌", "01", 0),
        ("劳动技能", "1", 0),
        ("在校生状况", "7", 2),
        ("主要燃料类型", "1", 0),
    ],
)
def test_a_number_the_sources_give_no_code_for_is_refused_not_guessed(
    tmp_path, village_a, header, typed, row
):
    """Domain sources §1.4 give these lists as labels only: a number is reported, not taken for
    the value some program numbers so."""
    result = load_cell(tmp_path, village_a, header, typed, row=row)
    assert not result.loaded
    issue = result.errors.filter(result.errors["code"] == "unreadable_code").row(0, named=True)
    assert (issue["row"], issue["value"]) == (row + 2, typed)


@pytest.mark.parametrize(
    ("header", "typed", "field", "expected"),
    [
        ("识别标准", "国家标准", "identification_standard", "national"),
        ("识别标准", "省定", "identification_standard", "provincial"),
        ("识别标准", "Municipal standard", "identification_standard", "municipal"),
        ("军烈属", "√", "martyr_family", True),
        ("是否独生子女户", "1", "only_child", True),
        ("是否双女户", "×", "two_daughters", False),
        ("耕地面积(亩)", "3.5 亩", "arable_land", Decimal("3.5")),
        ("有效灌溉面积", "２", "irrigated_land", Decimal("2")),
        ("退耕还林", "1,200", "returned_forest_land", Decimal("1200")),
        ("牧草地面积（亩）", "4mu", "grassland", Decimal("4")),
        ("水面", "0.25", "water_surface", Decimal("0.25")),
        ("林果面积", "6", "orchard_land", Decimal("6")),
        ("林地", "20亩", "forest_land", Decimal("20")),
        ("是否加入农民专业合作社", "是", "cooperative_member", True),
        ("生产用电", "有", "production_electricity", True),
        ("是否通生活用电", "否", "household_electricity", False),
        ("距村主干路距离", "2.5 km", "road_distance", Decimal("2.5")),
        ("与村主干路距离（公里）", "0.8千米", "road_distance", Decimal("0.8")),
        ("入户路类型", "沥青路", "road_type", "asphalt"),
        ("入户路类型", "柏油路", "road_type", "asphalt"),
        ("入户路类型", "Earth", "road_type", "earth"),
        ("住房面积", "75 平方米", "housing_area", Decimal("75")),
        ("住房面积(平方米)", "75㎡", "housing_area", Decimal("75")),
        ("是否饮水困难", "1", "water_difficulty", True),
        ("是否解决安全饮用水", "是", "water_safety", "safe"),
        ("主要燃料类型", "煤炭", "main_fuel", "coal"),
        ("燃料类型", "罐装液化气", "main_fuel", "gas"),
        ("主要燃料", "电", "main_fuel", "electricity"),
        ("main fuel", "Other", "main_fuel", "other"),
        ("卫生厕所", "0", "sanitary_toilet", False),
        ("是否通广播电视", "yes", "radio_tv", True),
    ],
)
def test_domain_readme_s1_household_columns_by_label_and_code(
    tmp_path, village_a, header, typed, field, expected
):
    result = load(tmp_path, village_a, **{header: typed})
    assert result.errors.height == 0, result.issues.rows()
    assert getattr(household(), field) == expected


@pytest.mark.parametrize(
    ("columns", "code", "english"),
    [
        ({"耕地面积(亩)": "好几亩"}, "unreadable_number", "“好几亩” is not a number for"),
        ({"住房面积": "-1"}, "negative", "“housing area (m²)” cannot be negative."),
        ({"与村主干路距离": "-0.5公里"}, "negative", "cannot be negative"),
        ({"入户路类型": "高速"}, "unreadable_code", "“高速” is not one of the values"),
        ({"主要燃料类型": "无炊用行为"}, "unreadable_code", "not one of the values of “main fuel”"),
        ({"识别标准": "县定标准"}, "unreadable_code", "identification standard"),
        ({"是否军烈属": "不详"}, "unreadable_bool", "neither yes (是) nor no (否)"),
        ({"银行账号": "6228 48"}, "bank_account", "8 to 30 digits"),
        ({"银行账号": "622848*********9012"}, "masked", "This number is masked"),
        ({"银行账号": "6.22848E+18"}, "lost_digits", "without its last digits"),
    ],
)
def test_domain_readme_s1_bad_values_are_refused_with_a_reason(
    tmp_path, village_a, columns, code, english
):
    result = load(tmp_path, village_a, **columns)
    assert not result.loaded
    assert not Household.objects.exists()
    assert any(english in m for m in messages_of(result, code)), result.issues
