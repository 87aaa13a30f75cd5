"""Industry plans and projects: what a village grows and builds, with whose money, through which
stages, for which households, and the assets a finished project hands over (扶贫/衔接项目资产)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from villagedesk.areas.models import PointOfInterest
from villagedesk.core.codelists import bi
from villagedesk.core.concurrency import VersionField
from villagedesk.core.scoping import VillageScoped
from villagedesk.governance.models import Matter
from villagedesk.registry.models import Household

MONEY = {"max_digits": 14, "decimal_places": 2, "validators": [MinValueValidator(0)]}
YEAR = [MinValueValidator(2000), MaxValueValidator(2100)]


class IndustryPlan(VillageScoped):
    """A village's industry plan for a year: the industries chosen and why, the targets, and at
    year end what was reached against them."""

    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR)
    industries = models.CharField(_("industries chosen"), max_length=200)
    reasons = models.TextField(_("why these industries"), blank=True)
    target_output = models.CharField(_("target output"), max_length=200, blank=True)
    target_households = models.PositiveIntegerField(_("target households involved"), default=0)
    target_income = models.DecimalField(_("target income (yuan)"), default=0, **MONEY)
    reached_output = models.CharField(_("output reached"), max_length=200, blank=True)
    reached_households = models.PositiveIntegerField(
        _("households involved"), null=True, blank=True
    )
    reached_income = models.DecimalField(_("income reached (yuan)"), null=True, blank=True, **MONEY)
    review = models.TextField(_("year-end review"), blank=True)

    version = VersionField()
    history = HistoricalRecords(excluded_fields=["area_code"])

    class Meta:
        verbose_name = _("industry plan")
        verbose_name_plural = _("industry plans")
        ordering = ["-year", "area_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "year"],
                name="industry_plan_one_a_year",
                violation_error_message=_("This village already has a plan for this year."),
            ),
        ]

    def __str__(self):
        return f"{self.year} · {self.industries}"

    def get_absolute_url(self):
        return reverse("projects:plan-edit", args=[self.pk])

    @property
    def reviewed(self) -> bool:
        return self.reached_income is not None or self.reached_households is not None

    @property
    def income_reached_share(self):
        """The income reached as a percentage of the target, or None."""
        if self.reached_income is None or not self.target_income:
            return None
        return round(self.reached_income * 100 / self.target_income)


class ProjectKind(models.TextChoices):
    INDUSTRY = "industry", bi("产业项目", "Industry")
    INFRASTRUCTURE = "infrastructure", bi("基础设施", "Infrastructure")
    PUBLIC_SERVICE = "public_service", bi("公共服务", "Public service")
    DRINKING_WATER = "drinking_water", bi("饮水工程", "Drinking water")
    ROADS = "roads", bi("道路", "Roads")
    RUBBISH = "rubbish", bi("垃圾治理", "Rubbish")


class Stage(models.TextChoices):
    """The stages of a project, in the order they are done."""

    APPROVAL = "approval", bi("立项审批", "Approval")
    NOTICE = "notice", bi("公告公示", "Public notice")
    TENDER = "tender", bi("招标采购", "Tender")
    WORKS = "works", bi("组织实施", "Works")
    ACCEPTANCE = "acceptance", bi("竣工验收", "Acceptance")
    SETTLEMENT = "settlement", bi("结算决算", "Settlement")
    HANDOVER = "handover", bi("资产移交", "Asset handover")


STAGE_ORDER = list(Stage)


class FundSource(models.TextChoices):
    CENTRAL = "central", bi("中央财政衔接资金", "Central linkage funds")
    PROVINCIAL = "provincial", bi("省级财政衔接资金", "Provincial linkage funds")
    CITY = "city", bi("市级财政衔接资金", "City linkage funds")
    COUNTY = "county", bi("县级财政衔接资金", "County linkage funds")
    INTEGRATED = "integrated", bi("统筹整合涉农资金", "Integrated agricultural funds")
    ASSISTING_UNIT = "assisting_unit", bi("帮扶单位资金", "The assisting unit")
    SOCIETY = "society", bi("社会帮扶资金", "Society")
    COLLECTIVE = "collective", bi("村集体自筹", "The village collective")
    VILLAGERS = "villagers", bi("群众自筹", "Villagers")


class BenefitWay(models.TextChoices):
    WAGES = "wages", bi("务工就业", "Wage work")
    DIVIDENDS = "dividends", bi("资产收益分红", "Dividends")
    LAND_RENT = "land_rent", bi("土地流转租金", "Land rent")
    PURCHASES = "purchases", bi("订单收购", "Purchase orders")
    DIRECT = "direct", bi("直接帮扶", "Direct support")


class AssetClass(models.TextChoices):
    OPERATING = "operating", bi("经营性资产", "Operating asset")
    PUBLIC_WELFARE = "public_welfare", bi("公益性资产", "Public-welfare asset")
    HOUSEHOLD = "household", bi("到户类资产", "Household asset")


class Project(VillageScoped):
    """A project of a village, approved by a village matter (`governance`) or by a decision
    known by its date and document number, and carried through its stages (`ProjectStage`)."""

    name = models.CharField(_("project"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=ProjectKind.choices)
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR)
    description = models.TextField(_("what it builds"), blank=True)
    matter = models.ForeignKey(
        Matter,
        verbose_name=_("village matter that approved it"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_on = models.DateField(_("date of the decision"), null=True, blank=True)
    decision_number = models.CharField(_("document number"), max_length=100, blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    # The project's place on the village map, kept by `services.project_save` from the
    # coordinates.
    point = models.ForeignKey(
        PointOfInterest, on_delete=models.SET_NULL, null=True, blank=True, editable=False
    )
    # The last stage done, kept by `services.stage_record`; blank before approval.
    stage = models.CharField(
        _("stage reached"), max_length=20, choices=Stage.choices, blank=True, editable=False
    )

    version = VersionField()
    history = HistoricalRecords(excluded_fields=["area_code"])

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["-year", "area_code", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="project_point_whole",
                violation_error_message=_("Give both latitude and longitude, or neither."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("projects:project-detail", args=[self.pk])

    @property
    def handed_over(self) -> bool:
        return self.stage == Stage.HANDOVER


class ProjectStage(models.Model):
    """One stage of a project with its planned and actual dates; every project has all seven."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stages")
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    planned_on = models.DateField(_("planned"), null=True, blank=True)
    done_on = models.DateField(_("done"), null=True, blank=True)

    class Meta:
        verbose_name = _("project stage")
        verbose_name_plural = _("project stages")
        constraints = [
            models.UniqueConstraint(fields=["project", "stage"], name="project_stage_once"),
        ]

    def __str__(self):
        return f"{self.project} · {self.get_stage_display()}"

    @property
    def order(self) -> int:
        return STAGE_ORDER.index(Stage(self.stage))


