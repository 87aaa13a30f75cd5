"""Help from outside the village: consultations with those above, and requests for support."""

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from villagedesk.core.codelists import bi
from villagedesk.core.concurrency import VersionField
from villagedesk.core.scoping import VillageScoped
from villagedesk.directory.models import Contact, Organisation
from villagedesk.fieldwork.models import Problem


class Consultation(VillageScoped):
    """A meeting with a leader, a department or the home unit: what was asked and promised."""

    held_on = models.DateField(_("date"), default=timezone.localdate)
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("with whom"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultations",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="consultations",
    )
    asked = models.TextField(_("what was asked"))
    promised = models.TextField(_("what was promised"), blank=True)

    # The scope code is the village's, which the history keeps.
    history = HistoricalRecords(excluded_fields=["area_code"])

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"{self.held_on} · {self.contact or self.organisation or ''}"

    def get_absolute_url(self):
        return reverse("development:help-list") + f"?village={self.area_code}#c{self.pk}"

    def clean(self):
        super().clean()
        if not self.contact_id and not self.organisation_id:
            raise ValidationError(_("Say whom the team consulted: a person or an organisation."))


class SupportKind(models.TextChoices):
    FUNDS = "funds", bi("资金", "Funds")
    PROJECT = "project", bi("项目", "Project")
    POLICY = "policy", bi("政策", "Policy")
    EXPERTISE = "expertise", bi("技术人才", "Expertise")


class RequestStatus(models.TextChoices):
    DRAFT = "draft", bi("拟提出", "Being prepared")
    SUBMITTED = "submitted", bi("已提出", "Submitted")
    GRANTED = "granted", bi("已落实", "Granted")
    PARTLY = "partly", bi("部分落实", "Partly granted")
    REFUSED = "refused", bi("未获支持", "Refused")


class SupportRequest(VillageScoped):
    """A request for funds, a project, a policy or expertise, and what came of it."""

    title = models.CharField(_("what is asked"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=SupportKind.choices)
    body = models.ForeignKey(
        Organisation,
        verbose_name=_("body asked"),
        on_delete=models.PROTECT,
        related_name="support_requests",
    )
    amount = models.DecimalField(
        _("amount (yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    asked_on = models.DateField(_("date asked"), default=timezone.localdate)
    status = models.CharField(
        _("status"), max_length=20, choices=RequestStatus.choices, default=RequestStatus.DRAFT
    )
    outcome = models.TextField(_("outcome"), blank=True)
    # One request often answers several problems of its village (a water project answers the
    # broken pipe and the dry fields); the service refuses problems of another village.
    problems = models.ManyToManyField(
        Problem,
        verbose_name=_("problems it answers"),
        blank=True,
        related_name="support_requests",
    )

    version = VersionField()
    history = HistoricalRecords(excluded_fields=["area_code"])

    class Meta:
        verbose_name = _("request for support")
        verbose_name_plural = _("requests for support")
        ordering = ["-asked_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="request_amount_positive"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("development:request-edit", args=[self.pk])
