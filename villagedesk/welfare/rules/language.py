"""The vocabulary of the rule language: types, operators, fields and how each reaches the
database."""

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import (
    BooleanField,
    Case,
    DecimalField,
    Expression,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, NullIf
from django.db.models.lookups import GreaterThan, IsNull
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from villagedesk.areas.models import Area
from villagedesk.core.codelists import Label
from villagedesk.registry import codes as registry_codes
from villagedesk.registry.models import Person
from villagedesk.welfare.codes import COST_KINDS, TRANSFER_KINDS, IncomeBasis, IncomeKind, RiskType
from villagedesk.welfare.models import (
    Enrolment,
    HouseholdSpending,
    IncomeLine,
    MonitoredHousehold,
    open_in_year,
)
from villagedesk.welfare.rules import families
from villagedesk.welfare.rules.dates import IncomeWindow

if TYPE_CHECKING:
    from villagedesk.welfare.rules.compiler import Compiler

NUMBER, DATE, CODE, BOOL, AGE = "number", "date", "code", "bool", "age"
COMPARISONS = {"=", "!=", "<", "<=", ">", ">="}
OPS = COMPARISONS | {"in", "between", "empty", "not_empty"}
OPS_BY_TYPE = {
    NUMBER: OPS,
    AGE: COMPARISONS | {"between"},
    DATE: OPS - {"in"},
    CODE: {"=", "!=", "in", "empty", "not_empty"},
    BOOL: {"=", "!="},
}
# Sums over members use -1 for "some member's value is unknown"; member numbers are never negative.
UNKNOWN = -1


class RuleError(Exception):
    """A rule that cannot be compiled, naming the rule and the part at fault."""

    def __init__(self, message: str, *, rule: str, part: str):
        self.message, self.rule, self.part = message, rule, part
        super().__init__(
            _("Rule %(rule)s, at %(part)s: %(message)s")
            % {"rule": rule, "part": part or _("the top"), "message": message}
        )


@dataclass(frozen=True)
class Context:
    """Where and when a rule is evaluated: the area (all households below it), the day, and
    which income the policy counts (`welfare.income`).

    Parameters are the day's year's; income is counted over the 12 months before the day
    (`IncomeWindow`); ages are taken on the day."""

    area: Area
    day: datetime.date
    income_basis: str = IncomeBasis.FULL

    @property
    def year(self) -> int:
        return self.day.year

    @property
    def window(self) -> IncomeWindow:
        return IncomeWindow(self.day)


@dataclass(frozen=True)
class HouseholdRef:
    """How to reach the household from the query at hand: itself, or a person's household."""

    prefix: str  # "" on households, "household__" on persons
    pk: str  # the outer column holding the household id

    def field(self, name: str) -> F:
        return F(self.prefix + name)


@dataclass(frozen=True)
class FieldDef:
    name: str
    type: str
    label: Label | str
    build: Callable[["Compiler", HouseholdRef | None], Expression]
    choices: type | None = None
    blank_is_missing: bool = False
    nullable: bool = False
    # For a flag that is never unknown: the same test as a membership the database can plan as a
    # semi-join (the value expression stays what explain reads).
    selects: Callable[["Compiler", HouseholdRef | None], "Membership"] | None = None
    # For a flag that is never unknown, CASE WHEN test THEN true ELSE false: the test, which rules
    # select by instead of the flag. In a WHERE clause it must be true where the flag is true and
    # false elsewhere, negated too: EXISTS subqueries, or lookups through a link, which Django
    # negates as "not true" (a NULL column of a missing link is tested apart).
    holds: Callable[["Compiler", HouseholdRef | None], Q] | None = None


@dataclass(frozen=True)
class Membership:
    """`column IN (SELECT household_id FROM rows WHERE condition)`, kept in parts so that several
    tests on the same rows can be merged into one subquery: ORed IN lists cannot become one
    semi-join, so PostgreSQL would test each outer row against every list in turn."""

    column: str
    source: tuple  # which rows: memberships with the same column and source merge
    rows: QuerySet  # rows with a `key` column
    condition: Q
    key: str = "household_id"

    def q(self) -> Q:
        return Q(**{f"{self.column}__in": self.rows.filter(self.condition).values(self.key)})

    def merged(self, other: "Membership") -> "Membership":
        return Membership(
            self.column, self.source, self.rows, self.condition | other.condition, self.key
        )


def household_income(kinds, *, window: IncomeWindow, ref: HouseholdRef) -> Expression:
    """The household's lines of these kinds over the window: each year's sum weighted by the
    window's days in that year, over the days of the years that have any line; NULL when no year
    of the window has lines.

    Costs count negatively; NUMERIC is cast to float so that SQLite never divides integers."""
    signed = Case(
        When(kind__in=[k.value for k in COST_KINDS], then=-F("amount")),
        default=F("amount"),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )
    wanted = Case(
        When(kind__in=[k.value for k in kinds], then=signed),
        default=Value(Decimal(0)),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )
    days = window.days
    weight = Case(
        *[When(year=year, then=Value(n)) for year, n in days.items()],
        output_field=IntegerField(),
    )
    # A year's days count once however many lines it has: MAX per year, summed over the years.
    recorded = [
        Func(
            Case(When(year=year, then=Value(n)), default=Value(0)),
            function="MAX",
            output_field=IntegerField(),
        )
        for year, n in days.items()
    ]
    # SUM and MAX as plain functions: one row per household without a GROUP BY, NULL when no
    # lines.
    lines = (
        IncomeLine.objects.filter(household_id=OuterRef(ref.pk), year__in=list(days))
        .order_by()
        .annotate(
            total=Func(
                Cast(wanted, FloatField()) * weight, function="SUM", output_field=FloatField()
            ),
            weight=sum(recorded[1:], recorded[0]),
        )
        .annotate(figure=F("total") / NullIf(Cast("weight", FloatField()), Value(0.0)))
        .values("figure")
    )
    return Subquery(lines, output_field=FloatField())


@dataclass(frozen=True)
class WindowIncome:
    """A household's income over a window, from the joined `HouseholdIncome` rows of the years
    the window overlaps: each year's figure times its days in the window, summed (`total`); the
    days of the years that have income lines (`days`, NULL when none has: the income is then
    unknown); and the household's members (`size`, from the joined `HouseholdSize`, NULL for a
    household without members).

    A year without lines drops out of both sums, so a household with one recorded year has that
    year's figure exactly. The figure is `total / days` (or `total / (days × size)`): for
    whole-yuan lines every product and sum is a whole number, held exactly, and the one division
    is correctly rounded, so a figure exactly on a standard compares equal to it and one off it
    compares off it."""

    total: Expression
    days: Expression
    size: Expression

    @property
    def figure(self) -> Expression:
        return self.total / self.days

    @property
    def per_capita(self) -> Expression:
        return self.total / (self.days * NullIf(self.size, Value(0.0)))


def window_income(
    compiler: "Compiler", ref: HouseholdRef, column: str, window: IncomeWindow | None = None
) -> WindowIncome:
    """The household's net income (or the part social assistance counts) over the rule's window
    (or another), from `HouseholdIncome` joined once per year."""
    total, days = [], []
    for year, n in (window or compiler.window).days.items():
        row = compiler.income_relation(ref, year=year)
        figure = Cast(F(f"{row}__{column}"), FloatField())
        total.append(Coalesce(figure, Value(0.0)) * Value(float(n)))
        days.append(Case(When(IsNull(F(f"{row}__id"), True), then=Value(0)), default=Value(n)))
    return WindowIncome(
        total=sum(total[1:], total[0]),
        days=NullIf(Cast(sum(days[1:], days[0]), FloatField()), Value(0.0)),
        size=Cast(F(f"{compiler.size_relation(ref)}__size"), FloatField()),
    )


def medical_spending(*, year: int, ref: HouseholdRef) -> Expression:
    """The household's out-of-pocket medical costs recorded for the year; NULL when none."""
    rows = HouseholdSpending.objects.filter(household_id=OuterRef(ref.pk), year=year).values(
        "medical_out_of_pocket"
    )
    return Cast(Subquery(rows), FloatField())


def income_drop_percent(compiler: "Compiler", ref: HouseholdRef) -> Expression:
    """How far the per-capita net income of the 12 months before the day fell from that of the
    12 months before those, in percent of the earlier (a rise is negative); NULL when either
    window has no income lines or the earlier income was not positive.

    The members are the same in both, so the fall is 100 × (before·days_now − now·days_before)
    / (before·days_now): one division, like every income figure."""
    now = window_income(compiler, ref, "net_income")
    before = window_income(compiler, ref, "net_income", compiler.window.before())
    base = Case(
        When(
            Q(GreaterThan(before.total, Value(0.0))) & Q(GreaterThan(now.size, Value(0.0))),
            then=before.total * now.days,
        ),
        default=None,
        output_field=FloatField(),
    )
    return (before.total * now.days - now.total * before.days) * Value(100.0) / base


def counted_income(compiler: "Compiler", ref: HouseholdRef) -> WindowIncome:
    """The net income the policy counts over the window: all of it, or what social assistance
    counts."""
    column = (
        "assistance_income"
        if compiler.income_basis == IncomeBasis.SOCIAL_ASSISTANCE
        else "net_income"
    )
    return window_income(compiler, ref, column)


def household_size(ref: HouseholdRef) -> Expression:
    # COUNT as a plain function: always one row, 0 for a household without members.
    members = (
        Person.objects.filter(household_id=OuterRef(ref.pk))
        .order_by()
        .annotate(n=Func(F("pk"), function="COUNT", output_field=IntegerField()))
        .values("n")
    )
    return Subquery(members, output_field=IntegerField())


def monitored_for_membership(risk: RiskType, *, year: int, ref: HouseholdRef) -> Membership:
    """Households with a monitoring case open in the year naming this risk type.

    Risk types are a JSON list of codes; its text holds each code in quotes on SQLite and
    PostgreSQL alike, so matching the quoted code needs no JSON operator either lacks."""
    return Membership(
        ref.pk,
        ("monitoring cases", year),
        MonitoredHousehold.objects.filter(open_in_year(year))
        .order_by()
        .annotate(risk_text=Cast("risk_types", TextField())),
        Q(risk_text__contains=f'"{risk.value}"'),
    )


def monitored_for(risk: RiskType, *, year: int, ref: HouseholdRef) -> Expression:
    """Whether the household has such a case: true or false, never unknown."""
    return Case(
        When(monitored_for_membership(risk, year=year, ref=ref).q(), then=Value(True)),
        default=Value(False),
        output_field=BooleanField(),
    )


def enrolled_membership(policy: str, *, day: datetime.date, column: str, key: str) -> Membership:
    """Rows (households or persons) with an enrolment in the policy running on the day."""
    return Membership(
        column,
        ("enrolments", day, key),
        Enrolment.objects.filter(starts_on__lte=day)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))
        .order_by(),
        Q(policy__code=policy),
        key,
    )


