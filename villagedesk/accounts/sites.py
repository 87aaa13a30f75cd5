"""The admin site, logging in through the application's own login (throttled, second factor)."""

from django.contrib import admin
from django.urls import reverse

from villagedesk.accounts import second_factor
from villagedesk.accounts.views import login


class AdminSite(admin.AdminSite):
    def login(self, request, extra_context=None):
        # Django's own admin login checks passwords with no throttle and no second factor.
        return login(request, default_next=reverse("admin:index", current_app=self.name))

    def has_permission(self, request):
        """Staff who have also given the second factor their session owes, if any."""
        return super().has_permission(request) and second_factor.step_due(request) is None
