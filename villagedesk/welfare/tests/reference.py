"""Plain-Python selections of the shipped policies, written by hand from the national rules,
to check the compiled queries against. Unknown data never makes a condition true here either."""

import datetime
from collections import defaultdict
from decimal import Decimal

from villagedesk.registry.codes import COMPULSORY_SCHOOLING
from villagedesk.registry.models import Household, Person
from villagedesk.welfare.catalogue import VOCATIONAL
from villagedesk.welfare.codes import COST_KINDS
from villagedesk.welfare.models import IncomeLine, MonitoredHousehold, Parameter

ABLE = {"ordinary", "skilled"}
WORKING = {"ordinary", "skilled", "weak"}
PARENTS = {"head", "spouse"}
CHILDREN = {"son", "daughter", "grandson", "granddaughter", "daughters_son", "daughters_daughter"}


class World:
    """Every household and person of an area in memory, with income and parameters."""

    def __init__(self, *, prefix: str, day: datetime.date):
        self.day = day
        self.households = {h.pk: h for h in Household.objects.filter(area_code__startswith=prefix)}
        self.members = defaultdict(list)
        for person in Person.objects.filter(area_code__startswith=prefix):
            self.members[person.household_id].append(person)
        self.income = {}
        for line in IncomeLine.objects.filter(
            year=day.year, household__area_code__startswith=prefix
        ):
            sign = -1 if line.kind in COST_KINDS else 1
            self.income[line.household_id] = (
                self.income.get(line.household_id, Decimal(0)) + sign * line.amount
            )
        self.risks = defaultdict(set)
        for case in MonitoredHousehold.objects.filter(
            year=day.year, household__area_code__startswith=prefix
        ):
            self.risks[case.household_id] |= set(case.risk_types)
        self.parameters = defaultdict(list)
        for p in Parameter.objects.filter(year=day.year):
            self.parameters[p.name].append((p.area_prefix, p.value))

    def param(self, name, area_code):
        matching = [(len(p), v) for p, v in self.parameters[name] if area_code.startswith(p)]
        return float(max(matching)[1])

    def age(self, person):
        return person.age_on(self.day)

    def per_capita(self, household):
        members = self.members[household.pk]
        if household.pk not in self.income or not members:
            return None
        return float(self.income[household.pk]) / len(members)

    def below(self, household, name):
        pc = self.per_capita(household)
        return pc is not None and pc < self.param(name, household.area_code)

    def count(self, household, test):
        """Members meeting test (True/False/None); None when any member is unknown."""
        results = [test(m) for m in self.members[household.pk]]
        return None if None in results else sum(results)


def labour_in(person, values):
    return None if person.labour == "" else person.labour in values


def kleene_all(*values):
    return False if False in values else (None if None in values else True)


def away_half_year(person):
    return person.migrant_work in {"in_province", "out_of_province"} and person.migrant_months >= 6


def household_policies(world: World):
    def dibao(h):
        return world.below(h, "dibao_standard")

    def housing_renovation(h):
        return h.housing_safety == "unsafe" and (
            h.status in {"poor", "exited", "monitored"} or world.below(h, "dibao_standard")
        )

    def welfare_job(h):
        def at_home_worker(m):
            return kleene_all(16 <= world.age(m) <= 64, labour_in(m, WORKING), m.migrant_work == "")

        count = world.count(h, at_home_worker)
        return (
            h.status in {"exited", "monitored"}
            and world.below(h, "monitoring_threshold")
            and count is not None
            and count >= 1
        )

    def micro_credit(h):
        count = world.count(h, lambda m: kleene_all(18 <= world.age(m) <= 65, labour_in(m, ABLE)))
        return h.status in {"exited", "monitored"} and count is not None and count >= 1

    return {
        "dibao": dibao,
        "housing_renovation": housing_renovation,
        "welfare_job": welfare_job,
        "micro_credit": micro_credit,
    }


def person_policies(world: World):
    def household(p):
        return world.households[p.household_id]

    def tekun(p):
        h = household(p)
        age = world.age(p)
        grade_low = None if p.disability_grade is None else p.disability_grade <= 2
        category = age >= 60 or age < 16 or grade_low is True
        count = world.count(h, lambda m: kleene_all(18 <= world.age(m) <= 59, labour_in(m, ABLE)))
        return bool(
            category
            and labour_in(p, {"lost", "none"}) is True
            and world.below(h, "dibao_standard")
            and count == 0
        )

    def disability_living(p):
        return p.disability_category != "" and world.below(household(p), "dibao_standard")

    def disability_nursing(p):
        grade = p.disability_grade
        return grade is not None and (
            grade <= 2 or (grade == 3 and p.disability_category in {"intellectual", "mental"})
        )

    def school_nutrition(p):
        return p.schooling in COMPULSORY_SCHOOLING

    def yulu(p):
        return p.schooling in VOCATIONAL and household(p).status in {"poor", "exited", "monitored"}

    def medical_premium_aid(p):
        h = household(p)
        return h.status in {"poor", "monitored"} or world.below(h, "dibao_standard")

    def left_behind_children(p):
        h = household(p)
        away = world.count(h, lambda m: m.relation in PARENTS and away_half_year(m))
        guard = world.count(
            h,
            lambda m: kleene_all(
                m.relation in PARENTS, m.migrant_work == "", labour_in(m, WORKING)
            ),
        )
        return bool(
            world.age(p) < 16
            and p.relation in CHILDREN
            and away is not None
            and away >= 1
            and guard == 0
        )

    def left_behind_elderly(p):
        h = household(p)
        away = world.count(h, away_half_year)
        home = world.count(h, lambda m: 16 <= world.age(m) <= 59 and m.migrant_work == "")
        return world.age(p) >= 60 and away >= 1 and home == 0

    def left_behind_women(p):
        h = household(p)
        husbands = world.count(
            h, lambda m: m.sex == "male" and m.relation in PARENTS and away_half_year(m)
        )
        return (
            p.sex == "female" and p.relation in PARENTS and p.migrant_work == "" and husbands >= 1
        )

    def disabled_persons(p):
        return p.disability_category != ""

    def ill_persons(p):
        return p.serious_illness or p.chronic_illness

    def disaster_accident(p):
        return bool(world.risks[p.household_id] & {"disaster", "accident"})

    return {
        "tekun": tekun,
        "disability_living": disability_living,
        "disability_nursing": disability_nursing,
        "school_nutrition": school_nutrition,
        "yulu": yulu,
        "medical_premium_aid": medical_premium_aid,
        "left_behind_children": left_behind_children,
        "left_behind_elderly": left_behind_elderly,
        "left_behind_women": left_behind_women,
        "disabled_persons": disabled_persons,
        "ill_persons": ill_persons,
        "disaster_accident": disaster_accident,
    }


def selected(world: World, code: str) -> set[int]:
    households = household_policies(world)
    if code in households:
        return {pk for pk, h in world.households.items() if households[code](h)}
    test = person_policies(world)[code]
    return {p.pk for members in world.members.values() for p in members if test(p)}
