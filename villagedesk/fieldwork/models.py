"""What a resident team records in the field: visits, diary days, people notes, problems.

Every row that belongs to a village or a person carries `area_code` (a 12-digit area code), kept
by the scoped bases of `core.scoping`, so that the same prefix scoping as the registry applies.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from villagedesk.areas.models import Area, Level
from villagedesk.core.concurrency import VersionField
from villagedesk.core.scoping import Scoped, VillageScoped
from villagedesk.directory.models import Contact
from villagedesk.fieldwork.codes import (
    Attitude,
    Influence,
    KeyGroup,
    Presence,
    ProblemCategory,
    ProblemStatus,
    Solvable,
    Topic,
    Urgency,
    VisitKind,
)
from villagedesk.registry.models import Household, Person


def not_in_future(day) -> None:
    if day and day > timezone.localdate():
        raise ValidationError(_("This date is in the future."))


class VillageSetting(models.Model):
    """How often a village's registered-poor and monitored households should be visited."""

    village = models.OneToOneField(
        Area,
        verbose_name=_("village"),
        on_delete=models.CASCADE,
        related_name="visit_setting",
        limit_choices_to={"level": Level.VILLAGE},
    )
    visit_interval_days = models.PositiveSmallIntegerField(
        _("visit poor and monitored households every (days)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(366)],
    )

    class Meta:
        verbose_name = _("village fieldwork setting")
        verbose_name_plural = _("village fieldwork settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(visit_interval_days__gte=1), name="villagesetting_interval_positive"
            ),
        ]

    def __str__(self):
        return str(self.village)


class CountySetting(models.Model):
    """The days in the village a county asks of each team member per month."""

    county = models.OneToOneField(
        Area,
        verbose_name=_("county"),
        on_delete=models.CASCADE,
        related_name="attendance_setting",
        limit_choices_to={"level": Level.COUNTY},
    )
    days_in_village = models.PositiveSmallIntegerField(
        _("days in the village required per month"),
        default=20,
        validators=[MaxValueValidator(31)],
    )

    class Meta:
        verbose_name = _("county fieldwork setting")
        verbose_name_plural = _("county fieldwork settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(days_in_village__lte=31), name="countysetting_days_in_month"
            ),
        ]

    def __str__(self):
        return str(self.county)


class Visit(VillageScoped):
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="visits",
    )
    persons = models.ManyToManyField(
        Person, verbose_name=_("persons met"), blank=True, related_name="visits"
    )
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("visited by"),
        on_delete=models.PROTECT,
        related_name="visits",
    )
    companions = models.CharField(_("also present"), max_length=200, blank=True)
    visited_on = models.DateField(
        _("date"), default=timezone.localdate, validators=[not_in_future], db_index=True
    )
    place = models.CharField(_("place"), max_length=200, blank=True)
    kind = models.CharField(
        _("kind"), max_length=10, choices=VisitKind.choices, default=VisitKind.HOME
    )
    topics = models.JSONField(_("topics"), default=list, blank=True)
    said = models.TextField(_("what was said"), blank=True)
    opinions = models.TextField(_("opinions and suggestions"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="visits/%Y/%m/", blank=True)
    follow_up = models.CharField(_("follow-up"), max_length=300, blank=True)
    follow_up_due = models.DateField(_("follow-up due"), null=True, blank=True)
    follow_up_done_on = models.DateField(_("follow-up done on"), null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(follow_up_due__isnull=True) | ~Q(follow_up=""),
                name="visit_due_needs_follow_up",
                violation_error_message=_("Say what is to be followed up by that date."),
            ),
        ]
        indexes = [
            models.Index(fields=["area_code", "visited_on"], name="visit_area_day"),
            # The due list of the home page: open follow-ups by due date, whatever the area.
            models.Index(
                fields=["follow_up_due"],
                condition=Q(follow_up_done_on__isnull=True, follow_up_due__isnull=False),
                name="visit_follow_up_open",
            ),
        ]

    def __str__(self):
        return f"{self.visited_on} · {self.household or self.village}"

    def get_absolute_url(self):
        return reverse("fieldwork:visit-detail", args=[self.pk])

    def clean(self):
        super().clean()
        errors = {}
        unknown = [t for t in self.topics or [] if t not in Topic.values]
        if unknown:
            errors["topics"] = _("Unknown topic: %(topics)s.") % {"topics": ", ".join(unknown)}
        if self.household_id and self.village_id and self.household.village_id != self.village_id:
            errors["household"] = _("This household is in another village.")
        if self.follow_up_due and self.visited_on and self.follow_up_due < self.visited_on:
            errors["follow_up_due"] = _("A follow-up cannot be due before the visit.")
        if errors:
            raise ValidationError(errors)

    def topic_labels(self) -> list[str]:
        return [str(Topic(t).label) for t in self.topics if t in Topic.values]


