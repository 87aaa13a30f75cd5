"""A realistic synthetic county for `make run`, tests and benchmarks.

One seed, one size and one day give the same county every time, so that a screenshot, a bug report
or a benchmark can be reproduced. The proportions (household sizes and structures, surnames,
education by birth cohort, illness, disability, labour, migrant work, household status) follow the
shape of the national household information form in a poor rural county of the south-west, so that
lists, searches, checks and reports have something plausible to work on.

The facts the assistance rules test (poverty status, causes of poverty, property, places of
migrant work, schooling exemptions, supporters outside the household) draw from a random source
of their own, so that the households and members drawn for a seed stay the same beside them.

The generator only draws: `services.demo_county_create` writes what it draws.
"""

import datetime
import decimal
import itertools
import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from faker import Faker
from faker.providers.person.zh_CN import Provider as ChineseNames

from villagedesk.areas.models import Area, Level, VillageGroup
from villagedesk.core.pinyin import pinyin_keys
from villagedesk.registry.codes import (
    COMPULSORY_SCHOOLING,
    DisabilityCategory,
    Education,
    EducationExemption,
    Ethnicity,
    HouseholdStatus,
    Labour,
    MigrantWork,
    PoliticalStatus,
    PovertyAttribute,
    PovertyCause,
    PovertyStatus,
    Relation,
    Safety,
    Schooling,
    Sex,
    SupporterRelation,
)
from villagedesk.registry.identity import check_character
from villagedesk.registry.models import Household, Person, Supporter

# Households drawn and written together: bounds memory whatever the size of a village.
CHUNK_HOUSEHOLDS = 1_000

