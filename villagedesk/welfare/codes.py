"""Code lists of welfare: policy categories, income kinds, monitoring categories and steps."""

from django.db import models

from villagedesk.core.codelists import bi


class PolicyCategory(models.TextChoices):
    SOCIAL_ASSISTANCE = "social_assistance", bi("社会救助", "Social assistance")
    DISABILITY = "disability", bi("残疾人补贴", "Disability subsidies")
    EDUCATION = "education", bi("教育", "Education")
    HEALTH = "health", bi("医疗保障", "Health")
    HOUSING = "housing", bi("住房", "Housing")
    EMPLOYMENT = "employment", bi("就业", "Employment")
    INDUSTRY = "industry", bi("产业与小额信贷", "Industry and micro-credit")
    CARE = "care", bi("关爱服务", "Care list")


class BenefitUnit(models.TextChoices):
    HOUSEHOLD = "household", bi("户", "Household")
    PERSON = "person", bi("人", "Person")


class IncomeKind(models.TextChoices):
    """The income lines of the household form; net production is income minus costs.

    Transfers are split as finely as the 2021 social-assistance rules need to leave some out
    (民发〔2021〕57号 art. 11): which of them count is a property of the policy and year."""

    WAGE = "wage", bi("工资性收入", "Wage income")
    PRODUCTION = "production", bi("生产经营性收入", "Production and business income")
    PRODUCTION_COST = "production_cost", bi("生产经营性支出", "Production and business costs")
    PROPERTY = "property", bi("财产性收入", "Property income")
    TRANSFER_FAMILY_PLANNING = (
        "transfer_family_planning",
        bi("计划生育奖励与扶助金", "Family-planning awards and support"),
    )
    TRANSFER_SPECIAL_CARE = (
        "transfer_special_care",
        bi("优待抚恤金", "Special-care and pension payments to entitled groups"),
    )
    TRANSFER_AWARD = (
        "transfer_award",
        bi("奖学金、见义勇为等奖励性补助", "Scholarships and rewards such as for bravery"),
    )
    TRANSFER_DIBAO = "transfer_dibao", bi("低保金", "Subsistence allowance")
    TRANSFER_TEKUN = "transfer_tekun", bi("特困供养金", "Extreme-poverty support")
    TRANSFER_ASSISTANCE = (
        "transfer_assistance",
        bi("临时救助等其他社会救助款物", "Temporary and other social-assistance payments"),
    )
    TRANSFER_BASE_PENSION = (
        "transfer_base_pension",
        bi("城乡居民基本养老保险基础养老金", "Residents' basic pension: central base part"),
    )
    TRANSFER_PENSION = (
        "transfer_pension",
        bi("其他养老金", "Other pension (personal account, employees' pension)"),
    )
    TRANSFER_ECOLOGICAL = "transfer_ecological", bi("生态补偿金", "Ecological compensation")
    TRANSFER_OTHER = "transfer_other", bi("其他转移性收入", "Other transfers")


# Kinds that count against income rather than towards it.
COST_KINDS = {IncomeKind.PRODUCTION_COST}
TRANSFER_KINDS = {k for k in IncomeKind if k.value.startswith("transfer_")}


class IncomeBasis(models.TextChoices):
    """Which income a policy counts (see `welfare.income`)."""

    FULL = "full", bi("家庭全部纯收入", "All net income")
    SOCIAL_ASSISTANCE = (
        "social_assistance",
        bi("社会救助家庭收入（民发〔2021〕57号）", "Social-assistance income (2021 rules)"),
    )


class SupportMode(models.TextChoices):
    """How an extreme-poor person is supported (特困人员供养方式)."""

    DISPERSED = "dispersed", bi("分散供养", "Supported at home (dispersed)")
    CENTRALISED = "centralised", bi("集中供养", "Supported in a care home (centralised)")


# The policy whose enrolments record the way of support.
SUPPORT_MODE_POLICY = "tekun"


class GapKind(models.TextChoices):
    ELIGIBLE_NOT_ENROLLED = "eligible_not_enrolled", bi("应享未享", "Eligible, not enrolled")
    ENROLLED_NOT_ELIGIBLE = "enrolled_not_eligible", bi("享受不符", "Enrolled, not eligible")


