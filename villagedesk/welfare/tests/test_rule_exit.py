"""Exit checks, README §2 and §9 (两不愁三保障 and safe drinking water).

Income strictly above the line over the last 12 months; compulsory education met by every child
of 6–15 in school or through junior school, and failed by a school-age child still recorded as
pre-school unless exempted for health or disability (送教上门 or a documented exemption, per
child); basic medical care met by residents' OR employees' basic medical insurance; housing safe;
drinking water safe. Line here: 4,500 yuan.
"""

import pytest

from villagedesk.registry.models import Household
from villagedesk.welfare.poverty import household_status_rows
from villagedesk.welfare.tests.rulecases import DAY, born, figures_set, household_with, member


@pytest.fixture
def village(county, village_a):
    figures_set(county)
    return village_a


def checks(household):
    [row] = household_status_rows(
        area=household.village, day=DAY, households=Household.objects.filter(pk=household.pk)
    )
    return {name: explanation.eligible for name, explanation in row.checks.items()}


def exiting(village, *, wage=20000, child=None, **household):
    """A household that meets every check unless told otherwise: an insured adult and, when
    given, a child."""
    fields = {"housing_safety": "safe", "water_safety": "safe", **household}
    found = household_with(village, income={"wage": wage}, **fields)
    member(found, relation="head", medical_insurance=True)
    if child is not None:
        member(found, relation="son", medical_insurance=True, **child)
    return found


@pytest.mark.parametrize(("wage", "passes"), [(4499, False), (4500, False), (4501, True)])
def test_income_strictly_above_the_line(village, wage, passes):
    assert checks(exiting(village, wage=wage))["income"] is passes


def test_a_household_meeting_every_check_exits(village):
    [row] = household_status_rows(
        area=village,
        day=DAY,
        households=Household.objects.filter(
            pk=exiting(
                village, child={"schooling": "grade_8", "education": "", "birth_date": born(14)}
            ).pk
        ),
    )
    assert row.exits


@pytest.mark.parametrize(
    ("child", "passes"),
    [
        ({"birth_date": born(10), "schooling": "primary"}, True),
        ({"birth_date": born(15), "schooling": "", "education": "junior"}, True),
        ({"birth_date": born(15), "schooling": "", "education": "primary"}, False),
        ({"birth_date": born(12), "schooling": "", "education": ""}, False),
        ({"birth_date": born(7), "schooling": "preschool"}, False),
        ({"birth_date": born(7), "schooling": "preschool_child"}, False),
        ({"birth_date": born(6), "schooling": "preschool"}, False),  # 6 on the day
        ({"birth_date": born(6, days=1), "schooling": "preschool"}, True),  # 6 tomorrow
        ({"birth_date": born(16), "schooling": "", "education": "primary"}, True),  # 16: past it
        ({"birth_date": born(16, days=1), "schooling": "", "education": "primary"}, False),
    ],
)
def test_compulsory_education_6_to_15(village, child, passes):
    child = {"education": "", **child}
    assert checks(exiting(village, child=child))["education"] is passes


@pytest.mark.parametrize("exemption", ["home_teaching", "health_exempt", "disability_exempt"])
def test_a_documented_exemption_per_child_meets_education(village, exemption):
    child = {
        "birth_date": born(9),
        "schooling": "preschool_child",
        "education": "",
        "education_exemption": exemption,
    }
    assert checks(exiting(village, child=child))["education"] is True


def test_an_exemption_covers_only_its_own_child(village):
    household = exiting(
        village,
        child={
            "birth_date": born(9),
            "schooling": "",
            "education": "",
            "education_exemption": "disability_exempt",
        },
    )
    member(
        household,
        relation="daughter",
        sex="female",
        birth_date=born(8),
        education="",
        medical_insurance=True,
    )
    assert checks(household)["education"] is False


@pytest.mark.parametrize(
    ("residents", "employees", "passes"),
    [(True, False, True), (False, True, True), (True, True, True), (False, False, False)],
)
def test_medical_residents_or_employees_insurance(village, residents, employees, passes):
    household = exiting(village)
    member(
        household,
        relation="spouse",
        sex="female",
        medical_insurance=residents,
        employee_medical_insurance=employees,
    )
    assert checks(household)["medical"] is passes


@pytest.mark.parametrize(
    ("field", "value"), [("housing_safety", "unsafe"), ("water_safety", "unsafe")]
)
def test_housing_and_water_must_be_safe(village, field, value):
    result = checks(exiting(village, **{field: value}))
    assert result[field.removesuffix("_safety")] is False
