"""System checks of the authentication settings."""

from django.conf import settings
from django.core.checks import Error, register

from villagedesk.accounts.models import Role


@register()
def otp_required_roles_exist(app_configs, **kwargs):
    unknown = sorted(set(settings.OTP_REQUIRED_ROLES) - set(Role.values))
    if not unknown:
        return []
    return [
        Error(
            f"OTP_REQUIRED_ROLES names unknown roles: {', '.join(unknown)}",
            hint=f"Use some of: {', '.join(Role.values)}.",
            id="accounts.E001",
        )
    ]
