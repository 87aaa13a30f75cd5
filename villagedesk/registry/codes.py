"""Code lists of the household registry (the national household information collection form).

Stable codes are ours; where the national system numbers a list (sex, ethnicity, poverty
attribute, poverty status), `national()` gives its code so that exports and imports can speak it.
"""

from django.db import models

from villagedesk.core.codelists import bi


class Sex(models.TextChoices):
    MALE = "male", bi("男", "Male")
    FEMALE = "female", bi("女", "Female")

    @classmethod
    def national(cls, value):
        return {"male": "1", "female": "2"}.get(value)


class HouseholdStatus(models.TextChoices):
    """户类型, the household type. Stored policy rules name these codes, so they never change."""

    NOT_POOR = "not_poor", bi("一般农户", "Not poor")
    POOR = "poor", bi("建档立卡贫困户", "Registered poor")
    EXITED = "exited", bi("脱贫户", "Exited poverty")
    MONITORED = "monitored", bi("监测户", "Monitored for relapse")


class PovertyStatus(models.TextChoices):
    """贫困户状态, national code aar010 (0, 1, 3, 4); blank when never registered poor."""

    NOT_OUT = "not_out", bi("未脱贫", "Not yet out of poverty")
    OUT_ENJOYING = "out_enjoying", bi("已脱贫享受政策", "Out of poverty, still enjoying policies")
    RETURNED = "returned", bi("返贫", "Returned to poverty")
    OUT_NOT_ENJOYING = (
        "out_not_enjoying",
        bi("已脱贫不享受政策", "Out of poverty, no longer enjoying policies"),
    )

    @classmethod
    def national(cls, value):
        return {"not_out": "0", "out_enjoying": "1", "returned": "3", "out_not_enjoying": "4"}.get(
            value
        )


class PovertyCause(models.TextChoices):
    """致贫原因: one main cause and at most two others, from the same list."""

    ILLNESS = "illness", bi("因病", "Illness")
    DISABILITY = "disability", bi("因残", "Disability")
    SCHOOLING = "schooling", bi("因学", "Schooling costs")
    DISASTER = "disaster", bi("因灾", "Disaster")
    LACK_OF_LAND = "lack_of_land", bi("缺土地", "Lack of land")
    LACK_OF_WATER = "lack_of_water", bi("缺水", "Lack of water")
    LACK_OF_SKILLS = "lack_of_skills", bi("缺技术", "Lack of skills")
    LACK_OF_LABOUR = "lack_of_labour", bi("缺劳力", "Lack of labour")
    LACK_OF_CAPITAL = "lack_of_capital", bi("缺资金", "Lack of capital")
    POOR_TRANSPORT = "poor_transport", bi("交通条件落后", "Poor transport")
    LACK_OF_DRIVE = "lack_of_drive", bi("自身发展动力不足", "Lack of own drive")
    OTHER = "other", bi("其它", "Other")


class PovertyAttribute(models.TextChoices):
    """贫困户属性 / 脱贫户属性, with the national system's codes 01–08."""

    ORDINARY_POOR = "ordinary_poor", bi("一般贫困户", "Ordinary poor household")
    DIBAO_EXITED = "dibao_exited", bi("低保脱贫户", "Subsistence-allowance household, exited")
    TEKUN_EXITED = "tekun_exited", bi("特困供养脱贫户", "Extreme-poverty support household, exited")
    DIBAO_POOR = "dibao_poor", bi("低保贫困户", "Subsistence-allowance poor household")
    ORDINARY_EXITED = "ordinary_exited", bi("一般脱贫户", "Ordinary household, exited")
    TEKUN_POOR = "tekun_poor", bi("特困供养贫困户", "Extreme-poverty support poor household")
    DIBAO_TEKUN_POOR = (
        "dibao_tekun_poor",
        bi(
            "低保特困供养贫困户", "Subsistence-allowance and extreme-poverty support poor household"
        ),
    )
    DIBAO_TEKUN = (
        "dibao_tekun",
        bi("低保特困供养户", "Subsistence-allowance and extreme-poverty support household"),
    )

    @classmethod
    def national(cls, value):
        order = [m.value for m in cls]
        return f"{order.index(value) + 1:02d}" if value in order else None


