from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PlaybookConfig(AppConfig):
    name = "villagedesk.playbook"
    verbose_name = _("The ten steps")
