from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate
from django.utils.translation import gettext_lazy as _


class WelfareConfig(AppConfig):
    name = "villagedesk.welfare"
    verbose_name = _("Welfare")

    def ready(self):
        from villagedesk.welfare.income_sql import create_view, drop_view

        # Around every migrate, for this app only (the signals are sent once per app).
        pre_migrate.connect(drop_view, sender=self, dispatch_uid="welfare_income_view_drop")
        post_migrate.connect(create_view, sender=self, dispatch_uid="welfare_income_view_create")
