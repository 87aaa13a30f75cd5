"""Poverty status and exit: each household's income against the year's lines, the exit checks
(两不愁三保障 and safe drinking water) as rules of the same engine, and a village's incidence.

The checks are rules so that each is explainable condition by condition like any policy, and so
that a county with stricter local tests can read exactly what is checked here.
"""

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from villagedesk.accounts.models import User
from villagedesk.areas.models import Area
from villagedesk.registry.codes import Education, Schooling
from villagedesk.registry.models import Household, Person
from villagedesk.welfare.figures import Stored, poverty_counts, small, stored
from villagedesk.welfare.models import FiguresKind
from villagedesk.welfare.rules import Context, Explanation, compile_rule, explain_rows
from villagedesk.welfare.selectors import villages_under

# Income strictly above the line over the last 12 months (README §9, exit checks).
ABOVE_LINE = {"field": "per_capita_income", "op": ">", "value": {"param": "poverty_line"}}
IN_SCHOOL = sorted(
    s.value for s in Schooling if s not in {Schooling.PRESCHOOL_CHILD, Schooling.PRESCHOOL}
)
COMPLETED_JUNIOR = [
    Education.JUNIOR.value,
    Education.SENIOR.value,
    Education.COLLEGE.value,
    Education.BACHELOR.value,
]
# A child of 6–15 is in school or has completed junior school; one who is neither (recorded as
# pre-school, or with no schooling) fails compulsory education unless exempted for health or
# disability (送教上门 or a documented exemption, recorded per child).
OUT_OF_SCHOOL = {
    "all": [
        {"field": "age", "op": "between", "value": [6, 15]},
        {"not": {"field": "schooling", "op": "in", "value": IN_SCHOOL}},
        {"not": {"field": "education", "op": "in", "value": COMPLETED_JUNIOR}},
        {"field": "education_exemption", "op": "empty"},
    ]
}
# Either basic medical insurance: residents' or employees'.
UNINSURED = {
    "all": [
        {"field": "medical_insurance", "op": "=", "value": False},
        {"field": "employee_medical_insurance", "op": "=", "value": False},
    ]
}
EXIT_CHECKS = {
    "income": (_("Income above the poverty line: no worry about food and clothing"), ABOVE_LINE),
    "education": (
        _("Compulsory education: every child of 6–15 in school or through junior school"),
        {"count": OUT_OF_SCHOOL, "op": "=", "value": 0},
    ),
    "medical": (
        _("Basic medical insurance (residents' or employees') for every member"),
        {"count": UNINSURED, "op": "=", "value": 0},
    ),
    "housing": (
        _("Safe housing"),
        {"field": "housing_safety", "op": "=", "value": "safe"},
    ),
    "water": (
        _("Safe drinking water"),
        {"field": "water_safety", "op": "=", "value": "safe"},
    ),
}
BELOW_THRESHOLD = {
    "field": "per_capita_income",
    "op": "<",
    "value": {"param": "monitoring_threshold"},
}


@dataclass
class HouseholdStatusRow:
    household: Household
    checks: dict[str, Explanation]
    below_threshold: Explanation

    @property
    def exits(self) -> bool:
        return all(e.eligible for e in self.checks.values())


def household_status_rows(
    *, area: Area, day: datetime.date, households
) -> list[HouseholdStatusRow]:
    """Exit checks and the monitoring threshold for the households: one query per check."""
    context = Context(area=area, day=day)
    explained = {
        name: explain_rows(compile_rule(rule, name=f"exit:{name}", context=context), households)
        for name, (_label, rule) in EXIT_CHECKS.items()
    }
    threshold = explain_rows(
        compile_rule(BELOW_THRESHOLD, name="monitoring_threshold", context=context), households
    )
    return [
        HouseholdStatusRow(
            h, {name: explained[name][h.pk] for name in EXIT_CHECKS}, threshold[h.pk]
        )
        for h in households.select_related("village")
    ]


@dataclass
class VillageFigures:
    village: Area
    persons: int
    poor_persons: int
    threshold_percent: float

    @property
    def incidence(self) -> float:
        return 100 * self.poor_persons / self.persons if self.persons else 0.0

    @property
    def meets_exit(self) -> bool:
        return self.incidence < self.threshold_percent


def village_figures(
    *, user: User, area: Area, day: datetime.date, threshold_percent: float
) -> list[VillageFigures]:
    """Poverty incidence per village of the area the user sees: registered poor persons not
    exited over all registered; counted now."""
    counts = poverty_counts(Person.objects.visible_to(user).within([area.prefix]))
    villages = villages_under(user=user, area=area)
    return figures_of(villages=villages, counts=counts, threshold_percent=threshold_percent)


def figures_of(*, villages, counts: dict, threshold_percent: float) -> list[VillageFigures]:
    return [VillageFigures(v, *counts.get(v.code, (0, 0)), threshold_percent) for v in villages]


def village_figures_shown(
    *, user: User, area: Area, day: datetime.date, threshold_percent: float
) -> tuple[list[VillageFigures], Stored | None]:
    """The figures of `village_figures` as the page shows them, with the stored figures they
    were read from: counted in the request for a village or an area of few households, read
    from the counties' stored figures otherwise (`welfare.figures`; None when counted)."""
    if area.is_village or small(area):
        figures = village_figures(
            user=user, area=area, day=day, threshold_percent=threshold_percent
        )
        return figures, None
    villages = list(villages_under(user=user, area=area))
    read = stored(kind=FiguresKind.POVERTY, villages=villages, prefix=area.prefix)
    return figures_of(
        villages=villages, counts=read.counts, threshold_percent=threshold_percent
    ), read
