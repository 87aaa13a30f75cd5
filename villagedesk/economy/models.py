"""The village economy: cooperatives and other businesses with their member households and
dividends, the collective economic organisation with its members, accounts and three capitals,
and the households' contracted land with its transfers and rent."""

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from villagedesk.core.concurrency import VersionField
from villagedesk.core.scoping import HouseholdScoped, Scoped, VillageScoped
from villagedesk.economy.codes import (
    CapitalKind,
    CertificateStatus,
    IncomeSource,
    LandKind,
    MembershipBasis,
    OrganisationKind,
    SpendingKind,
    TransferForm,
)
from villagedesk.registry.models import Household, Person


def money(verbose_name, **kwargs):
    return models.DecimalField(
        verbose_name, max_digits=14, decimal_places=2, validators=[MinValueValidator(0)], **kwargs
    )


def mu_field(verbose_name):
    return models.DecimalField(
        verbose_name, max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )


class Cooperative(VillageScoped):
    """A cooperative, family farm or leading enterprise based in a village, with member
    households holding shares."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=30, choices=OrganisationKind.choices)
    business = models.CharField(_("business"), max_length=200, blank=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)

    version = VersionField()
    history = HistoricalRecords(excluded_fields=["area_code"])

    class Meta:
        verbose_name = _("cooperative or business")
        verbose_name_plural = _("cooperatives and businesses")
        ordering = ["area_code", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "name"],
                name="cooperative_name_unique",
                violation_error_message=_("The village already has an organisation of this name."),
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("economy:cooperative-detail", args=[self.pk])


class CooperativeMember(HouseholdScoped):
    """A household's membership of a cooperative and the shares it holds."""

    cooperative = models.ForeignKey(
        Cooperative, verbose_name=_("cooperative"), on_delete=models.CASCADE, related_name="members"
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        on_delete=models.CASCADE,
        related_name="cooperative_memberships",
    )
    shares = models.DecimalField(
        _("shares"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    joined_on = models.DateField(_("joined on"), default=timezone.localdate)

    class Meta:
        verbose_name = _("cooperative member")
        verbose_name_plural = _("cooperative members")
        ordering = ["cooperative", "household__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "household"],
                name="cooperative_member_unique",
                violation_error_message=_("This household is already a member."),
            ),
            models.CheckConstraint(
                condition=Q(shares__gt=0),
                name="cooperative_shares_positive",
                violation_error_message=_("A member holds some shares."),
            ),
        ]

    def __str__(self):
        return f"{self.cooperative} · {self.household.number}"


class Distribution(VillageScoped):
    """A year's dividend of a cooperative, split over its member households by their shares."""

    cooperative = models.ForeignKey(
        Cooperative,
        verbose_name=_("cooperative"),
        on_delete=models.CASCADE,
        related_name="distributions",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    total = money(_("total dividend (yuan)"))
    paid_on = models.DateField(_("paid on"), default=timezone.localdate)

    class Meta:
        verbose_name = _("dividend distribution")
        verbose_name_plural = _("dividend distributions")
        ordering = ["cooperative", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperative", "year"],
                name="distribution_year_unique",
                violation_error_message=_("This year's dividend is already recorded."),
            ),
            models.CheckConstraint(
                condition=Q(total__gt=0),
                name="distribution_total_positive",
                violation_error_message=_("A dividend has an amount."),
            ),
        ]

    def __str__(self):
        return f"{self.cooperative} {self.year}"


class DividendShare(HouseholdScoped):
    """A member household's part of a distribution, with the shares it was computed from."""

    distribution = models.ForeignKey(Distribution, on_delete=models.CASCADE, related_name="parts")
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="dividends"
    )
    shares = models.DecimalField(_("shares"), max_digits=12, decimal_places=2)
    amount = money(_("amount (yuan)"))

    class Meta:
        ordering = ["distribution", "household__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["distribution", "household"], name="dividend_share_unique"
            ),
        ]

    def __str__(self):
        return f"{self.distribution} · {self.household.number}: {self.amount}"

    @property
    def flow_key(self) -> str:
        return f"economy.dividend:{self.pk}"


class Collective(VillageScoped):
    """A village's collective economic organisation (农村集体经济组织), one per village."""

    name = models.CharField(_("name"), max_length=100)
    registration_code = models.CharField(
        _("registration certificate code"), max_length=30, blank=True
    )
    founded_on = models.DateField(_("founded on"), null=True, blank=True)

    version = VersionField()
    history = HistoricalRecords(excluded_fields=["area_code"])

    class Meta:
        verbose_name = _("collective economic organisation")
        verbose_name_plural = _("collective economic organisations")
        ordering = ["area_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["village"],
                name="collective_one_per_village",
                violation_error_message=_("The village already has its collective organisation."),
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("economy:collective", args=[self.area_code])


class CollectiveScoped(Scoped):
    """A record of a collective, seen where the collective's village is."""

    collective = models.ForeignKey(Collective, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True

    def scope_code(self) -> str:
        return self.collective.area_code


class CollectiveMember(CollectiveScoped):
    """A person confirmed as a member of the collective, on what basis and when; a membership
    that ended keeps its row with the day it ended."""

    collective = models.ForeignKey(
        Collective, verbose_name=_("collective"), on_delete=models.CASCADE, related_name="members"
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="collective_memberships",
    )
    basis = models.CharField(_("basis"), max_length=30, choices=MembershipBasis.choices)
    confirmed_on = models.DateField(_("confirmed on"))
    shares = models.DecimalField(
        _("shares"),
        max_digits=12,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["area_code"])

    class Meta:
        verbose_name = _("collective member")
        verbose_name_plural = _("collective members")
        ordering = ["collective", "confirmed_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(ended_on__isnull=True),
                name="collective_member_once",
                violation_error_message=_(
                    "This person is already a member of a collective economic organisation."
                ),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("confirmed_on")),
                name="collective_member_ends_after_confirmed",
                violation_error_message=_("A membership ends after it was confirmed."),
            ),
        ]

    def __str__(self):
        return f"{self.collective} · {self.person}"