class KeyGroupTag(Scoped):
    """A person's membership of a key group the team should reach."""

    scope_follows = "person"

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="key_groups"
    )
    group = models.CharField(_("key group"), max_length=20, choices=KeyGroup.choices)

    class Meta:
        verbose_name = _("key-group tag")
        verbose_name_plural = _("key-group tags")
        ordering = ["person_id", "group"]
        constraints = [
            models.UniqueConstraint(fields=["person", "group"], name="keygrouptag_unique"),
        ]

    def __str__(self):
        return f"{self.person} · {self.get_group_display()}"

    def scope_code(self) -> str:
        return self.person.area_code


class DiaryDay(VillageScoped):
    """One team member's day: where they were and what they did. Position and photos are optional,
    the member's own record; supervisors never see the position."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("team member"),
        on_delete=models.PROTECT,
        related_name="diary_days",
    )
    day = models.DateField(_("day"), validators=[not_in_future])
    presence = models.CharField(
        _("where"), max_length=12, choices=Presence.choices, default=Presence.IN_VILLAGE
    )
    reason = models.CharField(_("reason for being away"), max_length=200, blank=True)
    work_done = models.TextField(_("what was done"), blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )

    version = VersionField()
    history = HistoricalRecords(excluded_fields=["area_code", "latitude", "longitude"])

    class Meta:
        verbose_name = _("diary day")
        verbose_name_plural = _("diary days")
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "day"],
                name="diaryday_one_per_day",
                violation_error_message=_("This day is already in your diary."),
            ),
            models.CheckConstraint(
                condition=Q(presence="in_village") | ~Q(reason=""),
                name="diaryday_away_has_reason",
                violation_error_message=_("Give the reason for being away."),
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="diaryday_position_complete",
            ),
        ]

    def __str__(self):
        return f"{self.member} · {self.day}"

    def get_absolute_url(self):
        return reverse("fieldwork:diary-edit", args=[self.day.isoformat()])

    def clean(self):
        super().clean()
        if self.presence != Presence.IN_VILLAGE and not self.reason.strip():
            raise ValidationError({"reason": _("Give the reason for being away.")})


class DiaryPhoto(models.Model):
    day = models.ForeignKey(
        DiaryDay, verbose_name=_("diary day"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(_("photo"), upload_to="diary/%Y/%m/")
    # The key made on the phone for the sending that added it: the same photo sent again under
    # it (its answer was lost) is not added twice.
    key = models.CharField(max_length=100, blank=True, editable=False)

    class Meta:
        verbose_name = _("diary photo")
        verbose_name_plural = _("diary photos")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "key"], condition=~Q(key=""), name="diaryphoto_day_key_unique"
            )
        ]

    def __str__(self):
        return self.image.name


class PersonNote(Scoped):
    """What the team has learnt of a person (识人). Notes are added, never overwritten: the latest
    is the current view and the earlier ones are its history.

    A note is on a registry person or on a directory contact. A person's note belongs to the
    person's village; a contact (often kept by a township or county) is judged by each team on
    its own, so a contact's note carries the area of the team that wrote it (which the service
    adding the note sets, see `fieldwork.services.note_team_area`).
    """

    scope_follows = "person"

    person = models.ForeignKey(
        Person,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notes",
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="team_notes",
    )
    attitude = models.CharField(
        _("attitude toward the team's work"), max_length=10, choices=Attitude.choices
    )
    influence = models.CharField(_("influence"), max_length=10, choices=Influence.choices)
    interests = models.TextField(_("interests and demands"), blank=True)
    motives = models.TextField(_("motives"), blank=True)
    backbone = models.BooleanField(_("trusted backbone"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        verbose_name = _("people note")
        verbose_name_plural = _("people notes")
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, contact__isnull=True)
                | Q(person__isnull=True, contact__isnull=False),
                name="personnote_person_or_contact",
                violation_error_message=_("A note is on one person or one contact."),
            ),
        ]

    def __str__(self):
        return f"{self.person or self.contact} · {self.recorded_at:%Y-%m-%d}"

    def scope_code(self) -> str:
        """The person's area; for a contact, the writing team's area the note was given."""
        if self.person_id:
            return self.person.area_code
        return self.area_code


class Problem(VillageScoped):
    title = models.CharField(_("problem"), max_length=200)
    description = models.TextField(_("details"), blank=True)
    raised_by = models.CharField(_("raised by"), max_length=100, blank=True)
    visit = models.ForeignKey(
        Visit,
        verbose_name=_("from visit"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="problems",
    )
    households = models.ManyToManyField(
        Household, verbose_name=_("households concerned"), blank=True, related_name="problems"
    )
    persons = models.ManyToManyField(
        Person, verbose_name=_("persons concerned"), blank=True, related_name="problems"
    )
    category = models.CharField(_("category"), max_length=20, choices=ProblemCategory.choices)
    subjective_causes = models.TextField(_("subjective causes"), blank=True)
    objective_causes = models.TextField(_("objective causes"), blank=True)
    urgency = models.CharField(
        _("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL
    )
    solvable = models.CharField(
        _("can it be solved locally?"),
        max_length=10,
        choices=Solvable.choices,
        default=Solvable.LOCALLY,
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    due_on = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ProblemStatus.choices, default=ProblemStatus.NEW
    )
    referred_to = models.CharField(_("referred to"), max_length=200, blank=True)
    referral_answer = models.TextField(_("answer to the referral"), blank=True)
    resolution = models.TextField(_("what was done"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    version = VersionField()
    history = HistoricalRecords(excluded_fields=["area_code", "created_at"])

    class Meta:
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="referred") | ~Q(referred_to=""),
                name="problem_referral_names_body",
                violation_error_message=_("Say to whom the problem is referred."),
            ),
        ]
        indexes = [models.Index(fields=["area_code", "status"], name="problem_area_status")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("fieldwork:problem-detail", args=[self.pk])

    @property
    def is_overdue(self) -> bool:
        return bool(
            self.due_on
            and self.status != ProblemStatus.SOLVED
            and self.due_on < timezone.localdate()
        )


class SentKey(models.Model):
    """What a key made on the caller's side made (a visit, a problem or a diary day): the API's
    `Idempotency-Key`, or the `offline_key` a page's form carries (`static/js/offline.js`). A
    retry with the same key gets that record, through the API or the web form alike.
    `fingerprint` is the SHA-256 of what the API's first sending asked, so that the key sent again
    with another request is refused rather than answered with a record it did not ask for; a key
    the web form recorded has none, its form's fields not being the API's body."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    fingerprint = models.CharField(max_length=64, blank=True)
    visit = models.ForeignKey(
        Visit, on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    problem = models.ForeignKey(
        Problem, on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    diary_day = models.ForeignKey(
        DiaryDay, on_delete=models.CASCADE, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        # Made by the API app first (api/0002), moved here to be written by the web forms too.
        db_table = "api_sentkey"
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="sentkey_user_key_unique"),
            models.CheckConstraint(
                condition=Q(visit__isnull=False, problem__isnull=True, diary_day__isnull=True)
                | Q(visit__isnull=True, problem__isnull=False, diary_day__isnull=True)
                | Q(visit__isnull=True, problem__isnull=True, diary_day__isnull=False),
                name="sentkey_one_record",
            ),
        ]

    def __str__(self):
        return self.key

    @property
    def record(self):
        return self.visit or self.problem or self.diary_day
