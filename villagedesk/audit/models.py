"""The audit log: one row per act that a county's data protection officer must be able to
account for (等保2.0 level 3 security audit, PIPL art. 51). Rows are only ever added."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    LOGIN = "login", _("login")
    LOGIN_FAILED = "login_failed", _("failed login")
    LOGOUT = "logout", _("logout")
    REVEAL = "reveal", _("reveal of a personal number")
    EXPORT = "export", _("export of personal data")
    PERMISSION_CHANGE = "permission_change", _("permission change")
    PERSONAL_DATA_WRITE = "personal_data_write", _("write of personal data")


class AuditEvent(models.Model):
    """One audited act. `hash` chains the row to the one before it (see `audit.chain`).

    The user is kept without a database constraint and with the username beside it, so that a
    user can be deleted while the events that name them stay as they were written.
    """

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    username = models.CharField(_("username"), max_length=150, blank=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, db_index=True)
    # The code of the area the act concerns (a village, or a county for a county's export). Not
    # `area_code`: that name belongs to the scoped rows' self-kept codes (`core.scoping`).
    area = models.CharField(_("area code"), max_length=12, blank=True, db_index=True)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=40, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    client_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    previous_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-id"]
        default_permissions = ["view"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} · {self.username} · {self.get_kind_display()}"
