"""Building blocks for the rule-family tests: hand-built households on the thresholds of the
national texts, and the shipped policies evaluated for them as the gap report evaluates them."""

import datetime
from decimal import Decimal

from villagedesk.registry.models import Household, Person
from villagedesk.registry.tests.factories import HouseholdFactory, PersonFactory
from villagedesk.welfare.models import Enrolment, IncomeLine, Parameter, Policy
from villagedesk.welfare.selectors import policy_compiled
from villagedesk.welfare.services import catalogue_load

DAY = datetime.date(2025, 12, 31)
FIGURES = {
    "dibao_standard": 6000,
    "poverty_line": 4500,
    "monitoring_threshold": 8700,
    "dibao_marginal_multiple": Decimal("1.5"),
    "disposable_income_last_year": 15000,
    "heavy_spending_threshold": 20000,
    "income_drop_percent": 30,
    "notice_days": 5,
    "decision_days": 15,
    "measure_days": 180,
}


def figures_set(area, year: int = DAY.year, **changes) -> None:
    """The shipped policies, and the area's figures for the year."""
    catalogue_load()
    for name, value in {**FIGURES, **changes}.items():
        Parameter.objects.update_or_create(
            name=name, area=area, year=year, defaults={"value": Decimal(value)}
        )


def born(years: int, *, day: datetime.date = DAY, days: int = 0) -> datetime.date:
    """The birth date of someone who turns `years` on `day`, moved by `days` (+: younger)."""
    return day.replace(year=day.year - years) + datetime.timedelta(days=days)


def household_with(village, *, income=None, year: int = DAY.year, **fields) -> Household:
    """A household of the village with income lines (kind → yuan) for the year."""
    household = HouseholdFactory(village=village, **fields)
    for kind, amount in (income or {}).items():
        IncomeLine.objects.create(household=household, year=year, kind=kind, amount=amount)
    return household


def member(household, **fields) -> Person:
    fields.setdefault("relation", "other")
    fields.setdefault("id_number", None)
    if fields.get("schooling"):
        fields.setdefault("education", "")  # exactly one of the two is filled
    return PersonFactory(household=household, **fields)


def enrol(code: str, household, person=None, *, starts_on=datetime.date(2024, 1, 1)) -> Enrolment:
    return Enrolment.objects.create(
        policy=Policy.objects.get(code=code),
        household=household,
        person=person,
        starts_on=starts_on,
    )


def selected(code: str, area, day: datetime.date = DAY) -> set[int]:
    """The households (or persons) the shipped policy selects in the area on the day."""
    policy = Policy.objects.get(code=code)
    compiled = policy_compiled(policy=policy, area=area, day=day)
    return set(compiled.queryset().values_list("pk", flat=True))


def eligible(code: str, subject, day: datetime.date = DAY) -> bool:
    village = subject.village if isinstance(subject, Household) else subject.household.village
    return subject.pk in selected(code, village, day)
