from django.urls import path, re_path

from villagedesk.registry import import_views, views
from villagedesk.registry.models import PERSONAL_NUMBERS

app_name = "registry"
urlpatterns = [
    path("households/", views.household_list, name="household-list"),
    path("households/new/", views.household_create, name="household-create"),
    path("households/<id:pk>/", views.household_detail, name="household-detail"),
    path("households/<id:pk>/edit/", views.household_edit, name="household-edit"),
    path("households/<id:household_pk>/members/new/", views.person_create, name="person-create"),
    path("persons/<id:pk>/edit/", views.person_edit, name="person-edit"),
    path(
        "households/<id:household_pk>/supporters/new/",
        views.supporter_create,
        name="supporter-create",
    ),
    path("supporters/<id:pk>/edit/", views.supporter_edit, name="supporter-edit"),
    path("supporters/<id:pk>/delete/", views.supporter_delete, name="supporter-delete"),
    re_path(
        # Up to 18 digits: any such id fits the 64-bit ids of every database.
        rf"^persons/(?P<pk>[0-9]{{1,18}})/reveal/(?P<field>{'|'.join(PERSONAL_NUMBERS)})/$",
        views.person_reveal,
        name="person-reveal",
    ),
    path("imports/", import_views.import_start, name="import-start"),
    path("imports/template/", import_views.import_template, name="import-template"),
    path("ledgers/", import_views.ledger_export, name="ledger-export"),
    path("imports/<id:pk>/", import_views.import_detail, name="import-detail"),
    path("imports/<id:pk>/columns/", import_views.import_remap, name="import-remap"),
    path("imports/<id:pk>/load/", import_views.import_load, name="import-load"),
    path("imports/<id:pk>/progress/", import_views.import_progress, name="import-progress"),
    path("imports/<id:pk>/cancel/", import_views.import_cancel, name="import-cancel"),
    path("imports/<id:pk>/report/", import_views.import_report, name="import-report"),
]