class Relation(models.TextChoices):
    HEAD = "head", bi("户主", "Head of household")
    SPOUSE = "spouse", bi("配偶", "Spouse")
    SON = "son", bi("之子", "Son")
    DAUGHTER = "daughter", bi("之女", "Daughter")
    DAUGHTER_IN_LAW = "daughter_in_law", bi("之儿媳", "Daughter-in-law")
    SON_IN_LAW = "son_in_law", bi("之女婿", "Son-in-law")
    GRANDSON = "grandson", bi("之孙子", "Grandson")
    GRANDDAUGHTER = "granddaughter", bi("之孙女", "Granddaughter")
    DAUGHTERS_SON = "daughters_son", bi("之外孙子", "Daughter's son")
    DAUGHTERS_DAUGHTER = "daughters_daughter", bi("之外孙女", "Daughter's daughter")
    FATHER = "father", bi("之父", "Father")
    MOTHER = "mother", bi("之母", "Mother")
    WIFES_FATHER = "wifes_father", bi("之岳父", "Wife's father")
    WIFES_MOTHER = "wifes_mother", bi("之岳母", "Wife's mother")
    HUSBANDS_FATHER = "husbands_father", bi("之公公", "Husband's father")
    HUSBANDS_MOTHER = "husbands_mother", bi("之婆婆", "Husband's mother")
    GRANDFATHER = "grandfather", bi("之祖父", "Grandfather")
    GRANDMOTHER = "grandmother", bi("之祖母", "Grandmother")
    MATERNAL_GRANDFATHER = "maternal_grandfather", bi("之外祖父", "Maternal grandfather")
    MATERNAL_GRANDMOTHER = "maternal_grandmother", bi("之外祖母", "Maternal grandmother")
    SIBLING = "sibling", bi("之兄弟姐妹", "Brother or sister")
    GREAT_GRANDSON = "great_grandson", bi("之曾孙子", "Great-grandson")
    GREAT_GRANDDAUGHTER = "great_granddaughter", bi("之曾孙女", "Great-granddaughter")
    NEPHEW = "nephew", bi("之侄儿", "Nephew")
    NIECE = "niece", bi("之侄女", "Niece")
    SIBLING_IN_LAW = "sibling_in_law", bi("之兄弟媳妇", "Brother's wife")
    UNCLE = "uncle", bi("之叔伯", "Uncle")
    OTHER = "other", bi("其他", "Other")


# Relations that fix a member's sex, and those that make a member a generation above the head.
MALE_RELATIONS = {
    Relation.SON,
    Relation.SON_IN_LAW,
    Relation.GRANDSON,
    Relation.DAUGHTERS_SON,
    Relation.FATHER,
    Relation.WIFES_FATHER,
    Relation.HUSBANDS_FATHER,
    Relation.GRANDFATHER,
    Relation.MATERNAL_GRANDFATHER,
    Relation.GREAT_GRANDSON,
    Relation.NEPHEW,
    Relation.UNCLE,
}
FEMALE_RELATIONS = {
    Relation.DAUGHTER,
    Relation.DAUGHTER_IN_LAW,
    Relation.GRANDDAUGHTER,
    Relation.DAUGHTERS_DAUGHTER,
    Relation.MOTHER,
    Relation.WIFES_MOTHER,
    Relation.HUSBANDS_MOTHER,
    Relation.GRANDMOTHER,
    Relation.MATERNAL_GRANDMOTHER,
    Relation.GREAT_GRANDDAUGHTER,
    Relation.NIECE,
    Relation.SIBLING_IN_LAW,
}


class DocumentType(models.TextChoices):
    """The identity document whose number is recorded (证件类型)."""

    RESIDENT_ID = "resident_id", bi("居民身份证", "Resident identity card")
    FOREIGN_PERMANENT = (
        "foreign_permanent",
        bi("外国人永久居留身份证", "Foreign permanent resident ID card"),
    )
    HK_MACAO_RESIDENCE = (
        "hk_macao_residence",
        bi("港澳居民居住证", "Residence permit for Hong Kong and Macao residents"),
    )
    TAIWAN_RESIDENCE = (
        "taiwan_residence",
        bi("台湾居民居住证", "Residence permit for Taiwan residents"),
    )


