from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "villagedesk.accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from villagedesk.accounts import checks  # noqa: F401 (registers the system checks)


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin, on the site whose login is the application's (sites.AdminSite)."""

    default = False  # named in INSTALLED_APPS in place of django.contrib.admin
    default_site = "villagedesk.accounts.sites.AdminSite"
