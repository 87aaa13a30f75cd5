"""Plain-Python selections of the shipped policies, written by hand from the national rules,
to check the compiled queries against. Unknown data never makes a condition true here either."""

import datetime
from collections import Counter, defaultdict
from decimal import Decimal
from fractions import Fraction

from django.db.models import Q

from villagedesk.registry.codes import COMPULSORY_SCHOOLING
from villagedesk.registry.models import Household, Person, Supporter
from villagedesk.welfare.catalogue import STILL_AT_SCHOOL, VOCATIONAL
from villagedesk.welfare.codes import COST_KINDS
from villagedesk.welfare.models import Enrolment, IncomeLine, MonitoredHousehold, Parameter

ABLE = {"ordinary", "skilled"}
WORKING = {"ordinary", "skilled", "weak"}
AWAY = {"in_county", "in_province", "out_of_province"}


def window_days(day: datetime.date) -> dict[int, int]:
    """The 12 months before the day, counted day by day per calendar year: from the same day a
    year earlier (the 28th for a 29 February) to the day before."""
    try:
        start = day.replace(year=day.year - 1)
    except ValueError:
        start = day.replace(year=day.year - 1, day=28)
    days = Counter()
    while start < day:
        days[start.year] += 1
        start += datetime.timedelta(days=1)
    return dict(days)


class World:
    """Every household and person of an area in memory, with income and parameters."""

    def __init__(self, *, prefix: str, day: datetime.date):
        self.day = day
        self.households = {h.pk: h for h in Household.objects.filter(area_code__startswith=prefix)}
        self.members = defaultdict(list)
        self.persons = {}
        for person in Person.objects.filter(area_code__startswith=prefix):
            self.members[person.household_id].append(person)
            self.persons[person.pk] = person
        self.children = defaultdict(list)
        for person in self.persons.values():
            for parent in {person.father_id, person.mother_id} - {None}:
                self.children[parent].append(person)
        self.supporters = defaultdict(list)
        for supporter in Supporter.objects.filter(area_code__startswith=prefix):
            self.supporters[supporter.supported_id].append(supporter)
        # Income over the 12 months before the day (民发〔2021〕57号): each household's net
        # income per calendar year of the window, and the part the 2021 social-assistance rules
        # count, with what they leave out decided per year.
        self.window = window_days(day)
        self.income, self.assistance_income = {}, {}
        for line in IncomeLine.objects.filter(
            year__in=list(self.window), household__area_code__startswith=prefix
        ):
            left_out = {
                "transfer_special_care",
                "transfer_family_planning",
                "transfer_award",
                "transfer_dibao",
                "transfer_tekun",
                "transfer_assistance",
            }
            if 2021 <= line.year <= 2025:
                left_out.add("transfer_base_pension")
            sign = -1 if line.kind in COST_KINDS else 1
            key = (line.household_id, line.year)
            self.income[key] = self.income.get(key, Decimal(0)) + sign * line.amount
            counted = 0 if line.kind in left_out else sign * line.amount
            self.assistance_income[key] = self.assistance_income.get(key, Decimal(0)) + counted
        self.risks = defaultdict(set)
        for case in MonitoredHousehold.objects.filter(household__area_code__startswith=prefix):
            eliminated = case.risk_eliminated_on
            if case.year <= day.year and (eliminated is None or eliminated.year >= day.year):
                self.risks[case.household_id] |= set(case.risk_types)
        running = (
            Enrolment.objects.filter(starts_on__lte=day)
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
            .values_list("policy__code", "household_id", "person_id")
        )
        self.dibao_households = {h for code, h, _p in running if code == "dibao"}
        self.tekun_persons = {p for code, _h, p in running if code == "tekun"}
        self.parameters = defaultdict(list)
        for p in Parameter.objects.filter(year=day.year):
            self.parameters[p.name].append((p.area_prefix, p.value))

    def optional_param(self, name, area_code):
        matching = [(len(p), v) for p, v in self.parameters[name] if area_code.startswith(p)]
        return max(matching)[1] if matching else None

    def param(self, name, area_code):
        matching = [(len(p), v) for p, v in self.parameters[name] if area_code.startswith(p)]
        return float(max(matching)[1])

    def age(self, person):
        return person.age_on(self.day)

    def per_capita(self, household, *, assistance=False) -> Fraction | None:
        """Each recorded year's income weighted by its days in the window, per member, exactly;
        None when no year of the window has income lines or the household has no members."""
        members = self.members[household.pk]
        income = self.assistance_income if assistance else self.income
        recorded = {y: n for y, n in self.window.items() if (household.pk, y) in income}
        if not recorded or not members:
            return None
        total = sum(Fraction(income[(household.pk, y)]) * n for y, n in recorded.items())
        return total / (sum(recorded.values()) * len(members))

    def below(self, household, name, *, assistance=False):
        pc = self.per_capita(household, assistance=assistance)
        return pc is not None and pc < self.param(name, household.area_code)

    def count(self, household, test):
        """Members meeting test (True/False/None); None when any member is unknown."""
        results = [test(m) for m in self.members[household.pk]]
        return None if None in results else sum(results)


