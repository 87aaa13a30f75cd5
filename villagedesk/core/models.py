from django.db import models
from django.utils.translation import gettext_lazy as _


class SpentFormToken(models.Model):
    """A create form's one-time token, spent by the write it led to (see `core.concurrency`)."""

    token = models.CharField(_("token"), max_length=32, primary_key=True)
    spent_at = models.DateTimeField(_("spent at"), auto_now_add=True, db_index=True)
    leads_to = models.CharField(_("leads to"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("spent form token")
        verbose_name_plural = _("spent form tokens")

    def __str__(self):
        return self.token