class BudgetLine(models.Model):
    """What one funding source puts into a project."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="budget")
    source = models.CharField(_("funding source"), max_length=20, choices=FundSource.choices)
    amount = models.DecimalField(_("planned (yuan)"), **MONEY)

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.UniqueConstraint(fields=["project", "source"], name="budget_line_per_source"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_line_not_negative"),
        ]

    def __str__(self):
        return f"{self.project} · {self.get_source_display()}: {self.amount}"


class Spending(models.Model):
    """Money spent on a project from one source; the services keep each source's spending
    within its budget line."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="spending")
    source = models.CharField(_("funding source"), max_length=20, choices=FundSource.choices)
    spent_on = models.DateField(_("date"))
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)
    purpose = models.CharField(_("what for"), max_length=200)

    class Meta:
        verbose_name = _("spending line")
        verbose_name_plural = _("spending lines")
        ordering = ["spent_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="spending_positive"),
        ]

    def __str__(self):
        return f"{self.project} · {self.spent_on}: {self.amount}"


class Beneficiary(models.Model):
    """A household of the project's village that the project benefits, and how."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="beneficiaries")
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        on_delete=models.CASCADE,
        related_name="project_benefits",
    )
    way = models.CharField(_("how it benefits"), max_length=20, choices=BenefitWay.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("beneficiary household")
        verbose_name_plural = _("beneficiary households")
        ordering = ["household__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "household"],
                name="beneficiary_once",
                violation_error_message=_("This household is already listed."),
            ),
        ]

    def __str__(self):
        return f"{self.project} · {self.household}"


class WagePayment(models.Model):
    """Wages the project paid a beneficiary household: part of its wage income that year."""

    beneficiary = models.ForeignKey(Beneficiary, on_delete=models.CASCADE, related_name="wages")
    paid_on = models.DateField(_("paid on"))
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)

    class Meta:
        verbose_name = _("wage payment")
        verbose_name_plural = _("wage payments")
        ordering = ["paid_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="wage_payment_positive"),
        ]

    def __str__(self):
        return f"{self.beneficiary} · {self.paid_on}: {self.amount}"

    @property
    def source_key(self) -> str:
        return f"projects.wage:{self.pk}"


class Asset(models.Model):
    """An asset a project handed over (扶贫/衔接项目资产), once its handover stage is done."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="assets")
    name = models.CharField(_("asset"), max_length=200)
    asset_class = models.CharField(_("class"), max_length=20, choices=AssetClass.choices)
    owner = models.CharField(_("owner"), max_length=200)
    custodian = models.CharField(_("custodian"), max_length=200)
    value = models.DecimalField(_("value (yuan)"), **MONEY)
    handed_over_on = models.DateField(_("handed over on"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("project asset")
        verbose_name_plural = _("project assets")
        ordering = ["project", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("projects:asset-detail", args=[self.pk])

    @property
    def operating(self) -> bool:
        return self.asset_class == AssetClass.OPERATING


class AssetIncome(models.Model):
    """An operating asset's income for a year and how it was shared: to households (each
    household's share in `Distribution`), to the collective, to public-welfare jobs."""

    asset = models.ForeignKey(Asset, on_delete=models.CASCADE, related_name="incomes")
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR)
    income = models.DecimalField(_("income (yuan)"), **MONEY)
    to_households = models.DecimalField(_("to households"), default=0, **MONEY)
    to_collective = models.DecimalField(_("to the collective"), default=0, **MONEY)
    to_jobs = models.DecimalField(_("to public-welfare jobs"), default=0, **MONEY)

    class Meta:
        verbose_name = _("asset income")
        verbose_name_plural = _("asset incomes")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["asset", "year"],
                name="asset_income_once_a_year",
                violation_error_message=_("This asset's income for this year is already recorded."),
            ),
            models.CheckConstraint(
                condition=Q(income__gte=F("to_households") + F("to_collective") + F("to_jobs")),
                name="asset_income_shared_within",
                violation_error_message=_("More is shared out than the asset earned."),
            ),
        ]

    def __str__(self):
        return f"{self.asset} · {self.year}"

    @property
    def kept(self):
        return self.income - self.to_households - self.to_collective - self.to_jobs


class Distribution(models.Model):
    """One household's share of an asset's yearly income: part of its property income."""

    income = models.ForeignKey(AssetIncome, on_delete=models.CASCADE, related_name="shares")
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        on_delete=models.CASCADE,
        related_name="asset_shares",
    )
    amount = models.DecimalField(_("amount (yuan)"), **MONEY)

    class Meta:
        verbose_name = _("distribution to a household")
        verbose_name_plural = _("distributions to households")
        constraints = [
            models.UniqueConstraint(
                fields=["income", "household"],
                name="distribution_once",
                violation_error_message=_("This household already has its share this year."),
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="distribution_positive"),
        ]

    def __str__(self):
        return f"{self.income} · {self.household}: {self.amount}"

    @property
    def source_key(self) -> str:
        return f"projects.distribution:{self.pk}"
