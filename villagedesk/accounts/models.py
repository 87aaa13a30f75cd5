"""Users, their roles over areas, and failed logins."""

import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from villagedesk.areas.models import Area


class Role(models.TextChoices):
    CADRE = "cadre", _("Resident cadre")
    VILLAGE_COMMITTEE = "village_committee", _("Village committee member")
    TOWNSHIP_SUPERVISOR = "township_supervisor", _("Township supervisor")
    COUNTY_SUPERVISOR = "county_supervisor", _("County supervisor")
    ADMINISTRATOR = "administrator", _("Administrator")


def today_in_china() -> datetime.date:
    return timezone.localdate()


class User(AbstractUser):
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.display_name or self.username

    def current_assignments(self):
        """Assignments in force today, with their areas, by area code; cached on the instance
        per request.

        Every page reads them for its menu. A user has a handful of assignments over the years:
        reading them all and keeping those in force here costs half the CPU of having the query
        filter and order them, most of which goes to building that query (docs/performance.md,
        the fixed cost of a request).
        """
        if not hasattr(self, "_current_assignments"):
            on = today_in_china()
            every = Assignment.objects.filter(user_id=self.pk).select_related("area").order_by()
            self._current_assignments = sorted(
                (a for a in every if a.in_force_on(on)), key=lambda a: a.area.code
            )
        return self._current_assignments

    def assigned_prefixes(self, roles=None) -> list[str]:
        prefixes = {
            a.area.prefix for a in self.current_assignments() if roles is None or a.role in roles
        }
        # A prefix below another adds nothing: keep the widest ones only.
        return sorted(p for p in prefixes if not any(p != q and p.startswith(q) for q in prefixes))

    def area_prefixes(self) -> list[str]:
        """The prefixes of the areas this user sees now: all assigned, or the one in focus."""
        prefixes = self.assigned_prefixes()
        focus = getattr(self, "focus_prefix", None)
        if focus and any(focus.startswith(p) for p in prefixes):
            return [focus]
        return prefixes


class AssignmentQuerySet(models.QuerySet):
    def current(self, on: datetime.date | None = None):
        on = on or today_in_china()
        return self.filter(Q(starts_on__lte=on), Q(ends_on__isnull=True) | Q(ends_on__gte=on))


class Assignment(models.Model):
    """A user's role over one area for a period; the user sees that area and all below it."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="assignments"
    )
    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.PROTECT)
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    starts_on = models.DateField(_("starts on"), default=today_in_china)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["user", "area__code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="assignment_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.area}"

    def in_force_on(self, day: datetime.date) -> bool:
        """Whether the assignment holds on the day, as `AssignmentQuerySet.current` selects."""
        return self.starts_on <= day and (self.ends_on is None or self.ends_on >= day)

    def clean(self):
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("An assignment cannot end before it starts.")})


class LoginFailure(models.Model):
    """A login attempt that did not succeed, kept to throttle guessing by username and by address.

    An attempt is written before its password is checked (services.login_attempt_begin) and
    removed when it succeeds, so an attempt in progress already counts against the limit.
    """

    username = models.CharField(max_length=150, db_index=True)
    address = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("failed login")
        verbose_name_plural = _("failed logins")

    def __str__(self):
        return f"{self.username} @ {self.at:%Y-%m-%d %H:%M}"
