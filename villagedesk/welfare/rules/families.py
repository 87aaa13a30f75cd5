"""Rule fields about a person's family: the derived spouse, father and mother links
(`registry.families`), the person's children in the household, and legal supporters who live
outside it (`registry.Supporter`). Each is true or false (or a count), never unknown: a missing
link is a fact (no such person in the household), not missing data.

Working away means working away from the township (in the county, the province or beyond). A
child is left behind whenever both parents work away (国发〔2016〕13号 sets no length of absence);
a woman or an elderly person is left behind when the husband, or the children, have been away half
a year or more (民发〔2017〕193号 and the care-list texts).

Supporters unable to fulfil their duty (特困人员认定办法, 民发〔2021〕43号): a supporter who is
特困 themselves; a 低保 recipient aged 60 or over; one aged 70 or over whose income is below the
area's per-capita disposable income of last year; one with a grade 1–2 disability, or a grade 3
intellectual or mental one, whose income is below that same figure (art. 9(3) and (4)). A member
of the household's own income is the household's, which the 特困 rule has already found below the
低保 standard (itself below the disposable income), so a member aged 70 or over or severely
disabled is unable; a supporter outside the household is judged on the income recorded for them
(unknown income, or no disposable-income figure for the area, does not make them unable).
Children support their parents from 18; spouses and parents always.

Each fact is a test (`*_test`) that explain reads as a flag, CASE WHEN test THEN true ELSE false,
and that rules select by (`language.FieldDef.holds`): databases plan the test as joins,
semi-joins or anti-joins, which a CASE hides from them. The spouse, father and mother are read
through their links, joined (as EXISTS subqueries they cost SQLite a tenth more for the spouse,
up to half as much again for a child's two parents); the supporters, who may be many, are
EXISTS subqueries.
"""

import datetime
from typing import TYPE_CHECKING

from django.db.models import (
    BooleanField,
    Case,
    Exists,
    Expression,
    OuterRef,
    Q,
    Value,
    When,
)

from villagedesk.registry.models import Person, Supporter
from villagedesk.welfare.codes import AWAY_FROM_TOWNSHIP
from villagedesk.welfare.models import Enrolment
from villagedesk.welfare.rules.dates import years_before

if TYPE_CHECKING:
    from villagedesk.welfare.rules.compiler import Compiler

HALF_YEAR_MONTHS = 6
SEVERE_GRADES = 2
MENTAL = ["intellectual", "mental"]


def flag(condition: Q) -> Expression:
    """True when the condition holds, false otherwise (unknown included)."""
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


def working_away(prefix: str = "") -> Q:
    """Working away from the township, for however long."""
    return Q(**{f"{prefix}migrant_work__in": AWAY_FROM_TOWNSHIP})


def away(prefix: str = "") -> Q:
    """Working away from the township for half a year or more."""
    return working_away(prefix) & Q(**{f"{prefix}migrant_months__gte": HALF_YEAR_MONTHS})


def severely_disabled(prefix: str = "") -> Q:
    """Grade 1–2, or grade 3 intellectual or mental (the nursing-subsidy line)."""
    return Q(**{f"{prefix}disability_grade__lte": SEVERE_GRADES}) | Q(
        **{f"{prefix}disability_grade": 3, f"{prefix}disability_category__in": MENTAL}
    )


def cannot_guard(link: str) -> Q:
    """A parent who cannot guard the child: not in the household, working away, severely
    disabled or seriously ill."""
    return (
        Q(**{f"{link}__isnull": True})
        | working_away(f"{link}__")
        | severely_disabled(f"{link}__")
        | Q(**{f"{link}__serious_illness": True})
    )


def parents_away_test(compiler: "Compiler") -> Q:
    """Left-behind child's parents (国发〔2016〕13号): both away, or one away and the other
    unable to guard."""
    return (working_away("father__") & cannot_guard("mother")) | (
        working_away("mother__") & cannot_guard("father")
    )


