"""The national policies and care lists shipped with Village Desk, with their usual structure.

Rules name parameters (the county's subsistence standard, the monitoring threshold…) rather than
figures: figures are local and set per area and year. The structure follows the national rules
cited in `legal_basis`; counties adapt a rule by saving a new version on the rules page.
"""

from villagedesk.core.codelists import bi
from villagedesk.registry.codes import COMPULSORY_SCHOOLING, Schooling
from villagedesk.welfare.codes import (
    AWAY_FROM_TOWNSHIP,
    BenefitUnit,
    IncomeBasis,
    PolicyCategory,
)

# The local figures rules may name; each is set per area and year on the parameters page.
PARAMETERS = {
    "dibao_standard": bi(
        "农村低保标准（元/人·年）", "Rural subsistence standard (yuan a person a year)"
    ),
    "poverty_line": bi("贫困线（元/人·年）", "Poverty line (yuan a person a year)"),
    "monitoring_threshold": bi("防返贫监测范围（元/人·年）", "Monitoring income threshold (yuan)"),
    "notice_days": bi("公示天数", "Days of public notice"),
    "decision_days": bi("识别时限（天）", "Days from first lead to decision"),
    "measure_days": bi("开发式帮扶措施时限（天）", "Days to give a developmental measure"),
    "exit_incidence_percent": bi(
        "贫困村退出贫困发生率（%）", "Village exit: highest incidence (%)"
    ),
    "disposable_income_last_year": bi(
        "上年农村居民人均可支配收入（元）",
        "Rural per-capita disposable income of last year (yuan)",
    ),
    "heavy_spending_threshold": bi(
        "刚性支出（医疗自付）监测线（元/户·年）",
        "Heavy necessary spending: out-of-pocket medical costs (yuan a household a year)",
    ),
    "min_monitoring_months": bi(
        "风险消除前最短监测时间（月）", "Months of monitoring before a risk may be eliminated"
    ),
    "income_drop_percent": bi(
        "收入骤减幅度（%，较前12个月）", "Sharp income drop (% below the 12 months before)"
    ),
    "dibao_marginal_multiple": bi(
        "低保边缘家庭收入倍数（低保标准的倍数）",
        "Margin of the allowance: multiple of the subsistence standard",
    ),
    # Read by the village economy (`economy.codes.WEAK_INCOME_PARAMETER`): no national figure.
    "collective_weak_income": bi(
        "集体经济薄弱村经营性收入标准（元/年）",
        "Weak village: collective operating income below (yuan a year)",
    ),
}

ABLE = ["ordinary", "skilled"]
VOCATIONAL = [
    s.value
    for s in Schooling
    if s.value.startswith(("vocational_", "higher_vocational_", "technician_"))
]
BELOW_DIBAO = {"field": "per_capita_income", "op": "<", "value": {"param": "dibao_standard"}}
HOUSEHOLD_BELOW_DIBAO = {
    "field": "household.per_capita_income",
    "op": "<",
    "value": {"param": "dibao_standard"},
}
# Still at school, for a supported minor who turns 18 (民发〔2021〕43号): compulsory
# education, senior high school or secondary vocational school.
STILL_AT_SCHOOL = sorted(
    {s.value for s in COMPULSORY_SCHOOLING}
    | {s.value for s in Schooling if s.value.startswith(("high_", "vocational_"))}
)
# No labour capacity (民发〔2021〕43号): age and disability decide, not the labour field.
# Hearing and speech disability do not count. A minor already supported continues to 18, and
# beyond while at school.
NO_LABOUR_CAPACITY = {
    "any": [
        {"field": "age", "op": ">=", "value": 60},
        {"field": "age", "op": "<", "value": 16},
        {
            "all": [
                {"field": "disability_category", "op": "in", "value": ["intellectual", "mental"]},
                {"field": "disability_grade", "op": "<=", "value": 3},
            ]
        },
        {
            "all": [
                {"field": "disability_category", "op": "=", "value": "physical"},
                {"field": "disability_grade", "op": "<=", "value": 2},
            ]
        },
        {
            "all": [
                {"field": "disability_category", "op": "=", "value": "visual"},
                {"field": "disability_grade", "op": "=", "value": 1},
            ]
        },
        {
            "all": [
                {"field": "tekun_supported", "op": "=", "value": True},
                {
                    "any": [
                        {"field": "age", "op": "<", "value": 18},
                        {"field": "schooling", "op": "in", "value": STILL_AT_SCHOOL},
                    ]
                },
            ]
        },
    ]
}
RECEIVES_DIBAO = {"field": "household.receives_dibao", "op": "=", "value": True}
# At home: not working away from the township (in the township counts as at home).
AT_HOME = {"not": {"field": "migrant_work", "op": "in", "value": AWAY_FROM_TOWNSHIP}}
# Property within limits (the facts local rules on 低保 and 特困 test; README §4, §9).
PROPERTY_WITHIN_LIMITS = [
    {"field": "owns_vehicle", "op": "=", "value": False},
    {"field": "owns_business", "op": "=", "value": False},
    {"field": "public_payroll", "op": "=", "value": False},
    {"field": "town_housing", "op": "=", "value": False},
]
HOUSEHOLD_PROPERTY_WITHIN_LIMITS = [
    {**condition, "field": f"household.{condition['field']}"}
    for condition in PROPERTY_WITHIN_LIMITS
]

