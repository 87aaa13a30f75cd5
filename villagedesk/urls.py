from django.contrib import admin
from django.urls import include, path, register_converter

from villagedesk.core.converters import IdConverter

register_converter(IdConverter, "id")

urlpatterns = [
    path("", include("villagedesk.reports.urls")),
    path("accounts/", include("villagedesk.accounts.urls")),
    path("registry/", include("villagedesk.registry.urls")),
    path("welfare/", include("villagedesk.welfare.urls")),
    path("fieldwork/", include("villagedesk.fieldwork.urls")),
    path("organisation/", include("villagedesk.organisation.urls")),
    path("directory/", include("villagedesk.directory.urls")),
    path("help/", include("villagedesk.development.urls")),
    path("decisions/", include("villagedesk.governance.urls")),
    path("projects/", include("villagedesk.projects.urls")),
    path("economy/", include("villagedesk.economy.urls")),
    path("admin/", admin.site.urls),
]
