from django.urls import path

from villagedesk.reports import views, views_rollups

app_name = "reports"
urlpatterns = [
    path("", views.home, name="home"),
]

# The village at a glance, and reports as .docx.
from villagedesk.reports import views_documents, views_glance  # noqa: E402

urlpatterns += [
    path("reports/villages/<str:code>/", views_glance.village_glance, name="village-glance"),
    path("reports/documents/", views_documents.document_start, name="document-start"),
    path(
        "reports/documents/<id:pk>/",
        views_documents.document_progress,
        name="document-progress",
    ),
    path(
        "reports/documents/<id:pk>/download/",
        views_documents.document_download,
        name="document-download",
    ),
]

# Supervisors' roll-ups.
urlpatterns += [
    path("rollups/", views_rollups.rollup_index, name="rollup-index"),
    path("rollups/<str:code>/", views_rollups.rollup, name="rollup"),
    path("rollups/<str:code>/export/", views_rollups.rollup_export, name="rollup-export"),
]
