"""Village decisions: meetings and their votes, matters carried through 四议两公开, the tasks
that resolutions give, briefings, and the notices of open village affairs (村务公开)."""

import datetime
from fractions import Fraction

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from villagedesk.core.codelists import bi
from villagedesk.core.concurrency import VersionField
from villagedesk.core.scoping import VillageScoped
from villagedesk.governance.disclosure import personal_data_found
from villagedesk.governance.rules import LAW, Base, Body, Rule, Share, at_least_as_strict


class MeetingKind(models.TextChoices):
    TWO_COMMITTEE = "two_committee", bi("村两委会议", "Two-committee meeting")
    PARTY_MEMBERS = "party_members", bi("党员大会", "Party members' meeting")
    VILLAGERS = "villagers", bi("村民会议", "Villagers' meeting")
    REPRESENTATIVES = "representatives", bi("村民代表会议", "Villagers' representatives' meeting")
    VILLAGE_GROUP = "village_group", bi("村民小组会议", "Village group meeting")
    SUPERVISION = "supervision", bi("村务监督委员会会议", "Supervision committee meeting")
    BRANCH_COMMITTEE = "branch_committee", bi("支部委员会", "Party branch committee")
    PARTY_GROUP = "party_group", bi("党小组会", "Party group meeting")
    PARTY_CLASS = "party_class", bi("党课", "Party class")
    PARTY_DAY = "party_day", bi("主题党日", "Themed Party day")


# The meetings of the Party branch: its members' meetings, the 三会一课 and themed Party days.
PARTY_KINDS = frozenset(
    {
        MeetingKind.PARTY_MEMBERS,
        MeetingKind.BRANCH_COMMITTEE,
        MeetingKind.PARTY_GROUP,
        MeetingKind.PARTY_CLASS,
        MeetingKind.PARTY_DAY,
    }
)
# Those the whole branch is due at, so that the roster on the day says who was due. A branch
# committee or a Party group meets with its own members, whom the roster does not name: there
# the members recorded present are the ones counted due.
WHOLE_BRANCH_KINDS = frozenset(
    {MeetingKind.PARTY_MEMBERS, MeetingKind.PARTY_CLASS, MeetingKind.PARTY_DAY}
)

# The body whose quorum and majority a meeting of each kind keeps (rules.LAW).
BODY_OF_KIND = {
    MeetingKind.PARTY_MEMBERS: Body.PARTY_MEMBERS,
    MeetingKind.VILLAGERS: Body.VILLAGERS,
    MeetingKind.REPRESENTATIVES: Body.REPRESENTATIVES,
    MeetingKind.VILLAGE_GROUP: Body.VILLAGE_GROUP,
}
ONE_MATTER_BODY = {
    MeetingKind.VILLAGERS: Body.ONE_MATTER_VILLAGERS,
    MeetingKind.REPRESENTATIVES: Body.ONE_MATTER_REPRESENTATIVES,
}


class BodyChoice(models.TextChoices):
    PARTY_MEMBERS = Body.PARTY_MEMBERS.value, bi("党员大会", "Party members' meeting")
    VILLAGERS = Body.VILLAGERS.value, bi("村民会议", "Villagers' meeting")
    REPRESENTATIVES = Body.REPRESENTATIVES.value, bi("村民代表会议", "Representatives' meeting")
    VILLAGE_GROUP = Body.VILLAGE_GROUP.value, bi("村民小组会议", "Village group meeting")
    ONE_MATTER_VILLAGERS = (
        Body.ONE_MATTER_VILLAGERS.value,
        bi("一事一议（村民会议）", "One matter, one discussion (villagers' meeting)"),
    )
    ONE_MATTER_REPRESENTATIVES = (
        Body.ONE_MATTER_REPRESENTATIVES.value,
        bi("一事一议（村民代表会议）", "One matter, one discussion (representatives' meeting)"),
    )
    OTHER = Body.OTHER.value, bi("其他会议", "Other meetings")


