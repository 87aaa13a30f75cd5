from django.contrib import admin
from django.urls import include, path, register_converter

from villagedesk.api import v1 as api_v1
from villagedesk.core import offline
from villagedesk.core.converters import IdConverter

register_converter(IdConverter, "id")

urlpatterns = [
    path("sw.js", offline.service_worker, name="service-worker"),
    path("manifest.webmanifest", offline.manifest, name="manifest"),
    path("offline/", offline.offline_page, name="offline"),
    path("", include("villagedesk.reports.urls")),
    path("accounts/tokens/", include("villagedesk.api.urls")),
    path("accounts/", include("villagedesk.accounts.urls")),
    path("registry/", include("villagedesk.registry.urls")),
    path("welfare/", include("villagedesk.welfare.urls")),
    path("library/", include("villagedesk.library.urls")),
    path("fieldwork/", include("villagedesk.fieldwork.urls")),
    path("organisation/", include("villagedesk.organisation.urls")),
    path("directory/", include("villagedesk.directory.urls")),
    path("help/", include("villagedesk.development.urls")),
    path("decisions/", include("villagedesk.governance.urls")),
    path("projects/", include("villagedesk.projects.urls")),
    path("economy/", include("villagedesk.economy.urls")),
    path("playbook/", include("villagedesk.playbook.urls")),
    path("api/v1/", api_v1.urls()),
    path("admin/", admin.site.urls),
]