def labour_in(person, values):
    return None if person.labour == "" else person.labour in values


def kleene_all(*values):
    return False if False in values else (None if None in values else True)


def working_away(person):
    return person.migrant_work in AWAY


def away_half_year(person):
    return working_away(person) and (person.migrant_months or 0) >= 6


def severe(person):
    grade = person.disability_grade
    return grade is not None and (
        grade <= 2 or (grade == 3 and person.disability_category in {"intellectual", "mental"})
    )


def property_within_limits(h):
    return not (h.owns_vehicle or h.owns_business or h.public_payroll or h.town_housing)


def household_policies(world: World):
    def dibao(h):
        return world.below(h, "dibao_standard", assistance=True) and property_within_limits(h)

    def dibao_marginal(h):
        pc = world.per_capita(h, assistance=True)
        standard = world.param("dibao_standard", h.area_code)
        multiple = world.param("dibao_marginal_multiple", h.area_code)
        return pc is not None and standard <= pc < standard * multiple and property_within_limits(h)

    def housing_renovation(h):
        return h.housing_safety == "unsafe" and (
            h.status in {"poor", "exited", "monitored"}
            or world.below(h, "dibao_standard", assistance=True)
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
        "dibao_marginal": dibao_marginal,
        "housing_renovation": housing_renovation,
        "welfare_job": welfare_job,
        "micro_credit": micro_credit,
    }


def person_policies(world: World):
    def household(p):
        return world.households[p.household_id]

    def no_labour_capacity(p):
        """民发〔2021〕43号."""
        age, grade, category = world.age(p), p.disability_grade, p.disability_category
        return (
            age >= 60
            or age < 16
            or (grade is not None and category in {"intellectual", "mental"} and grade <= 3)
            or (grade is not None and category == "physical" and grade <= 2)
            or (grade is not None and category == "visual" and grade == 1)
            or (p.pk in world.tekun_persons and (age < 18 or p.schooling in STILL_AT_SCHOOL))
        )

    def able_supporters(p):
        """民发〔2021〕43号: legal supporters, less those unable to fulfil the duty."""
        h = household(p)
        day = world.day
        here = [
            m
            for m in (
                world.persons.get(p.spouse_id),
                world.persons.get(p.father_id),
                world.persons.get(p.mother_id),
            )
            if m is not None
        ]
        here += [c for c in world.children[p.pk] if c.birth_date and world.age(c) >= 18]

        def unable_here(m):
            age = world.age(m)
            return (
                m.pk in world.tekun_persons
                or (h.pk in world.dibao_households and age >= 60)
                or age >= 70
                or severe(m)
            )

        line = world.optional_param("disposable_income_last_year", h.area_code)

        def unable_outside(s):
            age = s.age_on(day)
            return (
                s.is_tekun
                or (s.is_dibao and age is not None and age >= 60)
                or (s.relation == "child" and age is not None and age < 18)
                or (
                    line is not None
                    and ((age is not None and age >= 70) or severe(s))
                    and s.annual_income is not None
                    and s.annual_income < line
                )
            )

        return sum(not unable_here(m) for m in here) + sum(
            not unable_outside(s) for s in world.supporters[p.pk]
        )

    def tekun(p):
        h = household(p)
        return (
            no_labour_capacity(p)
            and world.below(h, "dibao_standard", assistance=True)
            and property_within_limits(h)
            and able_supporters(p) == 0
        )

    def disability_living(p):
        h = household(p)
        return p.disability_category != "" and (
            h.pk in world.dibao_households or world.below(h, "dibao_standard", assistance=True)
        )

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
        return (
            h.status in {"poor", "monitored"}
            or h.pk in world.dibao_households
            or p.pk in world.tekun_persons
            or world.below(h, "dibao_standard", assistance=True)
        )

    def cannot_guard(parent):
        return parent is None or working_away(parent) or severe(parent) or parent.serious_illness

    def left_behind_children(p):
        father, mother = world.persons.get(p.father_id), world.persons.get(p.mother_id)
        return world.age(p) < 16 and (
            (father is not None and working_away(father) and cannot_guard(mother))
            or (mother is not None and working_away(mother) and cannot_guard(father))
        )

    def left_behind_elderly(p):
        day = world.day
        children = world.children[p.pk]
        outside = [s for s in world.supporters[p.pk] if s.relation in {"child", "other_legal"}]
        at_home = [
            c
            for c in children
            if world.age(c) >= 16 and c.schooling == "" and not severe(c) and not away_half_year(c)
        ] + [
            s
            for s in outside
            if (s.birth_date is None or s.age_on(day) >= 16)
            and s.lives_in_area
            and s.migrant_work not in AWAY
            and not severe(s)
        ]
        away = [c for c in children if away_half_year(c)] + [
            s for s in outside if not s.lives_in_area or s.migrant_work in AWAY
        ]
        return world.age(p) >= 60 and p.migrant_work not in AWAY and away and not at_home

    def left_behind_women(p):
        spouse = world.persons.get(p.spouse_id)
        return (
            p.sex == "female"
            and p.migrant_work not in AWAY
            and spouse is not None
            and away_half_year(spouse)
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
