from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "villagedesk.reports"
    verbose_name = _("Reports")

    def ready(self):
        from villagedesk.reports.rollups import KIND
        from villagedesk.welfare.figures import kind_add
        from villagedesk.welfare.models import FiguresKind

        # The roll-ups' figures are kept, refreshed by the worker and read with welfare's.
        kind_add(FiguresKind.ROLLUP, KIND)
