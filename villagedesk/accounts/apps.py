from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "villagedesk.accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from villagedesk.accounts import checks  # noqa: F401 (registers the system checks)
        from villagedesk.accounts.middleware import stamp_session_at_login

        user_logged_in.connect(stamp_session_at_login, dispatch_uid="accounts_stamp_session")


class AdminConfig(admin_apps.AdminConfig):
    """Django's admin, on the site whose login is the application's (sites.AdminSite)."""

    default = False  # named in INSTALLED_APPS in place of django.contrib.admin
    default_site = "villagedesk.accounts.sites.AdminSite"