def spouse_away_test(compiler: "Compiler") -> Q:
    """Left-behind woman's husband: away half a year or more."""
    return away("spouse__")


def _some(*rows) -> Q:
    """Whether any of the querysets has a row: EXISTS, which stops at the first."""
    condition = Q()
    for r in rows:
        condition |= Q(Exists(r.order_by()))
    return condition


def _children():
    """The person's children in the household (their father or mother link is the person)."""
    return Person.objects.filter(Q(father_id=OuterRef("pk")) | Q(mother_id=OuterRef("pk")))


def _outside_children():
    return Supporter.objects.filter(
        supported_id=OuterRef("pk"), relation__in=["child", "other_legal"]
    )


def supporters_at_home_test(compiler: "Compiler") -> Q:
    """Whether a child (or other supporter) able to support is at home: aged 16 or over, not in
    school, not severely disabled and not away; outside the household, one who lives in the area
    and does not work away. A pupil at home is not a supporter."""
    day = compiler.day()
    able_here = (
        _children()
        .filter(birth_date__lte=years_before(day, 16), schooling="")
        .annotate(unable=flag(severely_disabled() | away()))
        .filter(unable=False)
    )
    outside = (
        _outside_children()
        .filter(Q(birth_date__isnull=True) | Q(birth_date__lte=years_before(day, 16)))
        .annotate(
            unable=flag(
                Q(lives_in_area=False)
                | Q(migrant_work__in=AWAY_FROM_TOWNSHIP)
                | severely_disabled()
            )
        )
        .filter(unable=False)
    )
    return _some(able_here, outside)


def supporters_away_test(compiler: "Compiler") -> Q:
    """Whether a child (or other supporter) works away, or lives outside the area."""
    outside = Q(lives_in_area=False) | Q(migrant_work__in=AWAY_FROM_TOWNSHIP)
    return _some(_children().filter(away()), _outside_children().filter(outside))


def _running(policy: str, day: datetime.date):
    return (
        Enrolment.objects.filter(policy__code=policy, starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .order_by()
    )


def able_supporters_test(compiler: "Compiler") -> Q:
    """Whether a legal supporter is able to fulfil the duty (民发〔2021〕43号): the spouse,
    parents and adult children in the household, and those recorded outside it, less those
    unable."""
    day = compiler.day()
    cut = {n: years_before(day, n) for n in (18, 60, 70)}
    legal_here = (
        Q(pk=OuterRef("spouse_id"))
        | Q(pk=OuterRef("father_id"))
        | Q(pk=OuterRef("mother_id"))
        | ((Q(father_id=OuterRef("pk")) | Q(mother_id=OuterRef("pk"))) & Q(birth_date__lte=cut[18]))
    )
    unable_here = (
        Q(pk__in=_running("tekun", day).values("person_id"))
        | (
            Q(household_id__in=_running("dibao", day).values("household_id"))
            & Q(birth_date__lte=cut[60])
        )
        | Q(birth_date__lte=cut[70])
        | severely_disabled()
    )
    here = (
        Person.objects.filter(household_id=OuterRef("household_id"))
        .filter(legal_here)
        .annotate(unable=flag(unable_here))
        .filter(unable=False)
    )
    unable_outside = (
        Q(is_tekun=True)
        | (Q(is_dibao=True) & Q(birth_date__lte=cut[60]))
        | (Q(relation="child") & Q(birth_date__gt=cut[18]))
    )
    income_line = compiler.optional_parameter("disposable_income_last_year")
    if income_line is not None:
        unable_outside |= (Q(birth_date__lte=cut[70]) | severely_disabled()) & Q(
            annual_income__lt=income_line
        )
    outside = (
        Supporter.objects.filter(supported_id=OuterRef("pk"))
        .annotate(unable=flag(unable_outside))
        .filter(unable=False)
    )
    return _some(here, outside)