class CollectiveIncome(CollectiveScoped):
    """One line of the collective's income for a year."""

    collective = models.ForeignKey(
        Collective, on_delete=models.CASCADE, related_name="income_lines"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(_("source"), max_length=20, choices=IncomeSource.choices)
    amount = money(_("amount (yuan)"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("collective income line")
        verbose_name_plural = _("collective income lines")
        ordering = ["collective", "-year", "source", "id"]

    def __str__(self):
        return f"{self.collective} {self.year} {self.source}: {self.amount}"


class CollectiveSpending(CollectiveScoped):
    """One line of the collective's spending for a year."""

    collective = models.ForeignKey(
        Collective, on_delete=models.CASCADE, related_name="spending_lines"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=20, choices=SpendingKind.choices)
    amount = money(_("amount (yuan)"))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("collective spending line")
        verbose_name_plural = _("collective spending lines")
        ordering = ["collective", "-year", "kind", "id"]

    def __str__(self):
        return f"{self.collective} {self.year} {self.kind}: {self.amount}"


class CollectiveCapital(CollectiveScoped):
    """An entry of the three-capitals register (三资台账): funds, assets or resources, with its
    value; resources (land, forest, water) also with their area."""

    collective = models.ForeignKey(Collective, on_delete=models.CASCADE, related_name="capitals")
    kind = models.CharField(_("kind"), max_length=20, choices=CapitalKind.choices)
    name = models.CharField(_("name"), max_length=100)
    value = money(_("value (yuan)"))
    area_mu = models.DecimalField(
        _("area (mu)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    recorded_on = models.DateField(_("recorded on"), default=timezone.localdate)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("three-capitals entry")
        verbose_name_plural = _("three-capitals entries")
        ordering = ["collective", "kind", "name", "id"]

    def __str__(self):
        return self.name


class Plot(HouseholdScoped):
    """A plot of land the household holds under contract (承包地)."""

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="plots"
    )
    name = models.CharField(_("plot name or place"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=LandKind.choices)
    area_mu = mu_field(_("area (mu)"))
    certificate = models.CharField(
        _("contract right certificate"),
        max_length=20,
        choices=CertificateStatus.choices,
        default=CertificateStatus.NOT_CONFIRMED,
    )
    certificate_number = models.CharField(_("certificate number"), max_length=50, blank=True)

    version = VersionField()
    history = HistoricalRecords(excluded_fields=["area_code"])

    class Meta:
        verbose_name = _("contracted plot")
        verbose_name_plural = _("contracted plots")
        ordering = ["household", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(area_mu__gt=0),
                name="plot_area_positive",
                violation_error_message=_("A plot has an area."),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("economy:household-land", args=[self.household_id])


class LandTransfer(HouseholdScoped):
    """The management right of (part of) a plot passed to someone else for a term, at a rent per
    mu and year (土地经营权流转)."""

    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        on_delete=models.CASCADE,
        related_name="land_transfers",
    )
    plot = models.ForeignKey(
        Plot, verbose_name=_("plot"), on_delete=models.CASCADE, related_name="transfers"
    )
    counterparty = models.CharField(_("transferred to"), max_length=100)
    form = models.CharField(
        _("form"), max_length=20, choices=TransferForm.choices, default=TransferForm.LEASE
    )
    area_mu = mu_field(_("area (mu)"))
    rent_per_mu = money(_("rent a mu a year (yuan)"))
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    version = VersionField()
    history = HistoricalRecords(excluded_fields=["area_code"])

    class Meta:
        verbose_name = _("land transfer")
        verbose_name_plural = _("land transfers")
        ordering = ["plot", "-starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(area_mu__gt=0),
                name="transfer_area_positive",
                violation_error_message=_("A transfer has an area."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")),
                name="transfer_ends_after_start",
                violation_error_message=_("A transfer ends after it starts."),
            ),
        ]

    def __str__(self):
        return f"{self.plot} → {self.counterparty}"

    def get_absolute_url(self):
        return reverse("economy:household-land", args=[self.household_id])


class RentReceipt(HouseholdScoped):
    """The rent a household received for a transfer in a year."""

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="rents"
    )
    transfer = models.ForeignKey(
        LandTransfer, verbose_name=_("transfer"), on_delete=models.CASCADE, related_name="rents"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    amount = money(_("rent received (yuan)"))
    received_on = models.DateField(_("received on"), default=timezone.localdate)

    class Meta:
        verbose_name = _("rent received")
        verbose_name_plural = _("rents received")
        ordering = ["transfer", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["transfer", "year"],
                name="rent_year_unique",
                violation_error_message=_("This year's rent is already recorded."),
            ),
        ]

    def __str__(self):
        return f"{self.transfer} {self.year}: {self.amount}"

    @property
    def flow_key(self) -> str:
        return f"economy.rent:{self.pk}"