class LocalRule(models.Model):
    """A province's or county's quorum and majority for one body, stricter than the law's; the
    rule of the narrowest area covering a village applies there."""

    area = models.ForeignKey(
        "areas.Area", verbose_name=_("area"), on_delete=models.CASCADE, related_name="+"
    )
    body = models.CharField(_("meeting"), max_length=40, choices=BodyChoice.choices)
    quorum_numerator = models.PositiveSmallIntegerField(_("quorum: numerator"))
    quorum_denominator = models.PositiveSmallIntegerField(
        _("quorum: denominator"), validators=[MinValueValidator(1)]
    )
    quorum_more_than = models.BooleanField(_("quorum: more than (not at least)"), default=False)
    majority_numerator = models.PositiveSmallIntegerField(_("majority: numerator"))
    majority_denominator = models.PositiveSmallIntegerField(
        _("majority: denominator"), validators=[MinValueValidator(1)]
    )
    majority_more_than = models.BooleanField(_("majority: more than (not at least)"), default=True)
    majority_of_all = models.BooleanField(
        _("majority of all those due (not of those present)"), default=False
    )

    class Meta:
        verbose_name = _("local meeting rule")
        verbose_name_plural = _("local meeting rules")
        constraints = [
            models.UniqueConstraint(fields=["area", "body"], name="local_rule_unique"),
            models.CheckConstraint(
                condition=Q(quorum_denominator__gte=1, majority_denominator__gte=1),
                name="local_rule_denominators_positive",
            ),
        ]

    def __str__(self):
        return f"{self.area} · {self.get_body_display()}"

    def clean(self):
        super().clean()
        if self.body and self.quorum_denominator and self.majority_denominator:
            if not at_least_as_strict(self.rule(), LAW[Body(self.body)]):
                raise ValidationError(_("A local rule may be stricter than the law, never looser."))

    def rule(self) -> Rule:
        law = LAW[Body(self.body)]
        return Rule(
            clause=f"{law.clause} · {self.area.name}".strip(" ·"),
            quorum=Share(
                Fraction(self.quorum_numerator, self.quorum_denominator), self.quorum_more_than
            ),
            households=law.households,
            majority=Share(
                Fraction(self.majority_numerator, self.majority_denominator),
                self.majority_more_than,
            ),
            majority_of=Base.DUE if self.majority_of_all else Base.PRESENT,
        )


class Meeting(VillageScoped):
    """A meeting of a village body: who was due and who came, and whether it had its quorum."""

    kind = models.CharField(_("kind"), max_length=30, choices=MeetingKind.choices)
    held_on = models.DateField(_("date"), default=timezone.localdate)
    place = models.CharField(_("place"), max_length=100, blank=True)
    chair = models.CharField(_("chair"), max_length=50)
    recorder = models.CharField(_("recorder"), max_length=50, blank=True)
    group = models.ForeignKey(
        "areas.VillageGroup",
        verbose_name=_("village group"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("For a village group meeting."),
    )
    due = models.PositiveIntegerField(
        _("due to attend"),
        validators=[MinValueValidator(1)],
        help_text=_(
            "Members, villagers aged 18 and over, or representatives. A Party members' meeting "
            "counts full members only: probationary members do not vote."
        ),
    )
    present = models.PositiveIntegerField(_("present"))
    households = models.PositiveIntegerField(
        _("households"),
        null=True,
        blank=True,
        help_text=_("Villagers' or village group meeting: households of the village or group."),
    )
    households_present = models.PositiveIntegerField(
        _("households represented"), null=True, blank=True
    )
    persons = models.ManyToManyField(
        "registry.Person", verbose_name=_("attendees from the register"), blank=True
    )
    contacts = models.ManyToManyField(
        "directory.Contact", verbose_name=_("attendees from the directory"), blank=True
    )
    party_members = models.ManyToManyField(
        "organisation.PartyMember",
        verbose_name=_("Party members present"),
        blank=True,
        related_name="+",
        help_text=_(
            "At a meeting of the whole branch, those due come from the Party roster on the day, "
            "and the members ticked here are those present."
        ),
    )
    others = models.TextField(
        _("other attendees"), blank=True, help_text=_("Names, separated by commas.")
    )
    notes = models.TextField(_("notes"), blank=True)
    # Set by the service from the rule in force on the day: what the meeting was held under.
    quorate = models.BooleanField(_("quorum reached"), default=False, editable=False)
    clause = models.CharField(_("rule"), max_length=120, blank=True, editable=False)

    version = VersionField()
    history = HistoricalRecords(excluded_fields=["area_code"])

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["-held_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(present__lte=F("due")), name="meeting_present_at_most_due"
            ),
            models.CheckConstraint(
                condition=Q(households_present__isnull=True)
                | Q(households__isnull=False, households_present__lte=F("households")),
                name="meeting_households_present_at_most_households",
            ),
        ]
        indexes = [models.Index(fields=["area_code", "held_on"])]

    def __str__(self):
        return f"{self.held_on} {self.get_kind_display()}"

    def get_absolute_url(self):
        return reverse("governance:meeting-detail", args=[self.pk])

    def clean(self):
        super().clean()
        errors = {}
        if self.present is not None and self.due is not None and self.present > self.due:
            errors["present"] = _("More are present than were due to attend.")
        if self.households_present is not None:
            if self.households is None:
                errors["households"] = _("Give the households, to count those represented.")
            elif self.households_present > self.households:
                errors["households_present"] = _("More households are represented than exist.")
        if self.kind == MeetingKind.VILLAGE_GROUP and not self.group_id:
            errors["group"] = _("Choose the village group that met.")
        if self.group_id and self.village_id and self.group.village_id != self.village_id:
            errors["group"] = _("Choose a group of the meeting's village.")
        if errors:
            raise ValidationError(errors)


