from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "villagedesk.audit"
    verbose_name = _("Audit")

    def ready(self):
        from villagedesk.audit import checks, receivers  # noqa: F401  (registers both)