NUMERALS = "零一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """1 to 99 as written in group and village names: 一, 十, 十二, 二十, 二十三."""
    tens, ones = divmod(n, 10)
    if tens == 0:
        return NUMERALS[ones]
    return ("" if tens == 1 else NUMERALS[tens]) + "十" + (NUMERALS[ones] if ones else "")


PLACE_FIRST = "龙石青白马牛大小新上下东西南北高长云金松柏桃花红黄清水竹梨茶"
PLACE_SECOND = "山河沟坝坪岭塘田湾溪桥营寨口园林岩庄甸哨箐铺冲坡"
SURNAMES = list(ChineseNames.last_names)
SURNAME_WEIGHTS = list(itertools.accumulate(ChineseNames.last_names.values()))

# Given names by era (born before 1970, 1970-1994, from 1995): first and second characters.
GIVEN_NAMES = {
    (Sex.MALE, 0): (
        "建国志德文永明正长学春金玉光福成海家荣忠",
        "国军华民平明林生成福才贵富祥强刚发清山",
    ),
    (Sex.MALE, 1): ("海志小晓俊伟文永建宏红云春国家明德", "涛伟杰磊军斌勇东刚波峰辉亮鹏飞龙华平"),
    (Sex.MALE, 2): ("浩子宇梓俊一睿博皓思嘉家天锦明佳", "轩宇然睿涵杰泽航辰晨豪博阳熙铭鑫"),
    (Sex.FEMALE, 0): ("秀桂玉凤淑金翠春兰素美月", "英兰珍芳华梅荣香莲琴花云仙菊"),
    (Sex.FEMALE, 1): ("丽晓小海红春美艳雪秀玉彩", "梅燕娟霞琴萍芳丽艳红玲敏莉"),
    (Sex.FEMALE, 2): ("欣子梓雨诗思佳一紫可语若晓", "怡涵萱琪彤妍诺馨雯琳悦瑶婷"),
}


def era(birth_year: int) -> int:
    """Naming fashions changed around 1970 and 1995."""
    return 0 if birth_year < 1970 else 1 if birth_year < 1995 else 2


# ---------------------------------------------------------------------------------------------
# Proportions


def weighted(rng: random.Random, table: Sequence[tuple[object, float]]):
    """One value of a (value, weight) table."""
    return rng.choices([value for value, _ in table], [weight for _, weight in table])[0]


HOUSEHOLD_SIZES = ((1, 10), (2, 20), (3, 22), (4, 24), (5, 14), (6, 7), (7, 3))
STRUCTURES = {
    3: (("nuclear", 62), ("with_parents", 13), ("stem", 10), ("single_parent", 15)),
    4: (("nuclear", 55), ("with_parents", 20), ("stem", 20), ("single_parent", 5)),
    5: (("nuclear", 30), ("with_parents", 35), ("stem", 35)),
    6: (("nuclear", 5), ("with_parents", 45), ("stem", 50)),
    7: (("with_parents", 45), ("stem", 55)),
}
# Highest education by birth cohort: (born before, sex or None for both, weights in the order of
# EDUCATION_LEVELS). Women of the older cohorts went to school less.
EDUCATION_LEVELS = [e.value for e in Education]
EDUCATION_BY_COHORT = (
    (1951, Sex.FEMALE, (60, 30, 8, 2, 0, 0)),
    (1951, None, (40, 42, 14, 4, 0, 0)),
    (1966, Sex.FEMALE, (30, 42, 22, 5, 1, 0)),
    (1966, None, (14, 45, 32, 8, 1, 0)),
    (1981, None, (6, 30, 50, 11, 2, 1)),
    (1996, None, (1, 10, 55, 20, 9, 5)),
    (10_000, None, (0, 3, 40, 27, 18, 12)),
)
YUNNAN_MINORITIES = (
    Ethnicity.YI, Ethnicity.MIAO, Ethnicity.HUI, Ethnicity.BAI, Ethnicity.HANI, Ethnicity.ZHUANG,
    Ethnicity.DAI, Ethnicity.LISU,
)  # fmt: skip
DISABILITY_CATEGORIES = (
    (DisabilityCategory.PHYSICAL, 45), (DisabilityCategory.HEARING, 14),
    (DisabilityCategory.VISUAL, 13), (DisabilityCategory.MENTAL, 10),
    (DisabilityCategory.INTELLECTUAL, 9), (DisabilityCategory.MULTIPLE, 6),
    (DisabilityCategory.SPEECH, 3),
)  # fmt: skip
# The second-generation disability certificate number is the identity number, the category digit
# and the grade.
DISABILITY_CATEGORY_DIGIT = {
    DisabilityCategory.VISUAL: 1, DisabilityCategory.HEARING: 2, DisabilityCategory.SPEECH: 3,
    DisabilityCategory.PHYSICAL: 4, DisabilityCategory.INTELLECTUAL: 5,
    DisabilityCategory.MENTAL: 6, DisabilityCategory.MULTIPLE: 7,
}  # fmt: skip
DISABILITY_GRADES = ((1, 12), (2, 22), (3, 30), (4, 36))
MIGRANT_PLACES = (
    (MigrantWork.OUT_OF_PROVINCE, 40), (MigrantWork.IN_PROVINCE, 30),
    (MigrantWork.IN_COUNTY, 20), (MigrantWork.IN_TOWNSHIP, 10),
)  # fmt: skip
MIGRANT_MONTHS = tuple((m, 1 + (m >= 6) * 3 + (m >= 10) * 4) for m in range(1, 13))
MOBILE_PREFIXES = (
    "130 131 132 133 134 135 136 137 138 139 150 151 152 153 155 156 157 158 159 166 173 177 "
    "180 181 182 183 184 185 186 187 188 189 191 198 199"
).split()
# Households in hardship (serious illness, severe disability, no one able to work, a lone old
# person) were far more often registered poor; the two tables give about 12% exited, 2% monitored
# and 1% poor over a county.
STATUS_IF_HARDSHIP = (
    (HouseholdStatus.NOT_POOR, 61), (HouseholdStatus.EXITED, 30),
    (HouseholdStatus.MONITORED, 6), (HouseholdStatus.POOR, 4),
)  # fmt: skip
STATUS_OTHERWISE = (
    (HouseholdStatus.NOT_POOR, 90.2), (HouseholdStatus.EXITED, 8),
    (HouseholdStatus.MONITORED, 1), (HouseholdStatus.POOR, 0.8),
)  # fmt: skip
EXITED_ATTRIBUTES = (
    (PovertyAttribute.ORDINARY_EXITED, 70), (PovertyAttribute.DIBAO_EXITED, 22),
    (PovertyAttribute.TEKUN_EXITED, 8),
)  # fmt: skip
POOR_ATTRIBUTES = (
    (PovertyAttribute.ORDINARY_POOR, 50), (PovertyAttribute.DIBAO_POOR, 35),
    (PovertyAttribute.TEKUN_POOR, 10), (PovertyAttribute.DIBAO_TEKUN_POOR, 5),
)  # fmt: skip
# Where migrant workers of a south-western county go, by how far.
WORKPLACES = {
    MigrantWork.IN_COUNTY: ("县城", "县工业园区", "县城建筑工地"),
    MigrantWork.IN_PROVINCE: ("昆明市", "曲靖市", "玉溪市", "大理市", "蒙自市"),
    MigrantWork.OUT_OF_PROVINCE: (
        "广东省东莞市", "广东省深圳市", "广东省佛山市", "浙江省义乌市", "浙江省宁波市",
        "福建省晋江市", "江苏省苏州市", "上海市",
    ),
}  # fmt: skip
# Causes of poverty other than the household's own hardships, as registered in such a county.
COMMON_CAUSES = (
    (PovertyCause.LACK_OF_CAPITAL, 20), (PovertyCause.LACK_OF_SKILLS, 18),
    (PovertyCause.POOR_TRANSPORT, 8), (PovertyCause.LACK_OF_LAND, 6),
    (PovertyCause.LACK_OF_WATER, 4), (PovertyCause.DISASTER, 4),
    (PovertyCause.LACK_OF_DRIVE, 6), (PovertyCause.LACK_OF_LABOUR, 6), (PovertyCause.OTHER, 2),
)  # fmt: skip
# Schooling beyond the compulsory years, whose costs make a cause of poverty (因学).
UPPER_SCHOOLING = (
    set(Schooling)
    - COMPULSORY_SCHOOLING
    - {
        Schooling.PRESCHOOL_CHILD,
        Schooling.PRESCHOOL,
    }
)
# (share of households registered poor once, share of the others) with each property fact.
PROPERTY_RATES = {
    "owns_vehicle": (0.03, 0.15),
    "owns_business": (0.005, 0.04),
    "public_payroll": (0.005, 0.03),
    "town_housing": (0.005, 0.05),
}
WORKING = {Labour.ORDINARY, Labour.SKILLED, Labour.WEAK}
MARRIED_IN = {Relation.SPOUSE, Relation.DAUGHTER_IN_LAW, Relation.SON_IN_LAW}


def rate_by_age(age: int, table: Sequence[tuple[int, float]]) -> float:
    """The rate of the first band (below an age) the age falls in."""
    return next(rate for below, rate in table if age < below)


CHRONIC_ILLNESS = ((30, 0.01), (45, 0.04), (60, 0.12), (70, 0.25), (200, 0.35))
SERIOUS_ILLNESS = ((30, 0.003), (45, 0.01), (60, 0.025), (200, 0.045))
DISABILITY = ((18, 0.02), (45, 0.04), (60, 0.07), (70, 0.11), (200, 0.15))
MIGRANT = ((16, 0.0), (31, 0.5), (46, 0.4), (56, 0.25), (61, 0.1), (200, 0.0))


# ---------------------------------------------------------------------------------------------
def apportion(total: int, weights: Sequence[float], *, minimum: int = 1) -> list[int]:
    """Split a total over the weights, at least `minimum` each, by largest remainder."""
    spare = total - minimum * len(weights)
    shares = [spare * w / sum(weights) for w in weights]
    counts = [minimum + math.floor(s) for s in shares]
    by_remainder = sorted(range(len(weights)), key=lambda i: (math.floor(shares[i]) - shares[i], i))
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


# ---------------------------------------------------------------------------------------------
# The generator


@dataclass
class Draft:
    """A member before it becomes a Person: who they are to the head, sex, age and surname."""

    relation: Relation
    sex: Sex
    age: int
    surname: str


@dataclass
class VillagePlan:
    area: Area
    township: Area
    households: int
    groups: list[VillageGroup] = field(default_factory=list)
    # Clan surnames with the share of households they head: villages grew around lineages.
    clans: list[tuple[str, float]] = field(default_factory=list)
    main_ethnicity: str = Ethnicity.HAN
    main_share: float = 0.95
    other_ethnicity: str = Ethnicity.YI


def mother_age(couple: list[Draft]) -> int:
    return next(d.age for d in couple if d.sex == Sex.FEMALE)


def years_before(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class CountyGenerator:
    """Draws areas, households and persons from one seeded random source.

    `taken` holds identity numbers already in the database with the county's area code, so
    that a number is never given twice even when the demo meets imported data.
    """

    def __init__(self, *, seed: int, today: datetime.date, county_code: str, taken: set[str]):
        self.rng = random.Random(seed)
        self.faker = Faker("zh_CN")
        self.faker.seed_instance(seed)
        self.today = today
        self.taken = taken
        self.county_code = county_code
        # The next free sequence number per birth date and sex: odd for men, even for women.
        self.sequences: dict[tuple[datetime.date, str], int] = {}
        self.facts_rng = random.Random(f"facts-{seed}")

    # Areas ---------------------------------------------------------------------------------

    def place_name(self, used: set[str]) -> str:
        """An unused place name such as 石桥, 李家湾 or 大箐; a numeral tells twins apart."""
        rng = self.rng
        for _ in range(20):
            if rng.random() < 0.35:
                name = self.national_surname() + "家" + rng.choice(PLACE_SECOND)
            else:
                name = rng.choice(PLACE_FIRST) + rng.choice(PLACE_SECOND)
            if name not in used:
                used.add(name)
                return name
        twin = 2
        while name + chinese_numeral(twin) in used:
            twin += 1
        used.add(name + chinese_numeral(twin))
        return name + chinese_numeral(twin)

    def area(self, *, code: str, level: Level, parent: Area, base: str, suffix: str) -> Area:
        name = base + suffix
        return Area(
            code=code,
            level=level,
            parent=parent,
            name=name,
            name_en=pinyin_keys(base)[0].capitalize(),
            name_pinyin=pinyin_keys(name)[0],
        )

    def townships(self, county: Area, count: int) -> list[Area]:
        """Towns (镇, codes 101…) and, for a third of them, rural townships (乡, codes 201…)."""
        used: set[str] = set()
        towns = count - count // 3
        result = []
        for i in range(count):
            is_town = i < towns
            number = 101 + i if is_town else 201 + i - towns
            result.append(
                self.area(
                    code=f"{county.code[:6]}{number:03d}000",
                    level=Level.TOWNSHIP,
                    parent=county,
                    base=self.place_name(used),
                    suffix="镇" if is_town else "乡",
                )
            )
        return result

    def villages(self, townships: list[Area], count: int) -> list[Area]:
        """Village committees, coded 201… within their township."""
        used: set[str] = set()
        per_township = apportion(count, [self.rng.uniform(0.6, 1.4) for _ in townships])
        return [
            self.area(
                code=f"{township.code[:9]}{201 + i:03d}",
                level=Level.VILLAGE,
                parent=township,
                base=self.place_name(used),
                suffix="村",
            )
            for township, n in zip(townships, per_township, strict=True)
            for i in range(n)
        ]

    def groups(self, village: Area) -> list[VillageGroup]:
        return [
            VillageGroup(village=village, number=n, name=f"{chinese_numeral(n)}组")
            for n in range(1, self.rng.randint(3, 8) + 1)
        ]

    def plan_village(self, plan: VillagePlan) -> None:
        """Pick the village's clans and its ethnic make-up."""
        rng = self.rng
        clans: list[tuple[str, float]] = []
        for low, high in ((0.2, 0.45), (0.08, 0.2), (0.04, 0.1))[: rng.choice((1, 1, 2, 2, 3))]:
            surname = self.national_surname()
            if all(surname != s for s, _ in clans):
                clans.append((surname, rng.uniform(low, high)))
        plan.clans = clans
        plan.other_ethnicity = rng.choice(YUNNAN_MINORITIES)
        if rng.random() < 0.15:
            # A minority village: most households of one nationality, Han families among them.
            plan.main_ethnicity, plan.other_ethnicity = plan.other_ethnicity, Ethnicity.HAN
            plan.main_share = rng.uniform(0.6, 0.85)
        else:
            plan.main_share = rng.uniform(0.93, 0.99)

    # Households ----------------------------------------------------------------------------

    def households(
        self, plan: VillagePlan
    ) -> Iterator[tuple[list[Household], list[Person], list[Supporter]]]:
        """The village's households, members and supporters outside the households, in chunks
        ready for bulk_create (in that order: a supporter names its household and member)."""
        village = plan.area
        weights = [self.rng.uniform(0.5, 1.5) for _ in plan.groups]
        group_sizes = apportion(plan.households, weights, minimum=0)
        group_of_serial = [
            g for g, n in zip(plan.groups, group_sizes, strict=True) for _ in range(n)
        ]
        width = max(4, len(str(plan.households)))
        chunk: tuple[list[Household], list[Person], list[Supporter]] = ([], [], [])
        doors: dict[int, int] = {}
        for serial, group in enumerate(group_of_serial, start=1):
            doors[group.number] = doors.get(group.number, 0) + self.rng.randint(1, 3)
            household = Household(
                village=village,
                group=group,
                number=f"{village.code}{serial:0{width}d}",
                address=f"{plan.township.name}{village.name}{group.name}{doors[group.number]}号",
            )
            members = self.members(plan, household)
            self.household_status(household, members)
            supporters = self.household_facts(plan, household, members)
            chunk[0].append(household)
            chunk[1].extend(members)
            chunk[2].extend(supporters)
            if len(chunk[0]) == CHUNK_HOUSEHOLDS:
                yield chunk
                chunk = ([], [], [])
        if chunk[0]:
            yield chunk

    def members(self, plan: VillagePlan, household: Household) -> list[Person]:
        drafts = self.drafts(plan)
        ethnicity = plan.main_ethnicity
        if self.rng.random() > plan.main_share:
            ethnicity = plan.other_ethnicity
        persons = []
        for draft, name in zip(drafts, self.names(drafts), strict=True):
            own = ethnicity
            # Those who married in from outside a minority village are often Han.
            if own != Ethnicity.HAN and draft.relation in MARRIED_IN and self.rng.random() < 0.3:
                own = Ethnicity.HAN
            persons.append(self.person(draft, name, household, own))
        head = persons[0]
        if self.rng.random() < 0.95:
            head.phone = self.mobile()
        household.phone = head.phone
        return persons

    def drafts(self, plan: VillagePlan) -> list[Draft]:
        """The household's make-up: the head first, then spouse, children, parents, in-laws."""
        rng = self.rng
        size = weighted(rng, HOUSEHOLD_SIZES)
        surname = self.head_surname(plan)
        if size == 1:
            if rng.random() < 0.7:
                sex = Sex.FEMALE if rng.random() < 0.55 else Sex.MALE
                age = rng.randint(60, 92)
            else:
                sex = Sex.MALE if rng.random() < 0.85 else Sex.FEMALE
                age = rng.randint(30, 62)
            if sex == Sex.FEMALE:
                surname = self.spouse_surname(surname)  # a widow who married into the village
            return [Draft(Relation.HEAD, sex, age, surname)]
        if size == 2:
            r = rng.random()
            if r < 0.65:
                return self.couple(surname, rng.randint(55, 85))
            if r < 0.8:
                return self.couple(surname, rng.randint(23, 40))
            if r < 0.9:
                head = Draft(Relation.HEAD, Sex.MALE, rng.randint(35, 60), surname)
                return [head, *self.parents(head, spouse=None, count=1)]
            return self.single_parent(surname, children=1)
        structure = weighted(rng, STRUCTURES[size])
        if structure == "nuclear":
            family = self.couple(surname, rng.randint(24 + 4 * (size - 3), 52))
            return family + self.children(
                mother_age=mother_age(family), surname=surname, count=size - 2
            )
        if structure == "with_parents":
            parents = rng.choice((1, 2)) if size > 3 else 1
            family = self.couple(surname, rng.randint(28, 58))
            return (
                family
                + self.children(
                    mother_age=mother_age(family), surname=surname, count=size - 2 - parents
                )
                + self.parents(family[0], spouse=family[1], count=parents)
            )
        if structure == "stem":
            return self.stem(surname, size)
        return self.single_parent(surname, children=size - 1)

    def couple(self, surname: str, head_age: int, *, uxorilocal: float = 0.1) -> list[Draft]:
        """Head and spouse of the other sex; a wife a few years younger, as a rule.

        A husband who married into his wife's family (上门女婿) leaves her the head.
        """
        rng = self.rng
        gap = weighted(rng, ((-2, 1), (-1, 2), (0, 3), (1, 3), (2, 4), (3, 3), (4, 2), (6, 1)))
        other = self.spouse_surname(surname)
        if rng.random() < uxorilocal:
            return [
                Draft(Relation.HEAD, Sex.FEMALE, head_age, surname),
                Draft(Relation.SPOUSE, Sex.MALE, max(20, head_age + gap), other),
            ]
        return [
            Draft(Relation.HEAD, Sex.MALE, head_age, surname),
            Draft(Relation.SPOUSE, Sex.FEMALE, max(20, head_age - gap), other),
        ]

    def children(
        self,
        *,
        mother_age: int,
        surname: str,
        count: int,
        relations: tuple[Relation, Relation] = (Relation.SON, Relation.DAUGHTER),
    ) -> list[Draft]:
        """The eldest born when the mother was 20 to 30, the others one to five years apart."""
        rng = self.rng
        result = []
        age = mother_age - rng.randint(20, 30)
        for _ in range(count):
            son = rng.random() < 0.52
            result.append(
                Draft(
                    relations[0] if son else relations[1],
                    Sex.MALE if son else Sex.FEMALE,
                    max(0, age),
                    surname,
                )
            )
            age -= rng.randint(1, 5)
        return result

    def parents(self, head: Draft, *, spouse: Draft | None, count: int) -> list[Draft]:
        """The head's father and mother, or, now and then, the wife's (岳父, 岳母)."""
        rng = self.rng
        wifes = spouse is not None and spouse.sex == Sex.FEMALE and rng.random() < 0.1
        child = spouse if wifes and spouse else head
        father_age = min(95, child.age + rng.randint(22, 32))
        mother_age = min(95, father_age - rng.randint(-1, 4))
        father = Draft(
            Relation.WIFES_FATHER if wifes else Relation.FATHER, Sex.MALE, father_age, child.surname
        )
        mother = Draft(
            Relation.WIFES_MOTHER if wifes else Relation.MOTHER,
            Sex.FEMALE,
            mother_age,
            self.spouse_surname(child.surname),
        )
        if count == 2:
            return [father, mother]
        # Women outlive men: a lone parent is more often a mother.
        return [mother] if rng.random() < 0.65 else [father]

    def stem(self, surname: str, size: int) -> list[Draft]:
        """An older head living with a married son, his wife and their children."""
        rng = self.rng
        family = self.couple(surname, rng.randint(50, 75), uxorilocal=0)
        if rng.random() < 0.25:
            family = family[:1]  # widowed
        son_age = max(22, family[-1].age - rng.randint(22, 30))
        son = Draft(Relation.SON, Sex.MALE, son_age, surname)
        wife_age = max(20, son_age - rng.randint(-2, 4))
        wife = Draft(Relation.DAUGHTER_IN_LAW, Sex.FEMALE, wife_age, self.spouse_surname(surname))
        grandchildren = self.children(
            mother_age=wife_age,
            surname=surname,
            count=size - len(family) - 2,
            relations=(Relation.GRANDSON, Relation.GRANDDAUGHTER),
        )
        return [*family, son, wife, *grandchildren]

    def single_parent(self, surname: str, *, children: int) -> list[Draft]:
        """A widowed or divorced head with children; the children carry the head's surname."""
        rng = self.rng
        sex = Sex.FEMALE if rng.random() < 0.35 else Sex.MALE
        head = Draft(Relation.HEAD, sex, rng.randint(30, 60), surname)
        mother_age = head.age if sex == Sex.FEMALE else head.age - 2
        return [head, *self.children(mother_age=mother_age, surname=surname, count=children)]

    # Persons -------------------------------------------------------------------------------

    def national_surname(self) -> str:
        return self.rng.choices(SURNAMES, cum_weights=SURNAME_WEIGHTS)[0]

    def head_surname(self, plan: VillagePlan) -> str:
        r = self.rng.random()
        for surname, share in plan.clans:
            if r < share:
                return surname
            r -= share
        return self.national_surname()

    def spouse_surname(self, surname: str) -> str:
        """A spouse from another family: a surname drawn again when it matches, as a rule."""
        other = self.national_surname()
        return self.national_surname() if other == surname else other

    def given_name(self, sex: Sex, birth_year: int) -> str:
        rng = self.rng
        first, second = GIVEN_NAMES[(sex, era(birth_year))]
        r = rng.random()
        if r < 0.25:
            return (
                self.faker.first_name_male() if sex == Sex.MALE else self.faker.first_name_female()
            )
        if r < 0.8:
            return rng.choice(first) + rng.choice(second)
        return rng.choice(second)

    def names(self, drafts: list[Draft]) -> list[str]:
        """Full names; brothers often share the first character of their given names (字辈)."""
        given = [self.given_name(d.sex, self.today.year - d.age) for d in drafts]
        for relation in (Relation.SON, Relation.GRANDSON):
            brothers = [i for i, d in enumerate(drafts) if d.relation == relation]
            if len(brothers) > 1 and self.rng.random() < 0.5:
                eldest_born = self.today.year - drafts[brothers[0]].age
                generation = self.rng.choice(GIVEN_NAMES[(Sex.MALE, era(eldest_born))][0])
                for i in brothers:
                    given[i] = generation + given[i][-1]
        return [d.surname + g for d, g in zip(drafts, given, strict=True)]

    def birth_date(self, age: int) -> datetime.date:
        """A birth date that makes the person exactly `age` today, never today itself."""
        return years_before(self.today, age) - datetime.timedelta(days=self.rng.randint(1, 364))

    def id_number(self, birth_date: datetime.date, sex: Sex) -> str | None:
        """The next free number for the birth date and sex; None once all 500 are used."""
        key = (birth_date, sex)
        start = self.sequences.get(key, 1 if sex == Sex.MALE else 2)
        for sequence in range(start, 1000, 2):
            first17 = f"{self.county_code}{birth_date:%Y%m%d}{sequence:03d}"
            number = first17 + check_character(first17)
            if number not in self.taken:
                self.sequences[key] = sequence + 2
                return number
        self.sequences[key] = 1000
        return None

    def mobile(self) -> str:
        return self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"

    def person(self, draft: Draft, name: str, household: Household, ethnicity: str) -> Person:
        rng = self.rng
        age = draft.age
        birth_date = self.birth_date(age)
        id_number = self.id_number(birth_date, draft.sex)
        education, schooling = self.education(age, draft.sex, birth_date.year)
        chronic = rng.random() < rate_by_age(age, CHRONIC_ILLNESS)
        serious = rng.random() < rate_by_age(age, SERIOUS_ILLNESS)
        category, grade, certificate = "", None, ""
        if rng.random() < rate_by_age(age, DISABILITY):
            category = weighted(rng, DISABILITY_CATEGORIES)
            grade = weighted(rng, DISABILITY_GRADES)
            if id_number:
                certificate = f"{id_number}{DISABILITY_CATEGORY_DIGIT[category]}{grade}"
        labour = self.labour(
            age, in_school=bool(schooling), chronic=chronic, serious=serious, grade=grade
        )
        migrant_work, months = "", 0
        if labour in (Labour.ORDINARY, Labour.SKILLED) and rng.random() < rate_by_age(age, MIGRANT):
            migrant_work = weighted(rng, MIGRANT_PLACES)
            months = weighted(rng, MIGRANT_MONTHS)
        in_adult_work = age >= 16 and not schooling
        insured = rng.random() < 0.98
        name_pinyin, name_initials = pinyin_keys(name)
        return Person(
            household=household,
            name=name,
            name_pinyin=name_pinyin,
            name_initials=name_initials,
            id_number=id_number,
            sex=draft.sex,
            birth_date=birth_date,
            ethnicity=ethnicity,
            relation=draft.relation,
            political_status=self.political_status(age, draft.sex, in_school=bool(schooling)),
            education=education,
            schooling=schooling,
            chronic_illness=chronic,
            serious_illness=serious,
            disability_category=category,
            disability_grade=grade,
            disability_certificate=certificate,
            labour=labour,
            migrant_work=migrant_work,
            migrant_months=months,
            medical_insurance=insured,
            serious_illness_insurance=insured and rng.random() < 0.99,
            pension_insurance=in_adult_work and rng.random() < 0.9,
            phone=self.mobile() if in_adult_work and age <= 65 and rng.random() < 0.4 else "",
        )

    def education(self, age: int, sex: Sex, birth_year: int) -> tuple[str, str]:
        """(education, schooling status): exactly one is filled, as the form requires."""
        rng = self.rng
        if age <= 2:
            return "", Schooling.PRESCHOOL_CHILD
        if age <= 5:
            return "", Schooling.PRESCHOOL if rng.random() < 0.85 else Schooling.PRESCHOOL_CHILD
        if age <= 11:
            return "", Schooling.PRIMARY
        if age <= 14:
            return "", (Schooling.GRADE_7, Schooling.GRADE_8, Schooling.GRADE_9)[age - 12]
        year = age - 14
        if age <= 17:
            r = rng.random()
            if r < 0.55:
                return "", Schooling[f"HIGH_{year}"]
            if r < 0.85:
                return "", Schooling[f"VOCATIONAL_{year}"]
        year = age - 17
        if 18 <= age <= 21 and rng.random() < 0.45:
            track = weighted(
                rng,
                (
                    ("UNDERGRADUATE", 50),
                    ("HIGHER_VOCATIONAL", 35 * (year <= 3)),
                    ("TECHNICIAN", 15),
                ),
            )
            return "", Schooling[f"{track}_{year}"]
        if age == 22 and rng.random() < 0.1:
            return "", rng.choice((Schooling.UNDERGRADUATE_5, Schooling.POSTGRADUATE))
        if 23 <= age <= 26 and rng.random() < 0.03:
            return "", Schooling.POSTGRADUATE
        weights = next(
            w
            for born_before, s, w in EDUCATION_BY_COHORT
            if birth_year < born_before and s in (None, sex)
        )
        # Out of school young: no degree before the age one is earned.
        highest = 3 if age < 18 else 4 if age < 21 else 5 if age < 22 else 6
        weights = weights[:highest]
        return rng.choices(EDUCATION_LEVELS[:highest], weights)[0], ""

    def labour(
        self, age: int, *, in_school: bool, chronic: bool, serious: bool, grade: int | None
    ) -> str:
        """Labour ability from age and health: pupils and children have none; the healthy of
        working age always have some (the counties' ledger checks flag anything else)."""
        rng = self.rng
        if in_school or age < 16:
            return Labour.NONE
        if serious or (grade is not None and grade <= 2):
            return Labour.LOST if age <= 60 or rng.random() < 0.5 else Labour.NONE
        if age > 70:
            return Labour.NONE if rng.random() < 0.6 else Labour.WEAK
        if age > 60:
            if chronic:
                return Labour.WEAK
            return weighted(rng, ((Labour.ORDINARY, 40), (Labour.WEAK, 50), (Labour.NONE, 10)))
        if chronic or grade is not None:
            return Labour.WEAK if rng.random() < 0.6 else Labour.ORDINARY
        return weighted(rng, ((Labour.ORDINARY, 82), (Labour.SKILLED, 15), (Labour.WEAK, 3)))

    def political_status(self, age: int, sex: Sex, *, in_school: bool) -> str:
        r = self.rng.random()
        if age >= 18:
            party = 0.10 if sex == Sex.MALE and age >= 40 else 0.04
            if r < party:
                return PoliticalStatus.CPC_MEMBER
            if r < party + 0.003:
                return PoliticalStatus.CPC_PROBATIONARY
        if 14 <= age <= 28 and r > 1 - (0.35 if in_school else 0.12):
            return PoliticalStatus.CYL_MEMBER
        return PoliticalStatus.MASSES

    def household_status(self, household: Household, members: list[Person]) -> None:
        """Status, poverty attribute, date identified and safety, weighted by hardship."""
        rng = self.rng
        alone_and_old = len(members) == 1 and members[0].birth_date.year <= self.today.year - 70
        no_labour = not any(m.labour in WORKING for m in members)
        hardship = (
            alone_and_old
            or no_labour
            or any(m.serious_illness or (m.disability_grade or 9) <= 2 for m in members)
        )
        status = weighted(rng, STATUS_IF_HARDSHIP if hardship else STATUS_OTHERWISE)
        household.status = status
        if status in (HouseholdStatus.EXITED, HouseholdStatus.POOR):
            table = EXITED_ATTRIBUTES if status == HouseholdStatus.EXITED else POOR_ATTRIBUTES
            household.poverty_attribute = weighted(rng, table)
            # Extreme-poverty support goes to those with no one able to work and no one to care.
            if len(members) == 1 and no_labour and rng.random() < 0.6:
                household.poverty_attribute = (
                    PovertyAttribute.TEKUN_EXITED
                    if status == HouseholdStatus.EXITED
                    else PovertyAttribute.TEKUN_POOR
                )
            # Registration (建档立卡) began in 2014, most households in its first year.
            household.identified_on = datetime.date(
                weighted(rng, ((2014, 70), (2015, 15), (2016, 10), (2017, 5))), 1, 1
            ) + datetime.timedelta(days=rng.randint(0, 364))
        elif status == HouseholdStatus.MONITORED:
            start = datetime.date(2021, 1, 1)
            household.identified_on = start + datetime.timedelta(
                days=rng.randint(0, max(0, (self.today - start).days))
            )
        if status == HouseholdStatus.NOT_POOR:
            household.housing_safety = weighted(
                rng, ((Safety.SAFE, 96), (Safety.UNSAFE, 1), (Safety.UNKNOWN, 3))
            )
            household.water_safety = weighted(
                rng, ((Safety.SAFE, 95), (Safety.UNSAFE, 2), (Safety.UNKNOWN, 3))
            )
        elif status == HouseholdStatus.EXITED:
            # Exit required safe housing and drinking water.
            household.housing_safety = household.water_safety = Safety.SAFE
        else:
            household.housing_safety = Safety.UNSAFE if rng.random() < 0.1 else Safety.SAFE
            household.water_safety = Safety.UNSAFE if rng.random() < 0.05 else Safety.SAFE
        if status != HouseholdStatus.NOT_POOR:
            # Households under the policy are enrolled by the county; a rare gap is for the gap
            # report to find.
            for member in members:
                member.medical_insurance = rng.random() < 0.998
                member.serious_illness_insurance = member.medical_insurance

    # Facts the assistance rules test -------------------------------------------------------

    def household_facts(
        self, plan: VillagePlan, household: Household, members: list[Person]
    ) -> list[Supporter]:
        """Poverty status, causes, property, places of migrant work, schooling exemptions and
        the supporters outside the household, drawn from the facts' own random source."""
        rng = self.facts_rng
        household.poverty_status = self.poverty_status(household)
        if household.poverty_status:
            causes = self.causes(members)
            household.main_cause = causes[0]
            household.other_cause_1, household.other_cause_2 = (causes[1:] + ["", ""])[:2]
        registered = bool(household.poverty_status)
        for name, rates in PROPERTY_RATES.items():
            setattr(household, name, rng.random() < rates[0 if registered else 1])
        if rng.random() < (0.35 if registered else 0.1):
            amount = rng.lognormvariate(8.5 if registered else 10.0, 1.0)
            household.deposits = decimal.Decimal(round(amount, -2)).quantize(decimal.Decimal("1"))
        self.migrant_parents(members)
        for member in members:
            self.member_facts(plan, household, member)
        return self.supporters(household, members)

    def poverty_status(self, household: Household) -> str:
        """Most poor households are not yet out, some returned; most exited ones still enjoy
        the policies; a monitored household was registered poor once in about half the cases."""
        rng = self.facts_rng
        if household.status == HouseholdStatus.POOR:
            return PovertyStatus.RETURNED if rng.random() < 0.15 else PovertyStatus.NOT_OUT
        if household.status == HouseholdStatus.EXITED:
            return (
                PovertyStatus.OUT_NOT_ENJOYING
                if rng.random() < 0.08
                else PovertyStatus.OUT_ENJOYING
            )
        if household.status == HouseholdStatus.MONITORED and rng.random() < 0.45:
            return PovertyStatus.OUT_ENJOYING
        return ""

    def causes(self, members: list[Person]) -> list[str]:
        """A main cause and up to two others, the household's own hardships weighing most."""
        rng = self.facts_rng
        weights = dict(COMMON_CAUSES)
        if any(m.serious_illness or m.chronic_illness for m in members):
            weights[PovertyCause.ILLNESS] = 40
        if any(m.disability_category for m in members):
            weights[PovertyCause.DISABILITY] = 40
        if any(m.schooling in UPPER_SCHOOLING for m in members):
            weights[PovertyCause.SCHOOLING] = 25
        if not any(m.labour in WORKING for m in members):
            weights[PovertyCause.LACK_OF_LABOUR] = 35
        count = weighted(rng, ((1, 35), (2, 40), (3, 25)))
        causes: list[str] = []
        while len(causes) < count:
            cause = weighted(rng, [(c, w) for c, w in weights.items() if c not in causes])
            causes.append(cause)
        return causes

    def migrant_parents(self, members: list[Person]) -> None:
        """In a third of the households of three generations with a child under 16, both
        parents of the grandchildren work away: the children and grandparents stay behind."""
        rng = self.facts_rng
        son = [m for m in members if m.relation == Relation.SON]
        wife = [m for m in members if m.relation == Relation.DAUGHTER_IN_LAW]
        young = [
            m
            for m in members
            if m.relation in (Relation.GRANDSON, Relation.GRANDDAUGHTER)
            and m.birth_date > years_before(self.today, 16)
        ]
        if len(son) != 1 or len(wife) != 1 or not young or rng.random() >= 0.35:
            return
        for parent in (son[0], wife[0]):
            if parent.labour in (Labour.ORDINARY, Labour.SKILLED):
                parent.migrant_work = weighted(
                    rng, ((MigrantWork.OUT_OF_PROVINCE, 65), (MigrantWork.IN_PROVINCE, 35))
                )
                parent.migrant_months = rng.randint(8, 12)

    def member_facts(self, plan: VillagePlan, household: Household, member: Person) -> None:
        rng = self.facts_rng
        if member.migrant_work:
            places = WORKPLACES.get(member.migrant_work, (plan.township.name,))
            member.migrant_place = rng.choice(places)
            # A few long-term workers away from the province are insured as employees there.
            if (
                member.migrant_work == MigrantWork.OUT_OF_PROVINCE
                and member.migrant_months >= 10
                and not household.poverty_status
                and rng.random() < 0.15
            ):
                member.employee_medical_insurance = True
                member.medical_insurance = False
        age = member.age_on(self.today)
        if 6 <= age <= 15:
            if member.disability_grade is not None and member.disability_grade <= 2:
                member.education_exemption = (
                    EducationExemption.HOME_TEACHING
                    if rng.random() < 0.6
                    else EducationExemption.DISABILITY_EXEMPT
                )
            elif member.serious_illness and rng.random() < 0.5:
                member.education_exemption = EducationExemption.HEALTH_EXEMPT

    def supporters(self, household: Household, members: list[Person]) -> list[Supporter]:
        """Children living elsewhere of households of old people only: each named as the
        supporter of the head and of the spouse."""
        rng = self.facts_rng
        if any(m.age_on(self.today) < 60 for m in members) or rng.random() >= 0.7:
            return []
        head = members[0]
        surname = head.name[0]
        supported = [m for m in members if m.relation in (Relation.HEAD, Relation.SPOUSE)]
        result = []
        for _ in range(weighted(rng, ((1, 30), (2, 40), (3, 30)))):
            sex = Sex.MALE if rng.random() < 0.5 else Sex.FEMALE
            age = max(18, head.age_on(self.today) - rng.randint(22, 34))
            birth_date = self.birth_date(age)
            name = surname + self.given_name(sex, birth_date.year)
            lives_in_area = rng.random() < 0.4
            migrant_work = (
                ""
                if lives_in_area
                else weighted(
                    rng, ((MigrantWork.OUT_OF_PROVINCE, 55), (MigrantWork.IN_PROVINCE, 45))
                )
            )
            category, grade = "", None
            if rng.random() < 0.03:
                category = weighted(rng, DISABILITY_CATEGORIES)
                grade = weighted(rng, DISABILITY_GRADES)
            income = None
            if rng.random() < 0.6:
                income = decimal.Decimal(round(rng.lognormvariate(10.2, 0.5), -2)).quantize(
                    decimal.Decimal("1")
                )
            is_dibao = rng.random() < 0.05
            for member in supported:
                result.append(
                    Supporter(
                        household=household,
                        supported=member,
                        name=name,
                        relation=SupporterRelation.CHILD,
                        birth_date=birth_date,
                        lives_in_area=lives_in_area,
                        migrant_work=migrant_work,
                        is_dibao=is_dibao,
                        disability_category=category,
                        disability_grade=grade,
                        annual_income=income,
                    )
                )
        return result