class MonitoringCategory(models.TextChoices):
    UNSTABLE = "unstable", bi("脱贫不稳定户", "Out of poverty but unstable")
    MARGINAL = "marginal", bi("边缘易致贫户", "Marginal, easily falling into poverty")
    SUDDEN = "sudden", bi("突发严重困难户", "Suddenly in severe difficulty")
    DIBAO = "dibao", bi("低保对象", "Subsistence-allowance recipient")
    TEKUN = "tekun", bi("特困人员", "Extreme-poverty support recipient")
    DIBAO_MARGINAL = "dibao_marginal", bi("低保边缘家庭", "On the margin of the allowance")
    HEAVY_SPENDING = "heavy_spending", bi("刚性支出困难家庭", "Heavy necessary spending")


class RiskType(models.TextChoices):
    ILLNESS = "illness", bi("因病", "Illness")
    DISABILITY = "disability", bi("因残", "Disability")
    SCHOOLING = "schooling", bi("因学", "Schooling")
    DISASTER = "disaster", bi("因自然灾害", "Natural disaster")
    ACCIDENT = "accident", bi("因意外事故", "Accident")
    INDUSTRY = "industry", bi("因产业项目失败", "Failed industry project")
    EMPLOYMENT = "employment", bi("因务工就业不稳", "Unstable employment")
    LABOUR = "labour", bi("缺劳动力", "Lack of labour")
    HOUSING = "housing", bi("住房出现安全问题", "Housing safety")
    WATER = "water", bi("饮水安全问题", "Drinking water")
    OTHER = "other", bi("其他", "Other")


class EliminationWay(models.TextChoices):
    """How a monitored household's risk was eliminated (风险消除方式)."""

    ASSISTED = "assisted", bi("帮扶消除", "Eliminated by assistance")
    NATURAL = "natural", bi("自然消除", "Eliminated naturally")
    SAFETY_NET = "safety_net", bi("兜底保障消除", "Covered by a stable safety net (低保 or 特困)")
    # Cases that were open in several years before one case ran across years: the later case
    # carries the household on.
    SUPERSEDED = "superseded", bi("由后续监测接续", "Carried on by a later case")
    # Risks eliminated before the way was recorded.
    UNRECORDED = "unrecorded", bi("未记录消除方式", "Way not recorded")


# The ways a user may choose when declaring a risk eliminated.
CHOSEN_ELIMINATION_WAYS = [
    EliminationWay.ASSISTED,
    EliminationWay.NATURAL,
    EliminationWay.SAFETY_NET,
]


class FoundBy(models.TextChoices):
    APPLICATION = "application", bi("农户自主申报", "Own application")
    HOTLINE = "hotline", bi("12317热线", "12317 hotline")
    SCREENING = "screening", bi("基层干部排查", "Cadre screening")
    DEPARTMENT = "department", bi("部门筛查预警", "Department data")


class Step(models.TextChoices):
    """The identification procedure, in order."""

    HOME_CHECK = "home_check", bi("入户核实", "Home check")
    VILLAGE_APPRAISAL = "village_appraisal", bi("村级评议公示", "Village appraisal and notice")
    TOWNSHIP_REVIEW = "township_review", bi("乡镇审核", "Township review")
    COUNTY_DECISION = "county_decision", bi("县级确认", "County decision")


class MeasureKind(models.TextChoices):
    INDUSTRY = "industry", bi("产业帮扶", "Industry")
    EMPLOYMENT = "employment", bi("就业帮扶", "Employment")
    CREDIT = "credit", bi("小额信贷", "Micro-credit")
    WELFARE_JOB = "welfare_job", bi("公益岗位", "Public-welfare job")
    EDUCATION = "education", bi("教育帮扶", "Education")
    HEALTH = "health", bi("健康帮扶", "Health")
    SOCIAL_SECURITY = "social_security", bi("综合保障", "Social-security floor")
    HOUSING = "housing", bi("住房保障", "Housing")
    OTHER = "other", bi("其他", "Other")


# The developmental measures a household with labour must get (document 2021 No. 6 of the
# central rural work leading group: industry, employment, credit or a public-welfare job).
DEVELOPMENTAL_MEASURES = {
    MeasureKind.INDUSTRY,
    MeasureKind.EMPLOYMENT,
    MeasureKind.CREDIT,
    MeasureKind.WELFARE_JOB,
}


# Working away from the township (in the county, the province or beyond): how the care-list
# texts read "外出务工" (国发〔2016〕13号, 民发〔2017〕193号); half a year or more of it leaves a
# family behind.
AWAY_FROM_TOWNSHIP = ["in_county", "in_province", "out_of_province"]