SHIPPED = [
    {
        "code": "dibao",
        "name_zh": "农村最低生活保障",
        "name_en": "Rural subsistence allowance",
        "category": PolicyCategory.SOCIAL_ASSISTANCE,
        "issuing_body": "民政部门",
        "legal_basis": "《社会救助暂行办法》（国务院令第649号）第九条",
        "benefit_unit": BenefitUnit.HOUSEHOLD,
        "amount_rule": "（当地低保标准 − 家庭人均收入）× 家庭人口，按月发放",
        "income_basis": IncomeBasis.SOCIAL_ASSISTANCE,
        "rule": {"all": [BELOW_DIBAO, *PROPERTY_WITHIN_LIMITS]},
    },
    {
        "code": "dibao_marginal",
        "name_zh": "低保边缘家庭",
        "name_en": "Households on the margin of the subsistence allowance",
        "category": PolicyCategory.SOCIAL_ASSISTANCE,
        "issuing_body": "民政部门",
        "legal_basis": (
            "《最低生活保障审核确认办法》（民发〔2021〕57号）；"
            "《关于加强低收入人口动态监测做好分层分类社会救助工作的意见》"
        ),
        "benefit_unit": BenefitUnit.HOUSEHOLD,
        "amount_rule": "专项救助（医疗、住房、教育等）",
        "income_basis": IncomeBasis.SOCIAL_ASSISTANCE,
        "rule": {
            "all": [
                {"field": "per_capita_income", "op": ">=", "value": {"param": "dibao_standard"}},
                {
                    "field": "per_capita_income",
                    "op": "<",
                    "value": {
                        "param": "dibao_standard",
                        "times": {"param": "dibao_marginal_multiple"},
                    },
                },
                *PROPERTY_WITHIN_LIMITS,
            ]
        },
    },
    {
        "code": "tekun",
        "name_zh": "特困人员救助供养",
        "name_en": "Extreme-poverty support",
        "category": PolicyCategory.SOCIAL_ASSISTANCE,
        "issuing_body": "民政部门",
        "legal_basis": "《社会救助暂行办法》第十四条；《特困人员认定办法》（民发〔2021〕43号）",
        "benefit_unit": BenefitUnit.PERSON,
        "amount_rule": "基本生活标准不低于当地低保标准的1.3倍",
        "income_basis": IncomeBasis.SOCIAL_ASSISTANCE,
        # No labour capacity, no source of living (income and property), and no legal
        # supporter able to fulfil the duty (民发〔2021〕43号).
        "rule": {
            "all": [
                NO_LABOUR_CAPACITY,
                HOUSEHOLD_BELOW_DIBAO,
                *HOUSEHOLD_PROPERTY_WITHIN_LIMITS,
                {"field": "able_supporters", "op": "=", "value": False},
            ]
        },
    },
    {
        "code": "disability_living",
        "name_zh": "困难残疾人生活补贴",
        "name_en": "Living subsidy for disabled persons in difficulty",
        "category": PolicyCategory.DISABILITY,
        "issuing_body": "民政部门、残联",
        "legal_basis": (
            "《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》"
            "（国发〔2015〕52号）"
        ),
        "benefit_unit": BenefitUnit.PERSON,
        "amount_rule": "按当地标准按月发放",
        "income_basis": IncomeBasis.SOCIAL_ASSISTANCE,
        "rule": {
            "all": [
                {"field": "disability_category", "op": "not_empty"},
                {"any": [RECEIVES_DIBAO, HOUSEHOLD_BELOW_DIBAO]},
            ]
        },
    },
    {
        "code": "disability_nursing",
        "name_zh": "重度残疾人护理补贴",
        "name_en": "Nursing subsidy for the severely disabled",
        "category": PolicyCategory.DISABILITY,
        "issuing_body": "民政部门、残联",
        "legal_basis": "国发〔2015〕52号",
        "benefit_unit": BenefitUnit.PERSON,
        "amount_rule": "按当地标准按月发放",
        "rule": {
            "any": [
                {"field": "disability_grade", "op": "<=", "value": 2},
                {
                    "all": [
                        {"field": "disability_grade", "op": "=", "value": 3},
                        {
                            "field": "disability_category",
                            "op": "in",
                            "value": ["intellectual", "mental"],
                        },
                    ]
                },
            ]
        },
    },
    {
        "code": "school_nutrition",
        "name_zh": "农村义务教育学生营养改善计划",
        "name_en": "School nutrition for rural compulsory-education pupils",
        "category": PolicyCategory.EDUCATION,
        "issuing_body": "教育部门",
        "legal_basis": (
            "《国务院办公厅关于实施农村义务教育学生营养改善计划的意见》（国办发〔2011〕54号）"
        ),
        "benefit_unit": BenefitUnit.PERSON,
        "amount_rule": "每生每天膳食补助5元",
        "rule": {
            "field": "schooling",
            "op": "in",
            "value": sorted(s.value for s in COMPULSORY_SCHOOLING),
        },
    },
    {
        "code": "yulu",
        "name_zh": "雨露计划职业教育补助",
        "name_en": "Rain and Dew vocational-education grant",
        "category": PolicyCategory.EDUCATION,
        "issuing_body": "乡村振兴（农业农村）部门",
        "legal_basis": "《关于进一步做好雨露计划职业教育补助工作的通知》",
        "benefit_unit": BenefitUnit.PERSON,
        "amount_rule": "每生每年约3000元，分春秋两季发放",
        "rule": {
            "all": [
                {"field": "schooling", "op": "in", "value": VOCATIONAL},
                {"field": "household.status", "op": "in", "value": ["poor", "exited", "monitored"]},
            ]
        },
    },
    {
        "code": "medical_premium_aid",
        "name_zh": "城乡居民医保参保资助",
        "name_en": "Medical-insurance premium aid",
        "category": PolicyCategory.HEALTH,
        "issuing_body": "医疗保障部门",
        "legal_basis": "《关于健全重特大疾病医疗保险和救助制度的意见》（国办发〔2021〕42号）",
        "benefit_unit": BenefitUnit.PERSON,
        "amount_rule": "特困全额资助，低保和监测对象定额资助",
        "income_basis": IncomeBasis.SOCIAL_ASSISTANCE,
        "rule": {
            "any": [
                {"field": "household.status", "op": "in", "value": ["poor", "monitored"]},
                RECEIVES_DIBAO,
                {"field": "tekun_supported", "op": "=", "value": True},
                HOUSEHOLD_BELOW_DIBAO,
            ]
        },
    },
    {
        "code": "housing_renovation",
        "name_zh": "农村危房改造",
        "name_en": "Rural dangerous-housing renovation",
        "category": PolicyCategory.HOUSING,
        "issuing_body": "住房和城乡建设部门",
        "legal_basis": (
            "《关于做好农村低收入群体等重点对象住房安全保障工作的实施意见》（建村〔2021〕35号）"
        ),
        "benefit_unit": BenefitUnit.HOUSEHOLD,
        "amount_rule": "按改造方式定额补助",
        "income_basis": IncomeBasis.SOCIAL_ASSISTANCE,
        "rule": {
            "all": [
                {"field": "housing_safety", "op": "=", "value": "unsafe"},
                {
                    "any": [
                        {"field": "status", "op": "in", "value": ["poor", "exited", "monitored"]},
                        BELOW_DIBAO,
                    ]
                },
            ]
        },
    },
    {
        "code": "welfare_job",
        "name_zh": "乡村公益性岗位",
        "name_en": "Rural public-welfare job",
        "category": PolicyCategory.EMPLOYMENT,
        "issuing_body": "人力资源和社会保障部门",
        "legal_basis": "《关于健全完善乡村公益性岗位开发管理的通知》（人社部发〔2021〕）",
        "benefit_unit": BenefitUnit.HOUSEHOLD,
        "amount_rule": "按岗位补贴标准按月发放",
        "rule": {
            "all": [
                {"field": "status", "op": "in", "value": ["exited", "monitored"]},
                {
                    "field": "per_capita_income",
                    "op": "<",
                    "value": {"param": "monitoring_threshold"},
                },
                {
                    "count": {
                        "all": [
                            {"field": "age", "op": "between", "value": [16, 64]},
                            {
                                "field": "labour",
                                "op": "in",
                                "value": ["ordinary", "skilled", "weak"],
                            },
                            {"field": "migrant_work", "op": "empty"},
                        ]
                    },
                    "op": ">=",
                    "value": 1,
                },
            ]
        },
    },
    {
        "code": "micro_credit",
        "name_zh": "脱贫人口小额信贷",
        "name_en": "Micro-credit for people out of poverty",
        "category": PolicyCategory.INDUSTRY,
        "issuing_body": "乡村振兴部门、金融机构",
        "legal_basis": "《关于进一步规范和完善扶贫小额信贷管理的通知》（银保监发〔2021〕6号）",
        "benefit_unit": BenefitUnit.HOUSEHOLD,
        "amount_rule": "5万元以下、3年以内、免担保免抵押、基准利率放贷、财政贴息",
        "rule": {
            "all": [
                {"field": "status", "op": "in", "value": ["exited", "monitored"]},
                {
                    "count": {
                        "all": [
                            {"field": "age", "op": "between", "value": [18, 65]},
                            {"field": "labour", "op": "in", "value": ABLE},
                        ]
                    },
                    "op": ">=",
                    "value": 1,
                },
            ]
        },
    },
    # Care lists: rules in the same engine, over persons.
    {
        "code": "left_behind_children",
        "name_zh": "农村留守儿童",
        "name_en": "Left-behind children",
        "category": PolicyCategory.CARE,
        "issuing_body": "民政部门",
        "legal_basis": "《国务院关于加强农村留守儿童关爱保护工作的意见》（国发〔2016〕13号）",
        "benefit_unit": BenefitUnit.PERSON,
        # The child's own parents, from the derived family links, whoever the head is.
        "rule": {
            "all": [
                {"field": "age", "op": "<", "value": 16},
                {"field": "parents_away", "op": "=", "value": True},
            ]
        },
    },
    {
        "code": "left_behind_elderly",
        "name_zh": "农村留守老年人",
        "name_en": "Left-behind elderly",
        "category": PolicyCategory.CARE,
        "issuing_body": "民政部门",
        "legal_basis": "《关于加强农村留守老年人关爱服务工作的意见》（民发〔2017〕193号）",
        "benefit_unit": BenefitUnit.PERSON,
        "rule": {
            "all": [
                {"field": "age", "op": ">=", "value": 60},
                AT_HOME,
                {"field": "supporters_away", "op": "=", "value": True},
                {"field": "supporters_at_home", "op": "=", "value": False},
            ]
        },
    },
    {
        "code": "left_behind_women",
        "name_zh": "农村留守妇女",
        "name_en": "Left-behind women",
        "category": PolicyCategory.CARE,
        "issuing_body": "妇联",
        "legal_basis": "全国妇联关爱农村留守妇女工作要求",
        "benefit_unit": BenefitUnit.PERSON,
        "rule": {
            "all": [
                {"field": "sex", "op": "=", "value": "female"},
                AT_HOME,
                {"field": "spouse_away", "op": "=", "value": True},
            ]
        },
    },
    {
        "code": "disabled_persons",
        "name_zh": "残疾人",
        "name_en": "Disabled persons",
        "category": PolicyCategory.CARE,
        "issuing_body": "残联",
        "legal_basis": "《中华人民共和国残疾人保障法》",
        "benefit_unit": BenefitUnit.PERSON,
        "rule": {"field": "disability_category", "op": "not_empty"},
    },
    {
        "code": "ill_persons",
        "name_zh": "重病和慢性病患者",
        "name_en": "Seriously or chronically ill persons",
        "category": PolicyCategory.CARE,
        "issuing_body": "卫生健康部门",
        "legal_basis": "健康帮扶有关规定",
        "benefit_unit": BenefitUnit.PERSON,
        "rule": {
            "any": [
                {"field": "serious_illness", "op": "=", "value": True},
                {"field": "chronic_illness", "op": "=", "value": True},
            ]
        },
    },
    {
        "code": "disaster_accident",
        "name_zh": "受灾或遭遇意外事故家庭成员",
        "name_en": "Households hit by disaster or accident",
        "category": PolicyCategory.CARE,
        "issuing_body": "乡村振兴部门、应急管理部门",
        "legal_basis": "防止返贫动态监测和帮扶有关规定（突发严重困难户）",
        "benefit_unit": BenefitUnit.PERSON,
        # Every member of a household whose monitoring case this year names either risk.
        "rule": {
            "any": [
                {"field": "household.monitored_disaster", "op": "=", "value": True},
                {"field": "household.monitored_accident", "op": "=", "value": True},
            ]
        },
    },
]