def flag_of(membership: Membership) -> Expression:
    """A membership as a flag that is true or false, never unknown."""
    return Case(
        When(membership.q(), then=Value(True)), default=Value(False), output_field=BooleanField()
    )


def enrolled_field(name: str, label: str, policy: str, *, person: bool) -> FieldDef:
    """Whether the household (or the person) receives the policy on the rule's day."""

    def membership(c, ref):
        if person:
            return enrolled_membership(policy, day=c.day(), column="pk", key="person_id")
        return enrolled_membership(policy, day=c.day(), column=ref.pk, key="household_id")

    return FieldDef(
        name,
        BOOL,
        label,
        lambda c, ref: flag_of(membership(c, ref)),
        selects=membership,
    )


def family_field(name: str, label: str, test: Callable[["Compiler"], Q]) -> FieldDef:
    """A fact about the person's family (`families`): true or false, selected by its test."""
    return FieldDef(
        name,
        BOOL,
        label,
        lambda c, ref: families.flag(test(c)),
        holds=lambda c, ref: test(c),
    )


def _household_fields() -> dict[str, FieldDef]:
    def column(name):
        return lambda c, ref: ref.field(name)

    def flag_column(name, label):
        return FieldDef(name, BOOL, label, column(name))

    def income(kinds):
        return lambda c, ref: household_income(kinds, window=c.window, ref=ref)

    return {
        d.name: d
        for d in [
            FieldDef(
                "status",
                CODE,
                gettext_noop("status"),
                column("status"),
                registry_codes.HouseholdStatus,
            ),
            FieldDef(
                "poverty_attribute",
                CODE,
                gettext_noop("poverty attribute"),
                column("poverty_attribute"),
                registry_codes.PovertyAttribute,
            ),
            FieldDef(
                "poverty_status",
                CODE,
                gettext_noop("poverty status"),
                column("poverty_status"),
                registry_codes.PovertyStatus,
            ),
            flag_column(
                "owns_vehicle", gettext_noop("owns a motor vehicle (not a disability scooter)")
            ),
            flag_column("owns_business", gettext_noop("runs a registered company or business")),
            flag_column("public_payroll", gettext_noop("a member on public payroll")),
            flag_column("town_housing", gettext_noop("owns commercial housing in town")),
            FieldDef(
                "deposits",
                NUMBER,
                gettext_noop("deposits and securities"),
                lambda c, ref: Cast(ref.field("deposits"), FloatField()),
                nullable=True,
            ),
            FieldDef(
                "housing_safety",
                CODE,
                gettext_noop("housing safety"),
                column("housing_safety"),
                registry_codes.Safety,
            ),
            FieldDef(
                "water_safety",
                CODE,
                gettext_noop("drinking-water safety"),
                column("water_safety"),
                registry_codes.Safety,
            ),
            FieldDef(
                "identified_on", DATE, gettext_noop("date identified"), column("identified_on")
            ),
            FieldDef("size", NUMBER, gettext_noop("members"), lambda c, ref: household_size(ref)),
            FieldDef(
                "monitored_disaster",
                BOOL,
                gettext_noop("monitored this year for a natural disaster"),
                lambda c, ref: monitored_for(RiskType.DISASTER, year=c.year, ref=ref),
                selects=lambda c, ref: monitored_for_membership(
                    RiskType.DISASTER, year=c.year, ref=ref
                ),
            ),
            FieldDef(
                "monitored_accident",
                BOOL,
                gettext_noop("monitored this year for an accident"),
                lambda c, ref: monitored_for(RiskType.ACCIDENT, year=c.year, ref=ref),
                selects=lambda c, ref: monitored_for_membership(
                    RiskType.ACCIDENT, year=c.year, ref=ref
                ),
            ),
            enrolled_field(
                "receives_dibao",
                gettext_noop("receives the subsistence allowance (低保)"),
                "dibao",
                person=False,
            ),
            FieldDef("wage_income", NUMBER, gettext_noop("wage income"), income([IncomeKind.WAGE])),
            FieldDef(
                "production_net_income",
                NUMBER,
                gettext_noop("net production income"),
                income([IncomeKind.PRODUCTION, IncomeKind.PRODUCTION_COST]),
            ),
            FieldDef(
                "property_income",
                NUMBER,
                gettext_noop("property income"),
                income([IncomeKind.PROPERTY]),
            ),
            FieldDef(
                "transfer_income", NUMBER, gettext_noop("transfer income"), income(TRANSFER_KINDS)
            ),
            FieldDef(
                "medical_out_of_pocket",
                NUMBER,
                gettext_noop("out-of-pocket medical costs"),
                lambda c, ref: medical_spending(year=c.year, ref=ref),
                nullable=True,
            ),
            FieldDef(
                "income_drop_percent",
                NUMBER,
                gettext_noop("fall of per-capita net income from the 12 months before (%)"),
                lambda c, ref: income_drop_percent(c, ref),
                nullable=True,
            ),
            FieldDef(
                "net_income",
                NUMBER,
                gettext_noop("net income counted"),
                lambda c, ref: counted_income(c, ref).figure,
            ),
            FieldDef(
                "per_capita_income",
                NUMBER,
                gettext_noop("per-capita net income counted"),
                lambda c, ref: counted_income(c, ref).per_capita,
            ),
        ]
    }