class Ethnicity(models.TextChoices):
    """The 56 nationalities, coded as in GB 3304."""

    HAN = "01", bi("汉族", "Han")
    MONGOL = "02", bi("蒙古族", "Mongol")
    HUI = "03", bi("回族", "Hui")
    TIBETAN = "04", bi("藏族", "Tibetan")
    UYGHUR = "05", bi("维吾尔族", "Uyghur")
    MIAO = "06", bi("苗族", "Miao")
    YI = "07", bi("彝族", "Yi")
    ZHUANG = "08", bi("壮族", "Zhuang")
    BOUYEI = "09", bi("布依族", "Bouyei")
    KOREAN = "10", bi("朝鲜族", "Korean")
    MANCHU = "11", bi("满族", "Manchu")
    DONG = "12", bi("侗族", "Dong")
    YAO = "13", bi("瑶族", "Yao")
    BAI = "14", bi("白族", "Bai")
    TUJIA = "15", bi("土家族", "Tujia")
    HANI = "16", bi("哈尼族", "Hani")
    KAZAKH = "17", bi("哈萨克族", "Kazakh")
    DAI = "18", bi("傣族", "Dai")
    LI = "19", bi("黎族", "Li")
    LISU = "20", bi("傈僳族", "Lisu")
    VA = "21", bi("佤族", "Va")
    SHE = "22", bi("畲族", "She")
    GAOSHAN = "23", bi("高山族", "Gaoshan")
    LAHU = "24", bi("拉祜族", "Lahu")
    SHUI = "25", bi("水族", "Shui")
    DONGXIANG = "26", bi("东乡族", "Dongxiang")
    NAXI = "27", bi("纳西族", "Naxi")
    JINGPO = "28", bi("景颇族", "Jingpo")
    KYRGYZ = "29", bi("柯尔克孜族", "Kyrgyz")
    TU = "30", bi("土族", "Tu")
    DAUR = "31", bi("达斡尔族", "Daur")
    MULAO = "32", bi("仫佬族", "Mulao")
    QIANG = "33", bi("羌族", "Qiang")
    BLANG = "34", bi("布朗族", "Blang")
    SALAR = "35", bi("撒拉族", "Salar")
    MAONAN = "36", bi("毛南族", "Maonan")
    GELAO = "37", bi("仡佬族", "Gelao")
    XIBE = "38", bi("锡伯族", "Xibe")
    ACHANG = "39", bi("阿昌族", "Achang")
    PUMI = "40", bi("普米族", "Pumi")
    TAJIK = "41", bi("塔吉克族", "Tajik")
    NU = "42", bi("怒族", "Nu")
    UZBEK = "43", bi("乌孜别克族", "Uzbek")
    RUSSIAN = "44", bi("俄罗斯族", "Russian")
    EVENKI = "45", bi("鄂温克族", "Evenki")
    DEANG = "46", bi("德昂族", "De'ang")
    BONAN = "47", bi("保安族", "Bonan")
    YUGUR = "48", bi("裕固族", "Yugur")
    GIN = "49", bi("京族", "Gin")
    TATAR = "50", bi("塔塔尔族", "Tatar")
    DERUNG = "51", bi("独龙族", "Derung")
    OROQEN = "52", bi("鄂伦春族", "Oroqen")
    HEZHEN = "53", bi("赫哲族", "Hezhen")
    MONBA = "54", bi("门巴族", "Monba")
    LHOBA = "55", bi("珞巴族", "Lhoba")
    JINO = "56", bi("基诺族", "Jino")


class PoliticalStatus(models.TextChoices):
    CPC_MEMBER = "cpc_member", bi("中共党员", "CPC member")
    CPC_PROBATIONARY = "cpc_probationary", bi("中共预备党员", "CPC probationary member")
    CYL_MEMBER = "cyl_member", bi("共青团员", "Communist Youth League member")
    MASSES = "masses", bi("群众", "Masses")


