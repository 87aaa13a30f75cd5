from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("villagedesk.reports.urls")),
    path("accounts/", include("villagedesk.accounts.urls")),
    path("registry/", include("villagedesk.registry.urls")),
    path("welfare/", include("villagedesk.welfare.urls")),
    path("fieldwork/", include("villagedesk.fieldwork.urls")),
    path("directory/", include("villagedesk.directory.urls")),
    path("help/", include("villagedesk.development.urls")),
    path("admin/", admin.site.urls),
]