def _person_fields() -> dict[str, FieldDef]:
    def column(name):
        return lambda c, ref: F(name)

    def code(name, label, choices, blank_is_missing=False):
        return FieldDef(name, CODE, label, column(name), choices, blank_is_missing)

    def flag(name, label):
        return FieldDef(name, BOOL, label, column(name))

    return {
        d.name: d
        for d in [
            code("sex", gettext_noop("sex"), registry_codes.Sex),
            code("relation", gettext_noop("relation to head"), registry_codes.Relation),
            code("ethnicity", gettext_noop("ethnicity"), registry_codes.Ethnicity),
            code("education", gettext_noop("education"), registry_codes.Education),
            code("schooling", gettext_noop("schooling status"), registry_codes.Schooling),
            code(
                "labour",
                gettext_noop("labour ability"),
                registry_codes.Labour,
                blank_is_missing=True,
            ),
            code("migrant_work", gettext_noop("migrant work"), registry_codes.MigrantWork),
            code(
                "disability_category", gettext_noop("disability"), registry_codes.DisabilityCategory
            ),
            FieldDef(
                "disability_grade",
                NUMBER,
                gettext_noop("disability grade"),
                column("disability_grade"),
            ),
            FieldDef(
                "migrant_months",
                NUMBER,
                gettext_noop("months of migrant work"),
                column("migrant_months"),
            ),
            code(
                "education_exemption",
                gettext_noop("documented exemption from school"),
                registry_codes.EducationExemption,
            ),
            flag("employee_medical_insurance", gettext_noop("employees' basic medical insurance")),
            family_field(
                "parents_away",
                gettext_noop(
                    "both parents work away, or one does and the other cannot guard the child"
                ),
                families.parents_away_test,
            ),
            family_field(
                "spouse_away",
                gettext_noop("spouse works away half a year or more"),
                families.spouse_away_test,
            ),
            family_field(
                "supporters_at_home",
                gettext_noop("a child or other supporter able to support is at home"),
                families.supporters_at_home_test,
            ),
            family_field(
                "supporters_away",
                gettext_noop("a child or other supporter works away"),
                families.supporters_away_test,
            ),
            family_field(
                "able_supporters",
                gettext_noop("a legal supporter is able to fulfil the duty"),
                families.able_supporters_test,
            ),
            flag("chronic_illness", gettext_noop("long-term chronic illness")),
            flag("serious_illness", gettext_noop("serious illness")),
            flag("medical_insurance", gettext_noop("basic medical insurance")),
            flag("serious_illness_insurance", gettext_noop("serious-illness insurance")),
            flag("pension_insurance", gettext_noop("basic pension insurance")),
            enrolled_field(
                "tekun_supported",
                gettext_noop("supported as an extreme-poor person (特困)"),
                "tekun",
                person=True,
            ),
            FieldDef("birth_date", DATE, gettext_noop("date of birth"), column("birth_date")),
            FieldDef("age", AGE, gettext_noop("age"), column("birth_date")),
        ]
    }


HOUSEHOLD_FIELDS = _household_fields()
PERSON_FIELDS = _person_fields()


def field_catalogue(subject: str) -> dict[str, FieldDef]:
    """The fields a rule on this subject may name."""
    if subject == "person":
        fields = dict(PERSON_FIELDS)
        fields.update({f"household.{k}": v for k, v in HOUSEHOLD_FIELDS.items()})
        return fields
    return dict(HOUSEHOLD_FIELDS)


def json_text(value) -> str:
    return json.dumps(value, ensure_ascii=False)
