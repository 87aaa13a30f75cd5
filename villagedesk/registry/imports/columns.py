"""The fields an import understands and the headers cadres write for them.

A header is matched after folding (full-width to half-width, blanks removed, lower case), so
"身份证号码", "身份证 号码" and "ID number" all find the identity number. The first Chinese
header of a column is the national form's, and the one an export writes.

A coded column takes the Chinese label, the English label and our own code of each value, and
the national code where the domain sources give one (`codes.*.national`):

- sex: 1 male, 2 female;
- ethnicity: the GB 3304 codes 01–56 (also without the leading zero, as a spreadsheet keeps a
  code typed as a number);
- poverty attribute (贫困户属性): the national codes 01–08;
- poverty status (贫困户状态): the national codes 0, 1, 3, 4;
- disability grade: 1–4 (and 一级 … 四级).

For relation to head, education, schooling status, labour ability, political status, health,
disability category, migrant work, household type, identification standard, access road type and
main fuel the sources give the national labels only, no item codes (the national system's
dictionary numbers such as 1010 or 100A11 name whole lists, not their values): these columns take
the labels and the common ways of writing them (`normalising.EXTRA_CODES`, `label_variants`),
and no numbers, since a number another system gives them would be taken for the wrong value.
Causes of poverty are numbered differently by different programs, so no number is taken for one.

Yes-or-no columns take 是/否, 有/无, √/×, 1/0, yes/no; amounts, areas and distances take their
unit after the number (元, 亩, 平方米, 公里).
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from villagedesk.core.codelists import fold
from villagedesk.registry import codes
from villagedesk.registry.models import CONDITIONS


@dataclass(frozen=True)
class Column:
    name: str
    label: object
    # text, code, codes (several in one cell), date, bool, int, decimal, id_number, phone,
    # account (a bank account number)
    kind: str
    table: str  # household or person
    synonyms: tuple[str, ...] = ()
    choices: type | None = None
    max_length: int = 0
    extra: dict = field(default_factory=dict)
    # False for a column that is checked but not kept: the registry has it from elsewhere
    # (the head's name is the head member's name; the household size, its members).
    stored: bool = True
    # When a row must give the column (one of REQUIREMENTS), as the import page tells users; the
    # checks that enforce it are in the engine and `validating`, and a test holds the two alike.
    required: str = ""


HOUSEHOLD = "household"
PERSON = "person"
# A cell every member's row gives; one the identity number may give instead (sex, date of
# birth); the village, given by the area imported into when that is a village; and a pair of
# which each member's row gives one (education out of school, schooling status in it).
ALWAYS, UNLESS_ID_NUMBER, UNLESS_VILLAGE, EITHER = "always", "unless_id", "unless_village", "either"
REQUIREMENTS = {
    ALWAYS: _("required"),
    UNLESS_ID_NUMBER: _("required unless the identity number gives it"),
    UNLESS_VILLAGE: _("required when importing into a township or county"),
    EITHER: _("education or schooling status: one of the two"),
}
# Areas of land and water are in mu (亩); a cell that is no number says so, not "no amount".
MU = {"units": ("亩", "mu"), "unreadable": "unreadable_number"}

COLUMNS = [
    Column(
        "village",
        _("village"),
        "text",
        HOUSEHOLD,
        ("行政村", "村", "村名", "村代码", "村编码", "所在村", "village", "village code"),
        max_length=100,
        required=UNLESS_VILLAGE,
    ),
    Column(
        "group",
        _("village group"),
        "text",
        HOUSEHOLD,
        ("村民小组", "组", "小组", "组别", "group", "village group"),
        max_length=100,
    ),
    Column(
        "number",
        _("household number"),
        "text",
        HOUSEHOLD,
        ("户编号", "户号", "家庭编号", "户码", "household number", "household no", "household"),
        max_length=30,
        required=ALWAYS,
    ),
    Column(
        "address",
        _("address"),
        "text",
        HOUSEHOLD,
        ("住址", "地址", "家庭住址", "address"),
        max_length=200,
    ),
    Column(
        "household_phone",
        _("household phone"),
        "phone",
        HOUSEHOLD,
        ("联系电话", "户联系电话", "家庭电话", "household phone"),
    ),
    Column(
        "status",
        _("household type"),
        "code",
        HOUSEHOLD,
        ("户类型", "农户类型", "household type", "status", "household status"),
        codes.HouseholdStatus,
    ),
    Column(
        "poverty_status",
        _("poverty status"),
        "code",
        HOUSEHOLD,
        ("贫困户状态", "脱贫状态", "贫困状态", "户状态", "poverty status"),
        codes.PovertyStatus,
    ),
    Column(
        "poverty_attribute",
        _("poverty attribute"),
        "code",
        HOUSEHOLD,
        ("贫困户属性", "脱贫户属性", "户属性", "poverty attribute"),
        codes.PovertyAttribute,
    ),
    Column(
        "main_cause",
        _("main cause of poverty"),
        "code",
        HOUSEHOLD,
        ("主要致贫原因", "致贫原因", "致贫原因1", "main cause of poverty", "main cause"),
        codes.PovertyCause,
    ),
    Column(
        "other_causes",
        _("other causes of poverty"),
        "codes",
        HOUSEHOLD,
        ("其他致贫原因", "次要致贫原因", "other causes of poverty", "other causes"),
        codes.PovertyCause,
        extra={"fields": ("other_cause_1", "other_cause_2"), "max": 2},
    ),
    Column(
        "identified_on",
        _("date identified"),
        "date",
        HOUSEHOLD,
        ("识别时间", "识别日期", "建档时间", "首次识别时间", "date identified"),
    ),
    Column(
        "housing_safety",
        _("housing safety"),
        "code",
        HOUSEHOLD,
        ("住房安全", "住房是否安全", "housing safety"),
        codes.Safety,
    ),
    Column(
        "water_safety",
        _("drinking-water safety"),
        "code",
        HOUSEHOLD,
        (
            "饮水安全",
            "饮水是否安全",
            "是否解决安全饮用水",
            "drinking-water safety",
            "water safety",
        ),
        codes.Safety,
    ),
    Column(
        "owns_vehicle",
        _("owns a motor vehicle"),
        "bool",
        HOUSEHOLD,
        ("是否有机动车", "拥有机动车", "有无机动车", "机动车", "owns a motor vehicle", "vehicle"),
    ),
    Column(
        "owns_business",
        _("has a registered company or business"),
        "bool",
        HOUSEHOLD,
        (
            "是否注册公司或经营实体",
            "注册公司或个体工商户",
            "工商注册",
            "has a registered company or business",
            "business",
        ),
    ),
    Column(
        "public_payroll",
        _("a member is on a public payroll"),
        "bool",
        HOUSEHOLD,
        (
            "是否有财政供养人员",
            "财政供养人员",
            "财政供养",
            "a member is on a public payroll",
            "public payroll",
        ),
    ),
    Column(
        "town_housing",
        _("owns commercial housing in town"),
        "bool",
        HOUSEHOLD,
        (
            "是否在城镇购买商品房",
            "城镇商品房",
            "商品房",
            "owns commercial housing in town",
            "town housing",
        ),
    ),
    Column(
        "deposits",
        _("deposits and securities (yuan)"),
        "decimal",
        HOUSEHOLD,
        (
            "存款及有价证券(元)",
            "存款及有价证券",
            "存款",
            "deposits and securities (yuan)",
            "deposits and securities",
            "deposits",
        ),
        extra={"units": ("元", "yuan")},
    ),
    Column(
        "identification_standard",
        _("identification standard"),
        "code",
        HOUSEHOLD,
        ("识别标准", "贫困户识别标准", "identification standard"),
        codes.IdentificationStandard,
    ),
    Column(
        "martyr_family",
        _("martyr or soldier family"),
        "bool",
        HOUSEHOLD,
        ("是否军烈属", "军烈属", "是否军烈属户", "martyr or soldier family"),
    ),
    Column(
        "only_child",
        _("only-child household"),
        "bool",
        HOUSEHOLD,
        ("是否独生子女户", "独生子女户", "only-child household"),
    ),
    Column(
        "two_daughters",
        _("two-daughter household"),
        "bool",
        HOUSEHOLD,
        ("是否双女户", "双女户", "two-daughter household"),
    ),
    Column(
        "arable_land",
        _("arable land (mu)"),
        "decimal",
        HOUSEHOLD,
        ("耕地面积(亩)", "耕地面积", "耕地", "arable land (mu)", "arable land"),
        extra=MU,
    ),
    Column(
        "irrigated_land",
        _("effectively irrigated land (mu)"),
        "decimal",
        HOUSEHOLD,
        (
            "有效灌溉面积(亩)",
            "有效灌溉面积",
            "有效灌溉耕地面积",
            "effectively irrigated land (mu)",
            "irrigated land",
        ),
        extra=MU,
    ),
    Column(
        "forest_land",
        _("forest land (mu)"),
        "decimal",
        HOUSEHOLD,
        ("林地面积(亩)", "林地面积", "林地", "forest land (mu)", "forest land"),
        extra=MU,
    ),
    Column(
        "returned_forest_land",
        _("land returned to forest (mu)"),
        "decimal",
        HOUSEHOLD,
        (
            "退耕还林面积(亩)",
            "退耕还林面积",
            "退耕还林",
            "land returned to forest (mu)",
            "land returned to forest",
        ),
        extra=MU,
    ),
    Column(
        "orchard_land",
        _("orchard (mu)"),
        "decimal",
        HOUSEHOLD,
        ("林果面积(亩)", "林果面积", "林果地面积", "果园面积", "orchard (mu)", "orchard"),
        extra=MU,
    ),
    Column(
        "grassland",
        _("grassland (mu)"),
        "decimal",
        HOUSEHOLD,
        ("牧草地面积(亩)", "牧草地面积", "牧草地", "草地面积", "grassland (mu)", "grassland"),
        extra=MU,
    ),
    Column(
        "water_surface",
        _("water surface (mu)"),
        "decimal",
        HOUSEHOLD,
        ("水面面积(亩)", "水面面积", "水面", "water surface (mu)", "water surface"),
        extra=MU,
    ),
    Column(
        "cooperative_member",
        _("member of a farmers' cooperative"),
        "bool",
        HOUSEHOLD,
        (
            "是否加入农民专业合作组织",
            "是否加入农民专业合作社",
            "加入农民专业合作组织",
            "农民专业合作社",
            "member of a farmers' cooperative",
            "cooperative member",
        ),
    ),
    Column(
        "production_electricity",
        _("electricity for production"),
        "bool",
        HOUSEHOLD,
        ("是否通生产用电", "通生产用电", "生产用电", "electricity for production"),
    ),
    Column(
        "household_electricity",
        _("electricity for the household"),
        "bool",
        HOUSEHOLD,
        ("是否通生活用电", "通生活用电", "生活用电", "electricity for the household"),
    ),
    Column(
        "road_distance",
        _("distance to the village's main road (km)"),
        "decimal",
        HOUSEHOLD,
        (
            "与村主干路距离(公里)",
            "与村主干路距离",
            "距村主干路距离(公里)",
            "距村主干路距离",
            "距离村主干路(公里)",
            "distance to the village's main road (km)",
            "distance to the main road",
        ),
        extra={"units": ("公里", "千米", "km"), "unreadable": "unreadable_number"},
    ),
    Column(
        "road_type",
        _("access road type"),
        "code",
        HOUSEHOLD,
        ("入户路类型", "入户路", "access road type", "road type"),
        codes.RoadType,
    ),
    Column(
        "housing_area",
        _("housing area (m²)"),
        "decimal",
        HOUSEHOLD,
        ("住房面积(平方米)", "住房面积", "住房面积(㎡)", "housing area (m²)", "housing area"),
        extra={"units": ("平方米", "平米", "㎡", "m²", "m2"), "unreadable": "unreadable_number"},
    ),
    Column(
        "water_difficulty",
        _("drinking-water difficulty"),
        "bool",
        HOUSEHOLD,
        ("是否饮水困难", "饮水困难", "drinking-water difficulty", "water difficulty"),
    ),
    Column(
        "main_fuel",
        _("main fuel"),
        "code",
        HOUSEHOLD,
        ("主要燃料类型", "燃料类型", "主要燃料", "main fuel", "fuel"),
        codes.Fuel,
    ),
    Column(
        "sanitary_toilet",
        _("sanitary toilet"),
        "bool",
        HOUSEHOLD,
        ("是否有卫生厕所", "卫生厕所", "sanitary toilet"),
    ),
    Column(
        "radio_tv",
        _("radio and TV"),
        "bool",
        HOUSEHOLD,
        ("是否通广播电视", "通广播电视", "广播电视", "radio and TV", "radio and television"),
    ),
    Column(
        "head_name",
        _("head's name"),
        "text",
        HOUSEHOLD,
        ("户主姓名", "户主名字", "head's name", "head of household", "name of the head"),
        max_length=50,
        stored=False,
    ),
    Column(
        "head_id_number",
        _("head's identity number"),
        "id_number",
        HOUSEHOLD,
        (
            "户主证件号码",
            "户主身份证号码",
            "户主身份证号",
            "户主公民身份号码",
            "head's identity number",
            "head's id number",
        ),
        stored=False,
    ),
    Column(
        "size",
        _("household size"),
        "int",
        HOUSEHOLD,
        ("人数", "家庭人口数", "家庭人数", "户人数", "户人口数", "household size"),
        stored=False,
    ),
    Column(
        "name",
        pgettext_lazy("person", "name"),
        "text",
        PERSON,
        ("姓名", "成员姓名", "name"),
        max_length=50,
        required=ALWAYS,
    ),
    Column(
        "document_type",
        _("document type"),
        "code",
        PERSON,
        ("证件类型", "document type"),
        codes.DocumentType,
    ),
    Column(
        "id_number",
        _("identity number"),
        "id_number",
        PERSON,
        (
            "身份证号码",
            "身份证号",
            "证件号码",
            "公民身份号码",
            "身份证件号码",
            "identity number",
            "id number",
            "id",
        ),
    ),
    Column(
        "sex",
        _("sex"),
        "code",
        PERSON,
        ("性别", "sex", "gender"),
        codes.Sex,
        required=UNLESS_ID_NUMBER,
    ),
    Column(
        "birth_date",
        _("date of birth"),
        "date",
        PERSON,
        ("出生日期", "出生年月", "生日", "date of birth", "birth date", "birthday"),
        required=UNLESS_ID_NUMBER,
    ),
    Column(
        "ethnicity",
        _("ethnicity"),
        "code",
        PERSON,
        ("民族", "ethnicity", "nationality"),
        codes.Ethnicity,
    ),
    Column(
        "relation",
        _("relation to head"),
        "code",
        PERSON,
        ("与户主关系", "家庭关系", "关系", "与户主的关系", "relation to head", "relation"),
        codes.Relation,
        required=ALWAYS,
    ),
    Column(
        "political_status",
        _("political status"),
        "code",
        PERSON,
        ("政治面貌", "political status"),
        codes.PoliticalStatus,
    ),
    Column(
        "education",
        _("education"),
        "code",
        PERSON,
        ("文化程度", "学历", "education"),
        codes.Education,
        required=EITHER,
    ),
    Column(
        "schooling",
        _("schooling status"),
        "code",
        PERSON,
        ("在校生状况", "在校生情况", "在校情况", "schooling status", "schooling"),
        codes.Schooling,
        required=EITHER,
    ),
    Column(
        "education_exemption",
        _("schooling exemption"),
        "code",
        PERSON,
        (
            "送教上门或免修缓学",
            "免修缓学",
            "送教上门",
            "schooling exemption",
            "education exemption",
        ),
        codes.EducationExemption,
    ),
    Column(
        "health",
        _("health"),
        "codes",
        PERSON,
        ("健康状况", "健康情况", "health"),
        codes.Health,
        extra={"fields": ("chronic_illness", "serious_illness", "_healthy", "_disabled")},
    ),
    Column(
        "chronic_illness",
        _("long-term chronic illness"),
        "bool",
        PERSON,
        ("长期慢性病", "慢性病", "long-term chronic illness", "chronic illness"),
    ),
    Column(
        "serious_illness",
        _("serious illness"),
        "bool",
        PERSON,
        ("患有大病", "大病", "serious illness"),
    ),
    Column(
        "disability_category",
        _("disability"),
        "code",
        PERSON,
        ("残疾类别", "残疾类型", "残疾", "disability", "disability category"),
        codes.DisabilityCategory,
    ),
    Column(
        "disability_grade",
        _("disability grade"),
        "code",
        PERSON,
        ("残疾等级", "残疾级别", "disability grade"),
        codes.DisabilityGrade,
    ),
    Column(
        "disability_certificate",
        _("disability certificate number"),
        "text",
        PERSON,
        ("残疾证号", "残疾证号码", "disability certificate number", "disability certificate"),
        max_length=30,
    ),
    Column(
        "labour",
        _("labour ability"),
        "code",
        PERSON,
        ("劳动技能", "劳动能力", "labour ability", "labour"),
        codes.Labour,
    ),
    Column(
        "migrant_work",
        _("migrant work"),
        "code",
        PERSON,
        ("务工情况", "务工地点", "外出务工情况", "migrant work", "workplace"),
        codes.MigrantWork,
    ),
    Column(
        "migrant_months",
        _("months of migrant work"),
        "int",
        PERSON,
        (
            "务工时间",
            "务工时间(月)",
            "务工时长",
            "务工时长(月)",
            "务工月数",
            "外出务工时间",
            "months of migrant work",
            "migrant months",
        ),
        extra={"max": 12},
    ),
    Column(
        "migrant_place",
        _("place of migrant work"),
        "text",
        PERSON,
        ("务工所在地", "务工所在地点", "务工地址", "place of migrant work", "migrant place"),
        max_length=100,
    ),
    Column(
        "medical_insurance",
        _("basic medical insurance"),
        "bool",
        PERSON,
        (
            "是否参加城乡居民基本医疗保险",
            "是否参加新型农村合作医疗(城乡居民基本医疗保险)",
            "基本医疗保险",
            "城乡居民基本医疗保险",
            "basic medical insurance",
            "medical insurance",
        ),
    ),
    Column(
        "employee_medical_insurance",
        _("employee basic medical insurance"),
        "bool",
        PERSON,
        (
            "是否参加城镇职工基本医疗保险",
            "城镇职工基本医疗保险",
            "职工医保",
            "employee basic medical insurance",
            "employee medical insurance",
        ),
    ),
    Column(
        "serious_illness_insurance",
        _("serious-illness insurance"),
        "bool",
        PERSON,
        ("是否参加大病保险", "大病保险", "serious-illness insurance"),
    ),
    Column(
        "pension_insurance",
        _("basic pension insurance"),
        "bool",
        PERSON,
        (
            "是否参加城乡居民基本养老保险",
            "基本养老保险",
            "城乡居民基本养老保险",
            "basic pension insurance",
            "pension insurance",
        ),
    ),
    Column(
        "accident_insurance",
        _("personal accident insurance"),
        "bool",
        PERSON,
        (
            "是否参加人身意外伤害保险",
            "人身意外伤害保险",
            "意外伤害保险",
            "personal accident insurance",
            "accident insurance",
        ),
    ),
    Column(
        "active_serviceman",
        _("active serviceman"),
        "bool",
        PERSON,
        ("是否现役军人", "现役军人", "active serviceman"),
    ),
    Column(
        "phone",
        _("phone"),
        "phone",
        PERSON,
        (
            "手机号码",
            "手机号",
            "手机",
            "个人电话",
            "成员联系电话",
            "人联系电话",
            "联系方式",
            "phone",
            "mobile",
        ),
    ),
    Column(
        "bank",
        _("bank"),
        "text",
        PERSON,
        ("开户银行", "开户行", "开户银行名称", "bank"),
        max_length=50,
    ),
    Column(
        "bank_account",
        _("bank account number"),
        "account",
        PERSON,
        ("银行账号", "银行卡号", "开户账号", "账号", "bank account number", "bank account"),
    ),
]

BY_NAME = {column.name: column for column in COLUMNS}


def stored_fields(column: Column) -> list[str]:
    """The fields a column's cells become: itself, or for several values in one cell the fields
    it is spread over (those starting with _ serve the checks and are not stored)."""
    return list(column.extra.get("fields", (column.name,)))


# A field spread from a cell of several values, and the column it comes from.
SPREAD_FROM = {f: c.name for c in COLUMNS if c.kind == "codes" for f in stored_fields(c)}
HOUSEHOLD_FIELDS = list(
    dict.fromkeys(f for c in COLUMNS if c.table == HOUSEHOLD for f in stored_fields(c))
)
PERSON_FIELDS = list(
    dict.fromkeys(f for c in COLUMNS if c.table == PERSON for f in stored_fields(c))
)
# The household's own fields, without the keys that place it.
HOUSEHOLD_DATA = [
    "address",
    "household_phone",
    "status",
    "poverty_status",
    "poverty_attribute",
    "main_cause",
    "other_cause_1",
    "other_cause_2",
    "identified_on",
    "housing_safety",
    "water_safety",
    "owns_vehicle",
    "owns_business",
    "public_payroll",
    "town_housing",
    "deposits",
    "identification_standard",
    "martyr_family",
    "only_child",
    "two_daughters",
    *CONDITIONS,
]
PERSON_DATA = [
    name
    for name in PERSON_FIELDS
    if not name.startswith("_") and (name not in BY_NAME or BY_NAME[name].stored)
]
# Headers of columns that only number the rows: not data, so not reported as unread.
ROW_NUMBER_HEADERS = {"序号", "no", "no.", "#"}

_HEADERS: dict[str, str] = {}
for _column in COLUMNS:
    for _synonym in (*_column.synonyms, _column.name):
        _HEADERS.setdefault(fold(_synonym), _column.name)


def header_field(header: str) -> str | None:
    """The field a header names, or None when no field is known by it."""
    key = fold(header).strip("*＊:：")
    for ignorable in ("(必填)", "（必填）"):
        key = key.replace(fold(ignorable), "")
    return _HEADERS.get(key)


def guess_mapping(headers: list[str]) -> dict[int, str]:
    """Column position → field, each field taken by the first header that names it."""
    mapping: dict[int, str] = {}
    taken: set[str] = set()
    for position, header in enumerate(headers):
        name = header_field(header) if header else None
        if name and name not in taken:
            mapping[position] = name
            taken.add(name)
    return mapping


def is_row_number(header: str) -> bool:
    return fold(header) in ROW_NUMBER_HEADERS


def header_labels() -> dict[str, str]:
    """The Chinese header each field is exported under (the official form's wording)."""
    return {column.name: column.synonyms[0] for column in COLUMNS}