class ItemResult(models.TextChoices):
    PASSED = "passed", bi("通过", "Passed")
    FAILED = "failed", bi("未通过", "Failed")
    DISCUSSED = "discussed", bi("未表决", "Discussed, no vote")


class AgendaItem(models.Model):
    """One item of a meeting: its minutes, and the vote if one was taken."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="items"
    )
    number = models.PositiveSmallIntegerField(_("item"), default=1)
    title = models.CharField(_("subject"), max_length=200)
    minutes = models.TextField(_("minutes"), blank=True)
    one_matter = models.BooleanField(
        _("one matter, one discussion (fund and labour raising)"),
        default=False,
        help_text=_("Decided under the rule of 一事一议."),
    )
    votes_for = models.PositiveIntegerField(_("for"), null=True, blank=True)
    votes_against = models.PositiveIntegerField(_("against"), null=True, blank=True)
    votes_abstain = models.PositiveIntegerField(_("abstaining"), null=True, blank=True)
    # Set by the service from the meeting's rule.
    result = models.CharField(
        _("result"),
        max_length=20,
        choices=ItemResult.choices,
        default=ItemResult.DISCUSSED,
        editable=False,
    )

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "number", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(votes_for__isnull=True, votes_against__isnull=True)
                | Q(votes_for__isnull=False, votes_against__isnull=False),
                name="item_votes_complete",
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def get_absolute_url(self):
        return f"{self.meeting.get_absolute_url()}#item{self.pk}"

    @property
    def voted(self) -> bool:
        return self.votes_for is not None

    @property
    def passed(self) -> bool:
        return self.result == ItemResult.PASSED

    def clean(self):
        super().clean()
        if (self.votes_for is None) != (self.votes_against is None):
            raise ValidationError(_("Give the votes for and against, or neither."))
        if self.votes_for is None and self.votes_abstain is not None:
            raise ValidationError(_("Give the votes for and against, or neither."))
        if self.voted and self.meeting_id:
            cast = self.votes_for + self.votes_against + (self.votes_abstain or 0)
            if cast > self.meeting.present:
                raise ValidationError(
                    _("%(cast)s votes, but only %(present)s were present.")
                    % {"cast": cast, "present": self.meeting.present}
                )
        if self.one_matter and self.meeting_id and self.meeting.kind not in ONE_MATTER_BODY:
            raise ValidationError(
                {
                    "one_matter": _(
                        "One matter, one discussion is decided by the villagers' or the "
                        "representatives' meeting."
                    )
                }
            )


class PhotoKind(models.TextChoices):
    SIGN_IN = "sign_in", bi("签到表", "Sign-in sheet")
    MINUTES = "minutes", bi("会议记录", "Minutes")
    SCENE = "scene", bi("会议现场", "The meeting")


class MeetingPhoto(models.Model):
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="photos"
    )
    kind = models.CharField(_("what it shows"), max_length=20, choices=PhotoKind.choices)
    image = models.ImageField(_("photo"), upload_to="meetings/%Y/%m/")

    class Meta:
        verbose_name = _("meeting photo")
        verbose_name_plural = _("meeting photos")

    def __str__(self):
        return self.image.name


class MatterKind(models.TextChoices):
    CHARTER = "charter", bi("村民自治章程、村规民约", "Village charter or rules")
    PLAN = "plan", bi("村发展规划", "Development plan")
    LAND = "land", bi("集体土地、林地发包租赁流转", "Contract or lease of collective land")
    ASSETS = "assets", bi("集体资产购置处置、借贷", "Collective assets or borrowing")
    PROJECT = "project", bi("集体项目", "Collective project")
    PUBLIC_WORKS = "public_works", bi("公益事业建设", "Public-welfare works")
    ONE_MATTER = "one_matter", bi("一事一议筹资筹劳", "One matter, one discussion")
    OTHER = "other", bi("其他事项", "Other matter")


# The kinds that must follow 四议两公开 (sources §8.3): every kind named there.
MUST_FOLLOW = frozenset(MatterKind) - {MatterKind.OTHER}


class Step(models.TextChoices):
    PROPOSAL = "proposal", bi("党组织提议", "Proposal by the Party branch")
    TWO_COMMITTEE = "two_committee", bi("两委会商议", "Two-committee discussion")
    PARTY_REVIEW = "party_review", bi("党员大会审议", "Party members' review")
    RESOLUTION = "resolution", bi("村民（代表）会议决议", "Villagers' resolution")
    RESOLUTION_PUBLIC = "resolution_public", bi("决议公开", "Resolution made public")
    RESULT_PUBLIC = "result_public", bi("实施结果公开", "Implementation result made public")


STEP_ORDER = list(Step)
# The meeting kinds where a step happens; a step not listed needs no meeting.
STEP_MEETINGS = {
    Step.TWO_COMMITTEE: {MeetingKind.TWO_COMMITTEE},
    Step.PARTY_REVIEW: {MeetingKind.PARTY_MEMBERS},
    Step.RESOLUTION: {MeetingKind.VILLAGERS, MeetingKind.REPRESENTATIVES},
}
PUBLIC_STEPS = {Step.RESOLUTION_PUBLIC, Step.RESULT_PUBLIC}


class Matter(VillageScoped):
    """A village matter and how far it has come through 四议两公开."""

    title = models.CharField(_("matter"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=MatterKind.choices)
    description = models.TextField(_("details"), blank=True)
    amount = models.DecimalField(
        _("amount (yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    # The last step done: set by the step service.
    step = models.CharField(
        _("last step"), max_length=20, choices=Step.choices, blank=True, editable=False
    )

    version = VersionField()
    history = HistoricalRecords(excluded_fields=["area_code"])

    class Meta:
        verbose_name = _("matter")
        verbose_name_plural = _("matters")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="matter_amount_positive"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("governance:matter-detail", args=[self.pk])

    @property
    def must_follow(self) -> bool:
        return self.kind in MUST_FOLLOW

    @property
    def next_step(self) -> Step | None:
        if not self.step:
            return STEP_ORDER[0]
        index = STEP_ORDER.index(Step(self.step)) + 1
        return STEP_ORDER[index] if index < len(STEP_ORDER) else None


class MatterStep(models.Model):
    """One step of a matter: when it was done, and the meeting item or notice that did it."""

    matter = models.ForeignKey(
        Matter, verbose_name=_("matter"), on_delete=models.CASCADE, related_name="steps"
    )
    step = models.CharField(_("step"), max_length=20, choices=Step.choices)
    done_on = models.DateField(_("date"))
    item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("meeting item"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="steps",
    )
    notice = models.ForeignKey(
        "PublicNotice",
        verbose_name=_("public notice"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="steps",
    )
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["done_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["matter", "step"], name="matter_step_once"),
        ]

    def __str__(self):
        return f"{self.matter} · {self.get_step_display()}"


class TaskStatus(models.TextChoices):
    OPEN = "open", bi("未开始", "Not started")
    IN_PROGRESS = "in_progress", bi("进行中", "In progress")
    DONE = "done", bi("已完成", "Done")
    DROPPED = "dropped", bi("已取消", "Dropped")


OPEN_TASK_STATUSES = (TaskStatus.OPEN, TaskStatus.IN_PROGRESS)


class Task(VillageScoped):
    """Work a resolution gives to a named owner, by a date."""

    title = models.CharField(_("task"), max_length=200)
    item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("resolution"),
        on_delete=models.PROTECT,
        related_name="tasks",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner (team member)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="governance_tasks",
    )
    owner_name = models.CharField(
        _("owner (by name)"),
        max_length=50,
        blank=True,
        help_text=_("A two-committee member or group leader without a login."),
    )
    due_on = models.DateField(_("due"))
    status = models.CharField(
        _("status"), max_length=20, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    outcome = models.TextField(_("outcome"), blank=True)
    evidence = models.ImageField(_("evidence"), upload_to="tasks/%Y/%m/", blank=True)
    problem = models.ForeignKey(
        "fieldwork.Problem",
        verbose_name=_("problem it answers"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="governance_tasks",
    )

    version = VersionField()
    history = HistoricalRecords(excluded_fields=["area_code"])

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner__isnull=False) | ~Q(owner_name=""), name="task_has_owner"
            ),
        ]
        indexes = [models.Index(fields=["owner", "status", "due_on"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("governance:task-edit", args=[self.pk])

    @property
    def owner_shown(self) -> str:
        return str(self.owner) if self.owner_id else self.owner_name

    @property
    def overdue(self) -> bool:
        return self.status in OPEN_TASK_STATUSES and self.due_on < timezone.localdate()

    def clean(self):
        super().clean()
        if not self.owner_id and not self.owner_name.strip():
            raise ValidationError({"owner": _("Name who owns the task.")})


class Direction(models.TextChoices):
    UP = "up", bi("向上汇报", "Up, to the township")
    DOWN = "down", bi("向下传达", "Down, to the villagers")


class Channel(models.TextChoices):
    MEETING = "meeting", bi("会议", "Meeting")
    WRITTEN = "written", bi("书面报告", "Written report")
    NOTICE_BOARD = "notice_board", bi("公开栏", "Notice board")
    LOUDSPEAKER = "loudspeaker", bi("广播", "Loudspeaker")
    CHAT_GROUP = "chat_group", bi("微信群", "Chat group")
    DOOR_TO_DOOR = "door_to_door", bi("入户告知", "Door to door")
    PHONE = "phone", bi("电话", "Phone")


class Briefing(VillageScoped):
    """A matter reported up to the township or passed down to the villagers."""

    matter = models.ForeignKey(
        Matter, verbose_name=_("matter"), on_delete=models.CASCADE, related_name="briefings"
    )
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices)
    held_on = models.DateField(_("date"), default=timezone.localdate)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    summary = models.TextField(_("what was said"))

    class Meta:
        verbose_name = _("briefing")
        verbose_name_plural = _("briefings")
        ordering = ["held_on", "id"]

    def __str__(self):
        return f"{self.held_on} {self.get_direction_display()}"


class NoticeCategory(models.TextChoices):
    PARTY = "party", bi("党务公开", "Party affairs")
    VILLAGE = "village", bi("村务公开", "Village affairs")
    FINANCE = "finance", bi("财务公开", "Finances")


class PublicNotice(VillageScoped):
    """A notice posted on the village's board (村务公开). It never carries personal numbers or
    health details: `disclosure.personal_data_found` refuses them."""

    category = models.CharField(_("category"), max_length=20, choices=NoticeCategory.choices)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    posted_on = models.DateField(_("posted on"), default=timezone.localdate)
    place = models.CharField(_("posted at"), max_length=100)
    days = models.PositiveSmallIntegerField(
        _("days posted"), default=7, validators=[MinValueValidator(1)]
    )
    photo = models.ImageField(
        _("photo of the posted notice"), upload_to="notices/%Y/%m/", blank=True
    )
    matter = models.ForeignKey(
        Matter,
        verbose_name=_("matter"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notices",
    )

    version = VersionField()
    history = HistoricalRecords(excluded_fields=["area_code"])

    class Meta:
        verbose_name = _("public notice")
        verbose_name_plural = _("public notices")
        ordering = ["-posted_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(days__gte=1), name="notice_days_positive"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("governance:notice-print", args=[self.pk])

    @property
    def until(self) -> datetime.date:
        return self.posted_on + datetime.timedelta(days=self.days - 1)

    def clean(self):
        super().clean()
        errors = {}
        for field in ("title", "text"):
            found = personal_data_found(getattr(self, field) or "")
            if found:
                errors[field] = _(
                    "A public notice never carries %(what)s. Take it out and save again."
                ) % {"what": "、".join(str(f) for f in found)}
        if errors:
            raise ValidationError(errors)
