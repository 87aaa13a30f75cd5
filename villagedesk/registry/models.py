"""Households and their members, as the national household information form records them.

A household is scoped by its village and a person by their household: the area codes are kept
by `core.scoping` whenever a row is written (`save` and `bulk_create` alike), never by hand.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from villagedesk.areas.models import Area, Level, VillageGroup
from villagedesk.core.concurrency import VersionField
from villagedesk.core.masking import mask_id_number, mask_phone
from villagedesk.core.pinyin import pinyin_keys
from villagedesk.core.scoping import HouseholdScoped, ScopeCodeField, VillageScoped
from villagedesk.core.sealing import IdentityHashField, SealedIdentityField
from villagedesk.registry.codes import (
    DisabilityCategory,
    DisabilityGrade,
    DocumentType,
    Education,
    EducationExemption,
    Ethnicity,
    Fuel,
    HouseholdStatus,
    IdentificationStandard,
    Labour,
    MigrantWork,
    PoliticalStatus,
    PovertyAttribute,
    PovertyCause,
    PovertyStatus,
    Relation,
    RoadType,
    Safety,
    Schooling,
    Sex,
    SupporterRelation,
)
from villagedesk.registry.identity import ACCOUNT_NUMBER_RE


def not_recorded_fact(verbose_name) -> models.BooleanField:
    """A yes-or-no fact of the national form, left empty (null) when not recorded: never "no"
    by default."""
    return models.BooleanField(verbose_name, null=True, blank=True, default=None)


def measured(verbose_name) -> models.DecimalField:
    """An area or a distance of the household form, left empty when not recorded."""
    return models.DecimalField(
        verbose_name,
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )


# The household's production and living conditions (生产生活条件) on the national household
# form, as stored: areas in mu (亩), the distance in km, the housing area in m².
MEASURES = [
    "arable_land",
    "irrigated_land",
    "forest_land",
    "returned_forest_land",
    "orchard_land",
    "grassland",
    "water_surface",
    "road_distance",
    "housing_area",
]


# The conditions in the order of the national form, as the household page lists them.
CONDITIONS = [
    "arable_land",
    "irrigated_land",
    "forest_land",
    "returned_forest_land",
    "orchard_land",
    "grassland",
    "water_surface",
    "cooperative_member",
    "production_electricity",
    "household_electricity",
    "road_distance",
    "road_type",
    "housing_area",
    "water_difficulty",
    "main_fuel",
    "sanitary_toilet",
    "radio_tv",
]


class Household(VillageScoped):
    # Re-declared to keep the reverse name `village.households` and the level by its name.
    village = models.ForeignKey(
        Area,
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="households",
        limit_choices_to={"level": Level.VILLAGE},
    )
    group = models.ForeignKey(
        VillageGroup,
        verbose_name=_("village group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="households",
    )
    number = models.CharField(_("household number"), max_length=30)
    address = models.CharField(_("address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # The household type (户类型); the field keeps its name because stored policy rules use it.
    status = models.CharField(
        _("household type"),
        max_length=20,
        choices=HouseholdStatus.choices,
        default=HouseholdStatus.NOT_POOR,
    )
    poverty_status = models.CharField(
        _("poverty status"),
        max_length=20,
        choices=PovertyStatus.choices,
        blank=True,
        help_text=_("Left empty for a household never registered as poor."),
    )
    poverty_attribute = models.CharField(
        _("poverty attribute"), max_length=20, choices=PovertyAttribute.choices, blank=True
    )
    main_cause = models.CharField(
        _("main cause of poverty"), max_length=20, choices=PovertyCause.choices, blank=True
    )
    other_cause_1 = models.CharField(
        _("other cause of poverty"), max_length=20, choices=PovertyCause.choices, blank=True
    )
    other_cause_2 = models.CharField(
        _("second other cause of poverty"),
        max_length=20,
        choices=PovertyCause.choices,
        blank=True,
    )
    identified_on = models.DateField(_("date identified"), null=True, blank=True)
    housing_safety = models.CharField(
        _("housing safety"), max_length=10, choices=Safety.choices, default=Safety.UNKNOWN
    )
    water_safety = models.CharField(
        _("drinking-water safety"), max_length=10, choices=Safety.choices, default=Safety.UNKNOWN
    )
    # Property and exclusion facts that social-assistance rules test (民发〔2021〕57号).
    owns_vehicle = models.BooleanField(
        _("owns a motor vehicle"),
        default=False,
        help_text=_("Other than a scooter for a person with a disability."),
    )
    owns_business = models.BooleanField(_("has a registered company or business"), default=False)
    public_payroll = models.BooleanField(_("a member is on a public payroll"), default=False)
    town_housing = models.BooleanField(_("owns commercial housing in town"), default=False)
    deposits = models.DecimalField(
        _("deposits and securities (yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Left empty when not recorded."),
    )
    identification_standard = models.CharField(
        _("identification standard"),
        max_length=20,
        choices=IdentificationStandard.choices,
        blank=True,
    )
    martyr_family = not_recorded_fact(_("martyr or soldier family"))
    only_child = not_recorded_fact(_("only-child household"))
    two_daughters = not_recorded_fact(_("two-daughter household"))
    # Production and living conditions (生产生活条件).
    arable_land = measured(_("arable land (mu)"))
    irrigated_land = measured(_("effectively irrigated land (mu)"))
    forest_land = measured(_("forest land (mu)"))
    returned_forest_land = measured(_("land returned to forest (mu)"))
    orchard_land = measured(_("orchard (mu)"))
    grassland = measured(_("grassland (mu)"))
    water_surface = measured(_("water surface (mu)"))
    cooperative_member = not_recorded_fact(_("member of a farmers' cooperative"))
    production_electricity = not_recorded_fact(_("electricity for production"))
    household_electricity = not_recorded_fact(_("electricity for the household"))
    road_distance = measured(_("distance to the village's main road (km)"))
    road_type = models.CharField(
        _("access road type"), max_length=20, choices=RoadType.choices, blank=True
    )
    housing_area = measured(_("housing area (m²)"))
    water_difficulty = not_recorded_fact(_("drinking-water difficulty"))
    main_fuel = models.CharField(_("main fuel"), max_length=20, choices=Fuel.choices, blank=True)
    sanitary_toilet = not_recorded_fact(_("sanitary toilet"))
    radio_tv = not_recorded_fact(_("radio and TV"))
    # `area_code` comes from VillageScoped; the county's code serves county-wide figures.
    county_code = ScopeCodeField(digits=6)

    version = VersionField()
    history = HistoricalRecords(excluded_fields=["area_code", "county_code"])

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["area_code", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "number"],
                name="household_number_unique",
                violation_error_message=_("This household number is already used in this village."),
            ),
            models.CheckConstraint(
                condition=(Q(other_cause_1="") | ~Q(main_cause=""))
                & (Q(other_cause_2="") | ~Q(other_cause_1=""))
                & (Q(other_cause_1="") | ~Q(other_cause_1=F("main_cause")))
                & (
                    Q(other_cause_2="")
                    | ~(Q(other_cause_2=F("main_cause")) | Q(other_cause_2=F("other_cause_1")))
                ),
                name="household_causes_distinct",
                violation_error_message=_(
                    "The other causes of poverty follow a main cause and differ from it and from "
                    "each other."
                ),
            ),
            models.CheckConstraint(
                condition=Q(deposits__isnull=True) | Q(deposits__gte=0),
                name="household_deposits_not_negative",
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": 0}),
                    name=f"household_{name}_not_negative",
                )
                for name in MEASURES
            ],
        ]
        indexes = [
            models.Index(fields=["area_code", "number"], name="household_area_number"),
            # A number typed in the search box is looked up across the user's areas.
            models.Index(fields=["number"], name="household_number"),
        ]

    def __str__(self):
        return f"{self.village} · {self.number}"

    def get_absolute_url(self):
        return reverse("registry:household-detail", args=[self.pk])

    def clean(self):
        # VillageScoped's check of the village, said the household's way.
        errors = {}
        if self.village_id and not self.village.is_village:
            errors["village"] = _("A household belongs to a village.")
        if self.group_id and self.village_id and self.group.village_id != self.village_id:
            errors["group"] = _("This group belongs to another village.")
        if (self.other_cause_1 or self.other_cause_2) and not self.main_cause:
            errors["main_cause"] = _("Give the main cause before the other causes.")
        elif self.other_cause_2 and not self.other_cause_1:
            errors["other_cause_1"] = _("Give the first other cause before the second.")
        elif self.other_cause_1 and self.other_cause_1 == self.main_cause:
            errors["other_cause_1"] = _("An other cause differs from the main cause.")
        elif self.other_cause_2 and self.other_cause_2 in {self.main_cause, self.other_cause_1}:
            errors["other_cause_2"] = _("Each cause of poverty is given once.")
        if errors:
            raise ValidationError(errors)

    def head(self):
        """The head among the (prefetched) members, or None."""
        return next((m for m in self.members.all() if m.relation == Relation.HEAD), None)

    def property_labels(self) -> list[str]:
        """The property and exclusion facts recorded as true, labelled."""
        names = ["owns_vehicle", "owns_business", "public_payroll", "town_housing"]
        return [
            capfirst(self._meta.get_field(name).verbose_name)
            for name in names
            if getattr(self, name)
        ]

    def flag_labels(self) -> list[str]:
        """The household's flags recorded as true (军烈属, 独生子女户, 双女户), labelled."""
        names = ["martyr_family", "only_child", "two_daughters"]
        return [
            capfirst(self._meta.get_field(name).verbose_name)
            for name in names
            if getattr(self, name)
        ]

    def conditions(self) -> list[tuple[str, str]]:
        """The production and living conditions recorded, labelled, in the national form's
        order; those not recorded are left out."""
        shown = []
        for name in CONDITIONS:
            field = self._meta.get_field(name)
            value = getattr(self, name)
            if value is None or value == "":
                continue
            if field.choices:
                value = getattr(self, f"get_{name}_display")()
            elif isinstance(value, bool):
                value = _("yes") if value else _("no")
            else:
                value = f"{value.normalize():f}"  # 5.50 as 5.5, 100.00 as 100
            shown.append((capfirst(field.verbose_name), str(value)))
        return shown

    @property
    def other_causes(self) -> list[str]:
        """The other causes of poverty given (at most two), in order."""
        return [cause for cause in (self.other_cause_1, self.other_cause_2) if cause]