class Education(models.TextChoices):
    """Highest education, for persons not in school."""

    ILLITERATE = "illiterate", bi("文盲或半文盲", "Illiterate or semi-literate")
    PRIMARY = "primary", bi("小学", "Primary school")
    JUNIOR = "junior", bi("初中", "Junior secondary")
    SENIOR = "senior", bi("高中", "Senior secondary")
    COLLEGE = "college", bi("大专", "Junior college")
    BACHELOR = "bachelor", bi("本科及以上", "Bachelor or above")


class Schooling(models.TextChoices):
    """Schooling status (在校生状况), for persons in or before school."""

    PRESCHOOL_CHILD = "preschool_child", bi("学龄前儿童", "Pre-school child")
    PRESCHOOL = "preschool", bi("学前教育", "Pre-school education")
    PRIMARY = "primary", bi("小学", "Primary school")
    GRADE_7 = "grade_7", bi("七年级", "Grade 7")
    GRADE_8 = "grade_8", bi("八年级", "Grade 8")
    GRADE_9 = "grade_9", bi("九年级", "Grade 9")
    HIGH_1 = "high_1", bi("普通高中一年级", "Senior high, year 1")
    HIGH_2 = "high_2", bi("普通高中二年级", "Senior high, year 2")
    HIGH_3 = "high_3", bi("普通高中三年级", "Senior high, year 3")
    VOCATIONAL_1 = "vocational_1", bi("中职一年级", "Secondary vocational, year 1")
    VOCATIONAL_2 = "vocational_2", bi("中职二年级", "Secondary vocational, year 2")
    VOCATIONAL_3 = "vocational_3", bi("中职三年级", "Secondary vocational, year 3")
    HIGHER_VOCATIONAL_1 = "higher_vocational_1", bi("高职高专一年级", "Higher vocational, year 1")
    HIGHER_VOCATIONAL_2 = "higher_vocational_2", bi("高职高专二年级", "Higher vocational, year 2")
    HIGHER_VOCATIONAL_3 = "higher_vocational_3", bi("高职高专三年级", "Higher vocational, year 3")
    TECHNICIAN_1 = "technician_1", bi("技师学院一年级", "Technician college, year 1")
    TECHNICIAN_2 = "technician_2", bi("技师学院二年级", "Technician college, year 2")
    TECHNICIAN_3 = "technician_3", bi("技师学院三年级", "Technician college, year 3")
    TECHNICIAN_4 = "technician_4", bi("技师学院四年级", "Technician college, year 4")
    UNDERGRADUATE_1 = "undergraduate_1", bi("本科一年级", "Undergraduate, year 1")
    UNDERGRADUATE_2 = "undergraduate_2", bi("本科二年级", "Undergraduate, year 2")
    UNDERGRADUATE_3 = "undergraduate_3", bi("本科三年级", "Undergraduate, year 3")
    UNDERGRADUATE_4 = "undergraduate_4", bi("本科四年级", "Undergraduate, year 4")
    UNDERGRADUATE_5 = "undergraduate_5", bi("本科五年级", "Undergraduate, year 5")
    POSTGRADUATE = "postgraduate", bi("硕士研究生及以上", "Postgraduate")


COMPULSORY_SCHOOLING = {
    Schooling.PRIMARY,
    Schooling.GRADE_7,
    Schooling.GRADE_8,
    Schooling.GRADE_9,
}


class Health(models.TextChoices):
    """健康状况 as the national form writes it, several at once; stored as the booleans
    `chronic_illness` and `serious_illness` and the disability category of a person."""

    HEALTHY = "healthy", bi("健康", "Healthy")
    CHRONIC_ILLNESS = "chronic_illness", bi("长期慢性病", "Long-term chronic illness")
    SERIOUS_ILLNESS = "serious_illness", bi("患有大病", "Serious illness")
    DISABILITY = "disability", bi("残疾", "Disability")


