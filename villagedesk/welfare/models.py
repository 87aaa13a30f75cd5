"""Welfare: policies and their rules, local parameters, income lines, enrolments, gap checks and
the monitoring of households at risk of falling (back) into poverty."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from villagedesk.areas.models import Area
from villagedesk.core.concurrency import VersionField
from villagedesk.core.scoping import HouseholdScoped, ScopeCodeField
from villagedesk.fieldwork.models import Problem
from villagedesk.registry.models import Household, Person
from villagedesk.welfare.codes import (
    SUPPORT_MODE_POLICY,
    BenefitUnit,
    EliminationWay,
    FoundBy,
    GapKind,
    IncomeBasis,
    IncomeKind,
    MeasureKind,
    MonitoringCategory,
    PolicyCategory,
    Step,
    SupportMode,
)

name_validator = RegexValidator(
    r"^[a-z][a-z0-9_]*$",
    _("Use lower-case letters, digits and underscores, starting with a letter."),
)


class Parameter(models.Model):
    """A local figure (the county's subsistence standard, the poverty line…) for an area and year.

    A household takes the value set for the most specific area above it, so a province can set a
    default and a county its own figure."""

    name = models.CharField(_("name"), max_length=50, validators=[name_validator])
    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2)
    note = models.CharField(_("source"), max_length=200, blank=True)
    area_prefix = ScopeCodeField()

    history = HistoricalRecords(excluded_fields=["area_prefix"])

    class Meta:
        verbose_name = _("parameter")
        verbose_name_plural = _("parameters")
        ordering = ["name", "year", "area_prefix"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "area", "year"],
                name="parameter_unique",
                violation_error_message=_("This parameter is already set for the area and year."),
            )
        ]

    def __str__(self):
        return f"{self.name} {self.year} {self.area}: {self.value}"

    def scope_code(self) -> str:
        return self.area.prefix


class Policy(models.Model):
    """A benefit, subsidy or care list, with who issues it and on what basis."""

    code = models.CharField(_("code"), max_length=50, unique=True, validators=[name_validator])
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    category = models.CharField(_("category"), max_length=30, choices=PolicyCategory.choices)
    issuing_body = models.CharField(_("issuing body"), max_length=100, blank=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    benefit_unit = models.CharField(
        _("benefit unit"), max_length=10, choices=BenefitUnit.choices, default=BenefitUnit.HOUSEHOLD
    )
    amount_rule = models.CharField(_("amount"), max_length=300, blank=True)
    effective_from = models.DateField(_("effective from"), default=datetime.date(2021, 1, 1))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    income_basis = models.CharField(
        _("income counted"),
        max_length=20,
        choices=IncomeBasis.choices,
        default=IncomeBasis.FULL,
        help_text=_("Which income lines the policy's income conditions count."),
    )

    class Meta:
        verbose_name = _("policy")
        verbose_name_plural = _("policies")
        ordering = ["category", "code"]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh

    def rules_in_force(self, day: datetime.date) -> list["PolicyRule"]:
        """Every version in force on the day: the default's and the areas' own."""
        return list(
            self.rules.filter(effective_from__lte=day)
            .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=day))
            .select_related("area")
        )

    def rule_on(self, day: datetime.date, area: Area | None = None) -> "PolicyRule | None":
        """The rule version in force on the day for the area: the version of the most specific
        area at or above it that has one, else the default (the latest that started by then)."""
        return _version_for(self.rules_in_force(day), area)

    def versions_within(
        self, day: datetime.date, area: Area
    ) -> list[tuple[Area, "PolicyRule | None"]]:
        """Which version applies where within the area on the day: the area itself under its
        version (as `rule_on`; None when none is in force), then each area below it that has a
        version of its own, under that version."""
        in_force = self.rules_in_force(day)
        below = {
            rule.area.prefix: rule.area
            for rule in in_force
            if rule.area is not None
            and rule.area.prefix.startswith(area.prefix)
            and rule.area.prefix != area.prefix
        }
        return [(area, _version_for(in_force, area))] + [
            (part, _version_for(in_force, part)) for _prefix, part in sorted(below.items())
        ]


def _version_for(in_force: list["PolicyRule"], area: Area | None) -> "PolicyRule | None":
    applicable = [
        rule
        for rule in in_force
        if rule.area is None or (area is not None and area.code.startswith(rule.area.prefix))
    ]
    return max(
        applicable,
        key=lambda r: (len(r.area.prefix) if r.area else -1, r.effective_from, r.version),
        default=None,
    )


class PolicyRule(models.Model):
    """One version of a policy's eligibility rule, in the rule form of `welfare.rules`."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="rules")
    version = models.PositiveSmallIntegerField(_("version"))
    # A county's own version applies in its areas only; without an area, the default.
    area = models.ForeignKey(
        Area,
        verbose_name=_("area"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: the default, for every area without its own version."),
    )
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    definition = models.JSONField(_("rule"))
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("policy rule")
        verbose_name_plural = _("policy rules")
        ordering = ["policy", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "version"], name="policy_rule_version_unique")
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """The version as evaluations record it: policy, version and the area it is for."""
        where = f" · {self.area.code}" if self.area_id else ""
        return f"{self.policy.code} v{self.version}{where}"

    @property
    def version_shown(self) -> str:
        """The version as pages show it beside the policy's name: its number and, for an area's
        own version, the area's name (the policy's code and the area's code are for records)."""
        where = f" · {self.area.display_name}" if self.area_id else ""
        return f"v{self.version}{where}"


class IncomeLine(models.Model):
    """One line of a household's income for a year, as the household form records it.

    `amount` is the whole line, what every rule and figure reads: the part typed on the form plus
    `from_flows`, the sum of the line's income flows (`IncomeFlow`: project wages, dividends, land
    rent recorded where they are paid). So a line written with an amount alone is all typed."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="income_lines")
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=30, choices=IncomeKind.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    from_flows = models.DecimalField(
        _("of which from income flows (yuan)"), max_digits=12, decimal_places=2, default=0
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("income line")
        verbose_name_plural = _("income lines")
        constraints = [
            models.UniqueConstraint(
                fields=["household", "year", "kind"],
                name="income_line_unique",
                violation_error_message=_("This household already has this income line this year."),
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="income_line_not_negative"),
            models.CheckConstraint(
                condition=Q(from_flows__gte=0) & Q(amount__gte=F("from_flows")),
                name="income_line_flows_within_amount",
            ),
        ]

    def __str__(self):
        return f"{self.household} {self.year} {self.kind}: {self.amount}"

    @property
    def typed(self):
        """The part of the line typed on the household's income form."""
        return self.amount - self.from_flows


class IncomeFlow(HouseholdScoped):
    """Income a household received through another record (a project's wages, an asset's
    distribution, a cooperative's dividend, land rent), kept once per source so that saving the
    source again changes the flow instead of adding one. Its amount is part of the household's
    income line of the same year and kind (`IncomeLine.from_flows`); only
    `welfare.services.income_flow_set` writes it."""

    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        on_delete=models.CASCADE,
        related_name="income_flows",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=30, choices=IncomeKind.choices)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    source_key = models.CharField(_("source"), max_length=80, unique=True)
    label = models.CharField(_("from"), max_length=200)
    link = models.CharField(_("link"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("income flow")
        verbose_name_plural = _("income flows")
        ordering = ["year", "kind", "label"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="income_flow_positive"),
        ]
        indexes = [models.Index(fields=["household", "year", "kind"], name="income_flow_line")]

    def __str__(self):
        return f"{self.household} {self.year} {self.kind}: {self.amount} ({self.label})"


class HouseholdIncome(models.Model):
    """A household's net income for a year (its income lines, costs subtracted) and the part of
    it social assistance counts (`welfare.income`): a database view (`welfare.income_sql`),
    read-only; a row only for a year with lines.

    Rules join it once per calendar year of the 12 months they read, so a county's incomes come
    from grouped passes over the income lines rather than a subquery per household."""

    id = models.BigIntegerField(primary_key=True)  # household id × 10,000 + year
    household = models.ForeignKey(
        Household,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="income_totals",
    )
    year = models.PositiveSmallIntegerField()
    # The household's on PostgreSQL, NULL on SQLite: rules join the rows of the area they
    # evaluate by it (`income_sql`).
    area_code = models.CharField(max_length=12, null=True)
    net_income = models.DecimalField(max_digits=14, decimal_places=2)
    assistance_income = models.DecimalField(max_digits=14, decimal_places=2)

    class Meta:
        managed = False
        db_table = "welfare_householdincome"

    def __str__(self):
        return f"{self.household_id} {self.year}: {self.net_income}"


class HouseholdSize(models.Model):
    """A household's number of members: a database view (`welfare.income_sql`), read-only; no
    row for a household without members.

    Rules that divide income by the members join it once, so the persons are counted in one
    grouped pass however many years of income the rule reads."""

    household = models.OneToOneField(
        Household,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="member_count",
    )
    # The household's on PostgreSQL, NULL on SQLite: rules join the rows of the area they
    # evaluate by it (`income_sql`).
    area_code = models.CharField(max_length=12, null=True)
    size = models.IntegerField()

    class Meta:
        managed = False
        db_table = "welfare_householdsize"

    def __str__(self):
        return f"{self.household_id}: {self.size}"


class Enrolment(HouseholdScoped):
    """Who receives which benefit, from when to when, how much."""

    policy = models.ForeignKey(
        Policy, verbose_name=_("policy"), on_delete=models.PROTECT, related_name="enrolments"
    )
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="enrolments"
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="enrolments",
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    amount = models.DecimalField(
        _("amount (yuan a month)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    support_mode = models.CharField(
        _("way of support"),
        max_length=20,
        choices=SupportMode.choices,
        blank=True,
        help_text=_("For extreme-poverty support: at home (分散) or in a care home (集中)."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["area_code", "policy", "household_id"]
        # "Enrolled?" is asked per policy and row (the gap lists' NOT EXISTS): SQLite, which
        # keeps no statistics, would otherwise take the single-column policy index and scan
        # every enrolment of the policy for each household or person.
        indexes = [
            models.Index(fields=["policy", "person"], name="enrolment_policy_person"),
            models.Index(fields=["policy", "household"], name="enrolment_policy_household"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="enrolment_ends_after_start",
                violation_error_message=_("An enrolment cannot end before it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.policy} · {self.person or self.household}"

    def clean(self):
        errors = {}
        if self.policy_id and self.household_id:
            if self.policy.benefit_unit == BenefitUnit.PERSON and not self.person_id:
                errors["person"] = _("This benefit goes to a person: say which member.")
            if self.policy.benefit_unit == BenefitUnit.HOUSEHOLD and self.person_id:
                errors["person"] = _("This benefit goes to the household, not to one member.")
            if self.person_id and self.person.household_id != self.household_id:
                errors["person"] = _("This person is not a member of the household.")
            if self.support_mode and self.policy.code != SUPPORT_MODE_POLICY:
                errors["support_mode"] = _("Only extreme-poverty support records a way of support.")
        if errors:
            raise ValidationError(errors)


class GapCheck(HouseholdScoped):
    """A gap-report line someone checked, with the reason; it holds until the data changes."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="gap_checks")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="gap_checks")
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="gap_checks"
    )
    kind = models.CharField(_("gap"), max_length=30, choices=GapKind.choices)
    reason = models.CharField(_("reason"), max_length=300)
    rule = models.ForeignKey(
        "PolicyRule",
        verbose_name=_("rule version"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # What the line looked like when checked: the explanation's values and the enrolment.
    fingerprint = models.CharField(max_length=64)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    checked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("checked gap")
        verbose_name_plural = _("checked gaps")
        ordering = ["-checked_at"]

    def __str__(self):
        return f"{self.policy.code} {self.household} {self.kind}"


class HouseholdHelper(HouseholdScoped):
    """The household's named helper (帮扶责任人) for a period: a cadre of a unit paired with it.

    A change of helper ends the current pairing the day before the new one starts, so the rows
    of a household are its helpers' history."""

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="helpers"
    )
    name = models.CharField(_("helper"), max_length=50)
    unit = models.CharField(_("unit"), max_length=100)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    starts_on = models.DateField(_("helper from"))
    ends_on = models.DateField(_("helper until"), null=True, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("household helper")
        verbose_name_plural = _("household helpers")
        ordering = ["household_id", "-starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(ends_on__isnull=True),
                name="household_helper_one_current",
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.unit})"

    def clean(self):
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("The pairing cannot end before it starts.")})


class GapReferral(HouseholdScoped):
    """A gap-report line turned into a fieldwork problem (or a follow-up: a problem with an owner
    and a due date), so that the line shows it and is not referred twice while it is open."""

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="+")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("gap"), max_length=30, choices=GapKind.choices)
    problem = models.OneToOneField(Problem, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("gap referred to fieldwork")
        verbose_name_plural = _("gaps referred to fieldwork")
        ordering = ["-problem_id"]

    def __str__(self):
        return f"{self.policy.code} {self.household} {self.kind}"


class MonitoredHousehold(HouseholdScoped):
    """A household under monitoring, in any category (relapse or low income): one case per
    household, open across years until its risk is eliminated. `year` is the year it opened."""

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="monitoring"
    )
    year = models.PositiveSmallIntegerField(_("year opened"))
    category = models.CharField(_("category"), max_length=30, choices=MonitoringCategory.choices)
    risk_types = models.JSONField(_("risk types"), default=list)
    found_by = models.CharField(_("how found"), max_length=20, choices=FoundBy.choices)
    first_lead_on = models.DateField(_("first lead"))
    consent_signed_on = models.DateField(_("consent signed"), null=True, blank=True)
    risk_eliminated_on = models.DateField(_("risk eliminated"), null=True, blank=True)
    elimination = models.CharField(
        _("how the risk was eliminated"), max_length=20, choices=EliminationWay.choices, blank=True
    )

    version = VersionField()
    history = HistoricalRecords(excluded_fields=["area_code"])

    class Meta:
        verbose_name = _("monitored household")
        verbose_name_plural = _("monitored households")
        ordering = ["area_code", "household_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(risk_eliminated_on__isnull=True),
                name="monitored_household_one_open",
                violation_error_message=_("This household already has an open monitoring case."),
            ),
            models.CheckConstraint(
                condition=Q(risk_eliminated_on__isnull=True, elimination="")
                | (Q(risk_eliminated_on__isnull=False) & ~Q(elimination="")),
                name="monitored_household_elimination_recorded",
                violation_error_message=_("Say how the risk was eliminated."),
            ),
        ]

    def __str__(self):
        return f"{self.household} {self.year}"


def open_in_year(year: int, prefix: str = "") -> Q:
    """Cases that ran during the year: opened by then and not eliminated before it began."""
    return Q(**{f"{prefix}year__lte": year}) & (
        Q(**{f"{prefix}risk_eliminated_on__isnull": True})
        | Q(**{f"{prefix}risk_eliminated_on__gte": datetime.date(year, 1, 1)})
    )


class HouseholdSpending(models.Model):
    """A household's heavy necessary spending for a year: compliant out-of-pocket medical costs
    (合规自付医疗费用), screened against a local threshold."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="spending")
    year = models.PositiveSmallIntegerField(_("year"))
    medical_out_of_pocket = models.DecimalField(
        _("out-of-pocket medical costs (yuan)"), max_digits=12, decimal_places=2
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("necessary spending")
        verbose_name_plural = _("necessary spending")
        constraints = [
            models.UniqueConstraint(
                fields=["household", "year"],
                name="household_spending_unique",
                violation_error_message=_("This household's spending is already recorded."),
            ),
            models.CheckConstraint(
                condition=Q(medical_out_of_pocket__gte=0), name="household_spending_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.household} {self.year}: {self.medical_out_of_pocket}"


class ProcedureStep(models.Model):
    monitored = models.ForeignKey(
        MonitoredHousehold, on_delete=models.CASCADE, related_name="steps"
    )
    step = models.CharField(_("step"), max_length=30, choices=Step.choices)
    done_on = models.DateField(_("date"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["done_on"]
        constraints = [
            models.UniqueConstraint(fields=["monitored", "step"], name="procedure_step_unique")
        ]

    def __str__(self):
        return f"{self.monitored} {self.step}"


class Measure(models.Model):
    monitored = models.ForeignKey(
        MonitoredHousehold, on_delete=models.CASCADE, related_name="measures"
    )
    kind = models.CharField(_("measure"), max_length=30, choices=MeasureKind.choices)
    started_on = models.DateField(_("started on"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["started_on"]

    def __str__(self):
        return f"{self.monitored} {self.kind}"


class FiguresKind(models.TextChoices):
    GAP = "gap", _("gap report")
    POVERTY = "poverty", _("poverty status")
    # Kept by `reports` (the supervisors' roll-ups of every village), with this machinery.
    ROLLUP = "rollup", _("village roll-up")


class CountyFigures(models.Model):
    """The per-village figures of one county, computed in the background (`welfare.figures`):
    a policy's gap counts in a year, the persons and registered poor persons, or the roll-up of
    `reports`.

    `key` names them: the kind, the policy and the year for a gap report, and the county. The
    figures hold for `day` at `generation`; read on another day or after a change they are out of
    date, and shown with their time until new ones are in."""

    key = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=10, choices=FiguresKind.choices)
    county = models.CharField(max_length=6)
    policy = models.ForeignKey(Policy, null=True, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(null=True)
    day = models.DateField(null=True)
    # The county's data generation the figures were computed at (`registry.changes`).
    generation = models.PositiveBigIntegerField(null=True)
    # Why the rule could not be evaluated over the county, when it could not.
    error = models.TextField(blank=True)
    computed_at = models.DateTimeField(null=True)
    seconds = models.FloatField(null=True)
    # A computation was asked for and has not finished; started when the worker took it up.
    asked_at = models.DateTimeField(null=True)
    started_at = models.DateTimeField(null=True)

    class Meta:
        indexes = [models.Index(fields=["county", "kind"], name="county_figures_county")]

    def __str__(self):
        return self.key


class GapFigure(models.Model):
    """One village's gap counts in stored county figures."""

    figures = models.ForeignKey(CountyFigures, on_delete=models.CASCADE, related_name="gaps")
    village_code = models.CharField(max_length=12)
    eligible = models.PositiveIntegerField()
    not_enrolled = models.PositiveIntegerField()
    not_eligible = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["figures", "village_code"], name="gap_figure_unique")
        ]

    def __str__(self):
        return f"{self.figures} {self.village_code}"


class PovertyFigure(models.Model):
    """One village's persons and registered poor persons in stored county figures."""

    figures = models.ForeignKey(CountyFigures, on_delete=models.CASCADE, related_name="poverty")
    village_code = models.CharField(max_length=12)
    persons = models.PositiveIntegerField()
    poor = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["figures", "village_code"], name="poverty_figure_unique"
            )
        ]

    def __str__(self):
        return f"{self.figures} {self.village_code}"
