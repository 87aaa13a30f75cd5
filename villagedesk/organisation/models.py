"""The village organisation (step 10): Party members and those on the way to joining, ten-household
groups, the talent pool and trainings.

The Party's rules for the pipeline's minimum periods are not in the domain notes; they are those
of the Party Constitution (党章) and the 中国共产党发展党员工作细则 (2014, 细则 below), cited where
each is applied.
"""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from villagedesk.areas.models import CHINA_LATITUDE, CHINA_LONGITUDE, Area, Level
from villagedesk.core.concurrency import VersionField
from villagedesk.core.scoping import Scoped, VillageScoped
from villagedesk.organisation.codes import STAGE_DATES, STAGES, Stage, TalentKind
from villagedesk.registry.codes import Education
from villagedesk.registry.models import Household, Person

# 党章 第一条: a person of eighteen or over may apply to join.
APPLICANT_AGE_MIN = 18


def years_after(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later; 29 February becomes 1 March, as the registry counts ages."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return datetime.date(day.year + years, 3, 1)


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


def stage_dates_consistent() -> Q:
    """The dates a row at each stage carries: its own stage's, never a later stage's; an
    activist and a development object carry the earlier steps' dates, and a full member the date
    made probationary. A member who joined before the roster was kept may lack the dates before
    probation."""
    condition = Q()
    for index, stage in enumerate(STAGES):
        required = [STAGE_DATES[stage]]
        if stage in (Stage.ACTIVIST, Stage.CANDIDATE):
            required += [STAGE_DATES[s] for s in STAGES[:index]]
        if stage == Stage.FULL:
            required.append("probationary_on")
        later = [STAGE_DATES[s] for s in STAGES[index + 1 :]]
        condition |= Q(
            stage=stage,
            **{f"{name}__isnull": False for name in required},
            **{f"{name}__isnull": True for name in later},
        )
    return condition


def dates_in_order() -> Q:
    """Each recorded step on or after the one before it; activist strictly after applying."""
    names = list(STAGE_DATES.values())
    condition = Q()
    for earlier, later in zip(names, names[1:], strict=False):
        after = (
            Q(**{f"{later}__gt": F(earlier)})
            if later == "activist_on"
            else Q(**{f"{later}__gte": F(earlier)})
        )
        condition &= Q(**{f"{earlier}__isnull": True}) | Q(**{f"{later}__isnull": True}) | after
    return condition


class PartyMember(VillageScoped):
    """A Party member of the village's branch, or a person on the way to joining.

    The person is one of the village registry's, or named here when not in the registry (a
    member whose household registration is elsewhere). The name is kept either way, so that the
    roster still names a member whose registry entry is removed.
    """

    village = models.ForeignKey(
        Area,
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="party_members",
        limit_choices_to={"level": Level.VILLAGE},
    )
    person = models.ForeignKey(
        Person,
        verbose_name=_("person in the registry"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="party_memberships",
    )
    name = models.CharField(_("name"), max_length=50)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    education = models.CharField(
        _("education"), max_length=20, choices=Education.choices, blank=True
    )
    branch = models.CharField(
        _("Party branch or group"),
        max_length=100,
        blank=True,
        help_text=_("Leave empty for the village's branch itself."),
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    applied_on = models.DateField(_("applied to join on"), null=True, blank=True)
    activist_on = models.DateField(_("made an activist on"), null=True, blank=True)
    candidate_on = models.DateField(_("made a development object on"), null=True, blank=True)
    probationary_on = models.DateField(
        _("admitted as a probationary member on"), null=True, blank=True
    )
    full_on = models.DateField(_("made a full member on"), null=True, blank=True)
    away = models.BooleanField(_("mobile member, away from the village"), default=False)
    away_place = models.CharField(_("where the member is"), max_length=100, blank=True)
    left_on = models.DateField(_("left the branch on"), null=True, blank=True)

    version = VersionField()
    history = HistoricalRecords(excluded_fields=["area_code"])

    class Meta:
        verbose_name = _("Party member")
        verbose_name_plural = _("Party members")
        ordering = ["area_code", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                name="partymember_person_once",
                violation_error_message=_("This person is already on the Party roster."),
            ),
            models.CheckConstraint(condition=~Q(name=""), name="partymember_named"),
            models.CheckConstraint(
                condition=stage_dates_consistent(),
                name="partymember_stage_dates",
                violation_error_message=_("The dates do not fit the stage."),
            ),
            models.CheckConstraint(
                condition=dates_in_order(),
                name="partymember_dates_in_order",
                violation_error_message=_("Each step is dated after the one before it."),
            ),
            models.CheckConstraint(
                condition=Q(away=True) | Q(away_place=""),
                name="partymember_place_when_away",
            ),
        ]
        indexes = [models.Index(fields=["area_code", "stage"], name="partymember_area_stage")]

    def __str__(self):
        return self.shown_name

    def get_absolute_url(self):
        return reverse("organisation:member-detail", args=[self.pk])

    @property
    def shown_name(self) -> str:
        return self.person.name if self.person_id else self.name

    @property
    def born(self) -> datetime.date | None:
        return self.person.birth_date if self.person_id else self.birth_date

    def stage_date(self, stage: str) -> datetime.date | None:
        return getattr(self, STAGE_DATES[stage])

    def next_stage(self) -> str | None:
        index = STAGES.index(self.stage)
        return STAGES[index + 1] if index + 1 < len(STAGES) else None

    def clean(self):
        super().clean()
        if (
            self.person_id
            and self.village_id
            and self.person.household.village_id != self.village_id
        ):
            raise ValidationError({"person": _("This person is registered in another village.")})
        if self.stage not in STAGE_DATES:
            return
        errors = self.pipeline_errors()
        if errors:
            raise ValidationError(errors)

    def pipeline_errors(self) -> dict[str, str]:
        """What breaks the Party's rules for the dates of joining, by field."""
        errors: dict[str, str] = {}
        index = STAGES.index(self.stage)
        today = timezone.localdate()
        for stage in STAGES[index + 1 :]:
            if self.stage_date(stage):
                errors[STAGE_DATES[stage]] = _("This stage is not reached yet.")
        required = [self.stage]
        if self.stage in (Stage.ACTIVIST, Stage.CANDIDATE):
            required = STAGES[: index + 1]
        if self.stage == Stage.FULL:
            required = [Stage.PROBATIONARY, Stage.FULL]
        for stage in required:
            if not self.stage_date(stage):
                errors[STAGE_DATES[stage]] = _("Give the date of this step.")
        for stage in STAGES[: index + 1]:
            day = self.stage_date(stage)
            if day and day > today:
                errors.setdefault(STAGE_DATES[stage], _("This date is in the future."))
        if errors:
            return errors
        applied, activist = self.applied_on, self.activist_on
        candidate, probationary, full = self.candidate_on, self.probationary_on, self.full_on
        first = next((d for d in (applied, activist, candidate, probationary) if d), None)
        born = self.born
        if born and first and age_on(born, first) < APPLICANT_AGE_MIN:
            # 党章 第一条: only a person of eighteen or over may apply.
            errors[STAGE_DATES[self.first_dated_stage()]] = _(
                "A person applies to join at eighteen or over."
            )
        if applied and activist and activist <= applied:
            # 细则 第九条: activists are chosen from among those who have applied.
            errors["activist_on"] = _("An activist is chosen after applying to join.")
        if activist and candidate and candidate < years_after(activist, 1):
            # 细则 第十四条: over a year of training and examination as an activist first.
            errors["candidate_on"] = _(
                "A development object has been an activist for at least a year (from %(day)s)."
            ) % {"day": years_after(activist, 1).isoformat()}
        earlier = candidate or activist or applied
        if earlier and probationary and probationary < earlier:
            errors["probationary_on"] = _("A member is admitted after the steps before it.")
        if probationary and full and full < years_after(probationary, 1):
            # 党章 第七条: the probation lasts one year.
            errors["full_on"] = _(
                "A probationary member becomes full after a year of probation (from %(day)s)."
            ) % {"day": years_after(probationary, 1).isoformat()}
        if self.left_on and first and self.left_on < first:
            errors["left_on"] = _("A member leaves after joining.")
        return errors

    def first_dated_stage(self) -> str:
        return next(s for s in STAGES if self.stage_date(s))

    def is_full_on(self, day: datetime.date) -> bool:
        return bool(self.full_on and self.full_on <= day)


class TenHouseholdGroup(VillageScoped):
    """About ten neighbouring households with a head (联户长), for news, mutual help and
    mediation. Households have no map positions in the registry, so the group has one: where it
    gathers, or the head's home."""

    village = models.ForeignKey(
        Area,
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="ten_household_groups",
        limit_choices_to={"level": Level.VILLAGE},
    )
    name = models.CharField(_("name"), max_length=50)
    head = models.ForeignKey(
        Person,
        verbose_name=_("group head"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="headed_groups",
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)

    version = VersionField()
    history = HistoricalRecords(excluded_fields=["area_code"])

    class Meta:
        verbose_name = _("ten-household group")
        verbose_name_plural = _("ten-household groups")
        ordering = ["area_code", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "name"],
                name="tenhouseholdgroup_name_unique",
                violation_error_message=_("This village already has a group of this name."),
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(
                    latitude__gte=CHINA_LATITUDE[0],
                    latitude__lte=CHINA_LATITUDE[1],
                    longitude__gte=CHINA_LONGITUDE[0],
                    longitude__lte=CHINA_LONGITUDE[1],
                ),
                name="tenhouseholdgroup_position_in_china",
                violation_error_message=_(
                    "Give both coordinates, inside China (check that latitude and longitude are "
                    "not swapped)."
                ),
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organisation:group-detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.head_id and self.village_id and self.head.household.village_id != self.village_id:
            raise ValidationError({"head": _("The group head lives in the group's village.")})


class GroupHousehold(Scoped):
    """A household's place in a ten-household group: a household is in one group at most, of its
    own village; moved to another village, it leaves the group."""

    scope_follows = "household"
    scope_left_behind = True

    group = models.ForeignKey(
        TenHouseholdGroup,
        verbose_name=_("ten-household group"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        on_delete=models.CASCADE,
        related_name="ten_household_membership",
    )

    class Meta:
        verbose_name = _("household of a ten-household group")
        verbose_name_plural = _("households of ten-household groups")
        ordering = ["group_id", "household_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                name="grouphousehold_one_group",
                violation_error_message=_("This household is already in a ten-household group."),
            ),
        ]

    def __str__(self):
        return f"{self.group} · {self.household.number}"

    def scope_code(self) -> str:
        return self.household.area_code


class Talent(Scoped):
    """A person of the village registry the village may count on: one row per kind of talent."""

    scope_follows = "person"

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="talents"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=TalentKind.choices)
    skills = models.CharField(_("skills and experience"), max_length=300, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords(excluded_fields=["area_code"])

    class Meta:
        verbose_name = _("talent")
        verbose_name_plural = _("talents")
        ordering = ["area_code", "kind", "person_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind"],
                name="talent_person_kind_unique",
                violation_error_message=_("This person is already in the pool as this kind."),
            ),
        ]

    def __str__(self):
        return f"{self.person} · {self.get_kind_display()}"

    def scope_code(self) -> str:
        return self.person.area_code


class Training(VillageScoped):
    """A training held for the village's Party members, cadres or talents, with who attended."""

    village = models.ForeignKey(
        Area,
        verbose_name=_("village"),
        on_delete=models.PROTECT,
        related_name="trainings",
        limit_choices_to={"level": Level.VILLAGE},
    )
    topic = models.CharField(_("topic"), max_length=200)
    held_on = models.DateField(_("date"))
    trainer = models.CharField(_("trainer"), max_length=100, blank=True)
    hours = models.DecimalField(
        _("hours"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0.5), MaxValueValidator(99)],
    )
    attendees = models.ManyToManyField(
        Person, verbose_name=_("attendees"), blank=True, related_name="trainings"
    )

    version = VersionField()
    history = HistoricalRecords(excluded_fields=["area_code"])

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="training_hours_positive"),
        ]

    def __str__(self):
        return f"{self.held_on} · {self.topic}"

    def get_absolute_url(self):
        return reverse("organisation:training-detail", args=[self.pk])

    def clean(self):
        super().clean()
        if self.held_on and self.held_on > timezone.localdate():
            raise ValidationError({"held_on": _("A training is recorded once it is held.")})
