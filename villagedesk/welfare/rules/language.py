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
from django.db.models.functions import Cast, NullIf
from django.db.models.lookups import GreaterThan
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

    The year of parameters and income lines is the day's year; ages are taken on the day."""

    area: Area
    day: datetime.date
    income_basis: str = IncomeBasis.FULL

    @property
    def year(self) -> int:
        return self.day.year


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


def household_income(kinds, *, year: int, ref: HouseholdRef) -> Expression:
    """Sum of the household's lines of these kinds in the year; NULL when it has no lines at all.

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
    # SUM as a plain function: one row per household without a GROUP BY, NULL when no lines.
    lines = (
        IncomeLine.objects.filter(household_id=OuterRef(ref.pk), year=year)
        .order_by()
        .annotate(total=Func(wanted, function="SUM", output_field=DecimalField()))
        .values("total")
    )
    return Cast(Subquery(lines), FloatField())


def income_total(compiler: "Compiler", ref: HouseholdRef, column: str) -> Expression:
    """The household's net income or size in the rule's year, from the joined `HouseholdIncome`
    view: NULL when the household has no income lines that year."""
    return Cast(F(f"{compiler.income_relation(ref)}__{column}"), FloatField())


def medical_spending(*, year: int, ref: HouseholdRef) -> Expression:
    """The household's out-of-pocket medical costs recorded for the year; NULL when none."""
    rows = HouseholdSpending.objects.filter(household_id=OuterRef(ref.pk), year=year).values(
        "medical_out_of_pocket"
    )
    return Cast(Subquery(rows), FloatField())


def income_drop_percent(compiler: "Compiler", ref: HouseholdRef) -> Expression:
    """How far the per-capita net income fell from last year, in percent of last year's (a rise
    is negative); NULL when either year has no income lines or last year's was not positive."""
    this_year = income_total(compiler, ref, "net_income") / NullIf(
        income_total(compiler, ref, "size"), Value(0.0)
    )
    last = compiler.income_relation(ref, year=compiler.year - 1)
    last_year = Cast(F(f"{last}__net_income"), FloatField()) / NullIf(
        Cast(F(f"{last}__size"), FloatField()), Value(0.0)
    )
    positive = Case(
        When(GreaterThan(last_year, Value(0.0)), then=last_year),
        default=None,
        output_field=FloatField(),
    )
    return (positive - this_year) * Value(100.0) / positive


def counted_income(compiler: "Compiler", ref: HouseholdRef) -> Expression:
    """The net income the policy counts: all of it, or what social assistance counts."""
    column = (
        "assistance_income"
        if compiler.income_basis == IncomeBasis.SOCIAL_ASSISTANCE
        else "net_income"
    )
    return income_total(compiler, ref, column)


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
        return lambda c, ref: household_income(kinds, year=c.year, ref=ref)

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
                gettext_noop("fall of per-capita net income from last year (%)"),
                lambda c, ref: income_drop_percent(c, ref),
                nullable=True,
            ),
            FieldDef(
                "net_income",
                NUMBER,
                gettext_noop("net income counted"),
                lambda c, ref: counted_income(c, ref),
            ),
            FieldDef(
                "per_capita_income",
                NUMBER,
                gettext_noop("per-capita net income counted"),
                lambda c, ref: (
                    counted_income(c, ref) / NullIf(income_total(c, ref, "size"), Value(0.0))
                ),
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