class DisabilityCategory(models.TextChoices):
    VISUAL = "visual", bi("视力残疾", "Visual")
    HEARING = "hearing", bi("听力残疾", "Hearing")
    SPEECH = "speech", bi("言语残疾", "Speech")
    PHYSICAL = "physical", bi("肢体残疾", "Physical")
    INTELLECTUAL = "intellectual", bi("智力残疾", "Intellectual")
    MENTAL = "mental", bi("精神残疾", "Mental")
    MULTIPLE = "multiple", bi("多重残疾", "Multiple")


class DisabilityGrade(models.IntegerChoices):
    GRADE_1 = 1, bi("一级", "Grade 1")
    GRADE_2 = 2, bi("二级", "Grade 2")
    GRADE_3 = 3, bi("三级", "Grade 3")
    GRADE_4 = 4, bi("四级", "Grade 4")


class Labour(models.TextChoices):
    ORDINARY = "ordinary", bi("普通劳动力", "Ordinary labour")
    SKILLED = "skilled", bi("技能劳动力", "Skilled labour")
    WEAK = "weak", bi("弱劳动力或半劳动力", "Weak or half labour")
    LOST = "lost", bi("丧失劳动力", "Lost labour ability")
    NONE = "none", bi("无劳动力", "No labour ability")


WORKING_LABOUR = {Labour.ORDINARY, Labour.SKILLED, Labour.WEAK}


class MigrantWork(models.TextChoices):
    """Where a member works away from home."""

    IN_TOWNSHIP = "in_township", bi("乡镇内务工", "Within the township")
    IN_COUNTY = "in_county", bi("乡镇外县内务工", "Outside the township, in the county")
    IN_PROVINCE = "in_province", bi("县外省内务工", "Outside the county, in the province")
    OUT_OF_PROVINCE = "out_of_province", bi("省外务工", "Outside the province")


class EducationExemption(models.TextChoices):
    """A documented reason why a child of school age is not at school (送教上门 or 免修/缓学)."""

    HOME_TEACHING = "home_teaching", bi("送教上门", "Taught at home")
    HEALTH_EXEMPT = "health_exempt", bi("因病免修/缓学", "Exempted or deferred for illness")
    DISABILITY_EXEMPT = (
        "disability_exempt",
        bi("因残免修/缓学", "Exempted or deferred for disability"),
    )


class SupporterRelation(models.TextChoices):
    """Who a legal supporter (法定赡养、抚养、扶养义务人) is to the member they must support."""

    CHILD = "child", bi("子女", "Child")
    SPOUSE = "spouse", bi("配偶", "Spouse")
    PARENT = "parent", bi("父母", "Parent")
    OTHER_LEGAL = "other_legal", bi("其他法定义务人", "Other legal supporter")


class Safety(models.TextChoices):
    """Whether a household's housing or drinking water is safe, as appraised."""

    SAFE = "safe", bi("安全", "Safe")
    UNSAFE = "unsafe", bi("不安全", "Unsafe")
    UNKNOWN = "unknown", bi("未核实", "Not checked")


class IdentificationStandard(models.TextChoices):
    """识别标准: the poverty line a household was identified by (A1 of the 贫困户登记表)."""

    NATIONAL = "national", bi("国家标准", "National standard")
    PROVINCIAL = "provincial", bi("省定标准", "Provincial standard")
    MUNICIPAL = "municipal", bi("市定标准", "Municipal standard")


class RoadType(models.TextChoices):
    """入户路类型: the road to the household's door."""

    EARTH = "earth", bi("泥土路", "Earth")
    GRAVEL = "gravel", bi("砂石路", "Gravel")
    CEMENT = "cement", bi("水泥路", "Cement")
    ASPHALT = "asphalt", bi("沥青路", "Asphalt")


class Fuel(models.TextChoices):
    """主要燃料类型: the fuel the household mainly cooks with."""

    FIREWOOD = "firewood", bi("柴草", "Firewood")
    COAL = "coal", bi("煤炭", "Coal")
    GAS = "gas", bi("燃气", "Gas")
    ELECTRICITY = "electricity", bi("电", "Electricity")
    OTHER = "other", bi("其他", "Other")
