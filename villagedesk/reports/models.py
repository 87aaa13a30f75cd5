"""Report documents asked for by a user and written by the background worker; and what the
supervisors' roll-ups keep: each village's figures in a county's stored figures
(`welfare.figures`, of kind `rollup`), and each village's figures month by month."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from villagedesk.areas.models import Area
from villagedesk.welfare.models import CountyFigures


class ReportKind(models.TextChoices):
    MEMBER_MONTH = "member_month", _("A team member's monthly work record")
    VILLAGE_MONTH = "village_month", _("The village's monthly report")
    VILLAGE_QUARTER = "village_quarter", _("The village's quarterly report")
    TOWNSHIP_MONTH = "township_month", _("The township's monthly summary")


class ReportJob(models.Model):
    """One report asked for: its kind, area, period, team member and language; written in the
    background with progress, then downloaded by the user who asked (and no one else)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("being written")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("report"), max_length=20, choices=ReportKind.choices)
    area = models.ForeignKey(
        Area, verbose_name=_("area"), on_delete=models.PROTECT, related_name="+"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("team member"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    since = models.DateField(_("from"))
    until = models.DateField(_("to"))
    language = models.CharField(max_length=10)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveSmallIntegerField(default=0)
    total = models.PositiveSmallIntegerField(default=0)
    file = models.FileField(upload_to="reports/%Y/%m/", blank=True)
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(until__gte=models.F("since")), name="report_job_period_ordered"
            ),
            models.CheckConstraint(
                condition=Q(kind=ReportKind.MEMBER_MONTH, member__isnull=False)
                | (~Q(kind=ReportKind.MEMBER_MONTH) & Q(member__isnull=True)),
                name="report_job_member_only_for_a_work_record",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.area} {self.since:%Y-%m}"

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.FAILED}

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0

    def filename(self) -> str:
        period = f"{self.since:%Y-%m}"
        if self.kind == ReportKind.VILLAGE_QUARTER:
            period = f"{self.since.year}-Q{(self.since.month - 1) // 3 + 1}"
        who = f"-{self.member.username}" if self.member_id else ""
        return f"{self.kind}-{self.area.code}{who}-{period}.docx"


class VillageFigures(models.Model):
    """The figures every roll-up shows of a village, as one county's data stood (`reports.rollups`):
    the fields are the same in `VillageFigure` and `VillageMonth`."""

    village_code = models.CharField(max_length=12)
    households = models.PositiveIntegerField(default=0)
    persons = models.PositiveIntegerField(default=0)
    # Households met at a visit in the coverage period (`rollups.COVERAGE_DAYS` to the day).
    visited = models.PositiveIntegerField(default=0)
    open_problems = models.PositiveIntegerField(default=0)
    # Gap-report lines of the year over every policy whose rule can be evaluated.
    gap_lines = models.PositiveIntegerField(default=0)
    # Monitoring cases that ran during the year.
    monitored = models.PositiveIntegerField(default=0)
    # The playbook's measures: [step, key, numerator, denominator or null] each.
    measures = models.JSONField(default=list)

    class Meta:
        abstract = True


class VillageFigure(VillageFigures):
    """One village's row in a county's stored roll-up figures."""

    figures = models.ForeignKey(CountyFigures, on_delete=models.CASCADE, related_name="rollups")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["figures", "village_code"], name="village_figure_unique"
            )
        ]

    def __str__(self):
        return f"{self.figures} {self.village_code}"


class VillageMonth(VillageFigures):
    """A village's figures in a month, as the last refresh of that month counted them: the
    trend of a roll-up is read from these, one row per village and month."""

    month = models.DateField(_("month"))  # its first day
    counted_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["village_code", "month"], name="village_month_unique")
        ]

    def __str__(self):
        return f"{self.village_code} {self.month:%Y-%m}"