class Person(HouseholdScoped):
    # Re-declared to keep the reverse name `household.members`.
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="members"
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    name_pinyin = models.CharField(max_length=200, editable=False, db_index=True)
    name_initials = models.CharField(max_length=50, editable=False, db_index=True)
    document_type = models.CharField(
        _("document type"),
        max_length=20,
        choices=DocumentType.choices,
        default=DocumentType.RESIDENT_ID,
    )
    # NULL, not "", when unknown: the number is unique across the installation. Sealed in its
    # column; found, by the whole number or its tail, and kept unique by its keyed hash
    # (core.sealing).
    id_number = SealedIdentityField(  # noqa: DJ001
        _("identity number"), max_length=18, null=True, blank=True
    )
    id_number_hash = IdentityHashField()
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices)
    birth_date = models.DateField(_("date of birth"))
    ethnicity = models.CharField(
        _("ethnicity"), max_length=2, choices=Ethnicity.choices, default=Ethnicity.HAN
    )
    relation = models.CharField(_("relation to head"), max_length=30, choices=Relation.choices)
    # Couples and parents within the household, derived from the relations to the head by
    # `registry.families.derive` after every write of members, never typed.
    spouse = models.ForeignKey(
        "self",
        verbose_name=_("spouse"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    father = models.ForeignKey(
        "self",
        verbose_name=_("father"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="children_as_father",
    )
    mother = models.ForeignKey(
        "self",
        verbose_name=_("mother"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="children_as_mother",
    )
    political_status = models.CharField(
        _("political status"), max_length=20, choices=PoliticalStatus.choices, blank=True
    )
    education = models.CharField(
        _("education"), max_length=20, choices=Education.choices, blank=True
    )
    schooling = models.CharField(
        _("schooling status"), max_length=30, choices=Schooling.choices, blank=True
    )
    education_exemption = models.CharField(
        _("schooling exemption"),
        max_length=20,
        choices=EducationExemption.choices,
        blank=True,
        help_text=_("The documented reason a child of school age is not at school."),
    )
    chronic_illness = models.BooleanField(_("long-term chronic illness"), default=False)
    serious_illness = models.BooleanField(_("serious illness"), default=False)
    disability_category = models.CharField(
        _("disability"), max_length=20, choices=DisabilityCategory.choices, blank=True
    )
    disability_grade = models.PositiveSmallIntegerField(
        _("disability grade"), choices=DisabilityGrade.choices, null=True, blank=True
    )
    # The certificate number is the identity number and two digits: sealed like it.
    disability_certificate = SealedIdentityField(
        _("disability certificate number"), max_length=30, blank=True
    )
    labour = models.CharField(
        _("labour ability"), max_length=20, choices=Labour.choices, blank=True
    )
    migrant_work = models.CharField(
        _("migrant work"), max_length=20, choices=MigrantWork.choices, blank=True
    )
    migrant_months = models.PositiveSmallIntegerField(
        _("months of migrant work"), default=0, validators=[MaxValueValidator(12)]
    )
    migrant_place = models.CharField(_("place of migrant work"), max_length=100, blank=True)
    medical_insurance = models.BooleanField(_("basic medical insurance"), default=False)
    employee_medical_insurance = models.BooleanField(
        _("employee basic medical insurance"), default=False
    )
    serious_illness_insurance = models.BooleanField(_("serious-illness insurance"), default=False)
    pension_insurance = models.BooleanField(_("basic pension insurance"), default=False)
    accident_insurance = not_recorded_fact(_("personal accident insurance"))
    active_serviceman = not_recorded_fact(_("active serviceman"))
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    # The bank and account that payments to the household go to (开户银行, 银行账号): the national
    # form gives them with the household, and the account is held by a member, as a rule the
    # head. The account number is personal: sealed in its column like the identity number.
    bank = models.CharField(_("bank"), max_length=50, blank=True)
    bank_account = SealedIdentityField(
        _("bank account number"),
        max_length=30,
        blank=True,
        validators=[
            RegexValidator(
                ACCOUNT_NUMBER_RE,
                message=_("A bank account number is 8 to 30 digits."),
                code="bank_account",
            )
        ],
    )

    version = VersionField()
    # The hash stays out of the history: a deleted person's numbers are masked there, and a
    # hash would still tell them apart.
    history = HistoricalRecords(
        excluded_fields=[
            "name_pinyin",
            "name_initials",
            "area_code",
            "id_number_hash",
            "spouse",
            "father",
            "mother",
        ]
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["household_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_hash"],
                name="person_id_number_hash_unique",
                violation_error_message=_(
                    "This identity number is already registered to another person."
                ),
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(relation="head"),
                name="person_one_head",
                violation_error_message=_("This household already has a head."),
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(relation="spouse"),
                name="person_one_spouse",
                violation_error_message=_("This household already has a spouse of the head."),
            ),
            models.CheckConstraint(
                condition=Q(migrant_months__lte=12), name="person_migrant_months_range"
            ),
            models.CheckConstraint(
                condition=Q(migrant_place="") | ~Q(migrant_work=""),
                name="person_migrant_place_with_work",
                violation_error_message=_("A place of migrant work goes with the migrant work."),
            ),
            models.CheckConstraint(
                condition=~(~Q(education="") & ~Q(schooling="")),
                name="person_education_or_schooling",
            ),
            models.CheckConstraint(
                condition=Q(disability_category="", disability_grade__isnull=True)
                | (~Q(disability_category="") & Q(disability_grade__isnull=False)),
                name="person_disability_grade_with_category",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_pinyin, self.name_initials = pinyin_keys(self.name)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("registry:household-detail", args=[self.household_id]) + f"#p{self.pk}"

    def clean(self):
        errors = {}
        if self.education and self.schooling:
            errors["schooling"] = _(
                "Give either the education (for those out of school) or the schooling status, "
                "not both."
            )
        elif not self.education and not self.schooling:
            errors["education"] = _(
                "Give the education of a person out of school, or the schooling status of one in "
                "or before school."
            )
        if self.migrant_months and not self.migrant_work:
            errors["migrant_work"] = _("Say where the person works away, since months are given.")
        if self.migrant_work and not self.migrant_months:
            errors["migrant_months"] = _("Give the months of migrant work, since a place is given.")
        if self.migrant_place and not self.migrant_work:
            errors["migrant_place"] = _(
                "Say how far away the person works before naming the place of migrant work."
            )
        if self.disability_category and not self.disability_grade:
            errors["disability_grade"] = _("Give the grade of the disability.")
        if self.disability_grade and not self.disability_category:
            errors["disability_category"] = _("Give the kind of disability for this grade.")
        if self.birth_date and self.birth_date > timezone.localdate():
            errors["birth_date"] = _("A date of birth cannot be in the future.")
        if errors:
            raise ValidationError(errors)

    def age_on(self, day: datetime.date) -> int:
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def age(self) -> int:
        return self.age_on(timezone.localdate())

    @property
    def healthy(self) -> bool:
        """健康: none of long-term chronic illness, serious illness and disability."""
        return not (self.chronic_illness or self.serious_illness or self.disability_category)

    def health_labels(self) -> list[str]:
        labels = []
        if self.chronic_illness:
            labels.append(capfirst(_("long-term chronic illness")))
        if self.serious_illness:
            labels.append(capfirst(_("serious illness")))
        if self.disability_category:
            labels.append(str(self.get_disability_category_display()))
        return labels or [capfirst(_("healthy"))]


# A person's personal numbers and the mask each is shown with (core.masking): masked on every
# page, form, export and change history unless revealed, and revealed one at a time, logged. A
# disability certificate number is the identity number and two digits, so it is masked as one;
# a bank account number shows as much as a masked identity number does.
PERSONAL_NUMBERS = {
    "id_number": mask_id_number,
    "disability_certificate": mask_id_number,
    "bank_account": mask_id_number,
    "phone": mask_phone,
}


class Supporter(HouseholdScoped):
    """A legal supporter of a member who is not a member: a child, spouse or parent registered
    elsewhere, named so that the rules for extreme-poverty support (特困人员认定办法
    民发〔2021〕43号) can test whether someone is able to support the member. No identity number
    is kept."""

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="supporters"
    )
    supported = models.ForeignKey(
        Person,
        verbose_name=_("member supported"),
        on_delete=models.CASCADE,
        related_name="supporters",
    )
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    relation = models.CharField(
        _("relation to the member"), max_length=20, choices=SupporterRelation.choices
    )
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    lives_in_area = models.BooleanField(
        _("lives in the local area"),
        default=False,
        help_text=_("In the county of the member supported."),
    )
    migrant_work = models.CharField(
        _("migrant work"), max_length=20, choices=MigrantWork.choices, blank=True
    )
    is_tekun = models.BooleanField(_("receives extreme-poverty support"), default=False)
    is_dibao = models.BooleanField(_("receives the subsistence allowance"), default=False)
    disability_category = models.CharField(
        _("disability"), max_length=20, choices=DisabilityCategory.choices, blank=True
    )
    disability_grade = models.PositiveSmallIntegerField(
        _("disability grade"), choices=DisabilityGrade.choices, null=True, blank=True
    )
    annual_income = models.DecimalField(
        _("annual income (yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
        help_text=_("Left empty when not known."),
    )

    history = HistoricalRecords(excluded_fields=["area_code"])

    class Meta:
        verbose_name = _("supporter outside the household")
        verbose_name_plural = _("supporters outside the household")
        ordering = ["household_id", "supported_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(disability_category="", disability_grade__isnull=True)
                | (~Q(disability_category="") & Q(disability_grade__isnull=False)),
                name="supporter_disability_grade_with_category",
            ),
            models.CheckConstraint(
                condition=Q(annual_income__isnull=True) | Q(annual_income__gte=0),
                name="supporter_income_not_negative",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("registry:household-detail", args=[self.household_id]) + f"#s{self.pk}"

    def clean(self):
        errors = {}
        if self.supported_id and self.household_id:
            if self.supported.household_id != self.household_id:
                errors["supported"] = _("Choose a member of this household.")
        if self.disability_category and not self.disability_grade:
            errors["disability_grade"] = _("Give the grade of the disability.")
        if self.disability_grade and not self.disability_category:
            errors["disability_category"] = _("Give the kind of disability for this grade.")
        if self.birth_date and self.birth_date > timezone.localdate():
            errors["birth_date"] = _("A date of birth cannot be in the future.")
        if errors:
            raise ValidationError(errors)

    def age_on(self, day: datetime.date) -> int | None:
        born = self.birth_date
        if born is None:
            return None
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    @property
    def age(self) -> int | None:
        return self.age_on(timezone.localdate())


class RevealLog(models.Model):
    """One view of a full personal number: who saw whose, which field, when.

    Deleting the person keeps the row (the person becomes empty) with the masked identity
    number written at the reveal, so the log outlives the record it names.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="reveals")
    person_masked = models.CharField(max_length=40, blank=True)
    field = models.CharField(max_length=30)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("reveal of personal data")
        verbose_name_plural = _("reveals of personal data")
        ordering = ["-at"]

    def __str__(self):
        return f"{self.user} · {self.person} · {self.field}"


class ImportMapping(models.Model):
    """A correction of the column mapping, saved under a name to reuse with the next ledger."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    columns = models.JSONField(default=dict)  # folded header → field name ("" to ignore)

    class Meta:
        verbose_name = _("import mapping")
        verbose_name_plural = _("import mappings")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="import_mapping_name_unique")
        ]

    def __str__(self):
        return self.name


class ImportJob(models.Model):
    """One upload of a ledger: checked first, then loaded in the background with progress."""

    class Status(models.TextChoices):
        CHECKED = "checked", _("checked")
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        REJECTED = "rejected", _("rejected")
        CANCELLED = "cancelled", _("cancelled")
        FAILED = "failed", _("failed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    area = models.ForeignKey(
        Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(upload_to="imports/%Y/%m/")
    original_name = models.CharField(max_length=255)
    columns = models.JSONField(default=dict, blank=True)  # folded header → field, as confirmed
    partial = models.BooleanField(_("load the valid rows only"), default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CHECKED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    issues = models.JSONField(default=list, blank=True)
    report = models.FileField(upload_to="imports/reports/%Y/%m/", blank=True)
    cancel_requested = models.BooleanField(default=False)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self):
        return self.original_name

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in {
            self.Status.DONE,
            self.Status.REJECTED,
            self.Status.CANCELLED,
            self.Status.FAILED,
        }


class ExportJob(models.Model):
    """One ledger asked for by a program (the API): written by the background worker as the
    user who asked, in their language, audited when it is written, then fetched by that user
    alone. The purpose of numbers in full is kept until then, as the audit event needs it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    class Format(models.TextChoices):
        XLSX = "xlsx", ".xlsx"
        CSV = "csv", ".csv"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    area = models.ForeignKey(
        Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )
    ledger = models.CharField(_("ledger"), max_length=40)
    file_format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    household_status = models.CharField(
        _("household type"), max_length=20, choices=HouseholdStatus.choices, blank=True
    )
    full_numbers = models.BooleanField(_("numbers in full"), default=False)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    language = models.CharField(max_length=10)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows = models.PositiveIntegerField(null=True, blank=True)
    file = models.FileField(upload_to="exports/%Y/%m/", blank=True)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(full_numbers=False) | ~Q(purpose=""),
                name="export_job_full_numbers_have_a_purpose",
            ),
        ]

    def __str__(self):
        return f"{self.ledger} {self.area_id} {self.created_at:%Y-%m-%d}"

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}


class DataGeneration(models.Model):
    """How many times the data of a county's households has changed: the households and their
    members here, and what other apps record about them (income, enrolments, monitoring, the
    rules and parameters that read them). Figures computed from it at an older count are out of
    date (`registry.changes`)."""

    county = models.CharField(max_length=6, primary_key=True)
    generation = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"{self.county} · {self.generation}"
