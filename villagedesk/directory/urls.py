from django.urls import path

from villagedesk.directory import views

app_name = "directory"

urlpatterns = [
    path("", views.contact_list, name="contact-list"),
    path("contacts/new/", views.contact_edit, name="contact-create"),
    path("contacts/import/", views.contact_import, name="contact-import"),
    path(
        "contacts/import/template.xlsx",
        views.contact_import_template,
        name="contact-import-template",
    ),
    path("contacts.xlsx", views.contact_export, {"fmt": "xlsx"}, name="contact-export-xlsx"),
    path("contacts.vcf", views.contact_export, {"fmt": "vcf"}, name="contact-export-vcf"),
    path("contacts/<id:pk>/", views.contact_detail, name="contact-detail"),
    path("contacts/<id:pk>/edit/", views.contact_edit, name="contact-edit"),
    path("contacts/<id:pk>/delete/", views.contact_delete, name="contact-delete"),
    path("contacts/<id:pk>/links/", views.link_create, name="link-create"),
    path("links/<id:pk>/delete/", views.link_delete, name="link-delete"),
    path("organisations/", views.organisation_list, name="organisation-list"),
    path("organisations/new/", views.organisation_edit, name="organisation-create"),
    path("organisations/<id:pk>/", views.organisation_detail, name="organisation-detail"),
    path("organisations/<id:pk>/edit/", views.organisation_edit, name="organisation-edit"),
    path("organisations/<id:pk>/positions/", views.position_create, name="position-create"),
    path("network/", views.network, name="network"),
    path("network/status/", views.network_status, name="network-status"),
    path("network/chart.json", views.network_chart, name="network-chart"),
    path("profile/", views.profile_index, name="profile-index"),
    path("profile/<str:code>/", views.profile, name="profile"),
    path("profile/<str:code>/points.json", views.profile_points, name="profile-points"),
    path("profile/<str:code>/points/new/", views.point_create, name="point-create"),
    path("profile/<str:code>/notes/new/", views.note_create, name="note-create"),
    path("points/<id:pk>/edit/", views.point_edit, name="point-edit"),
    path("points/<id:pk>/delete/", views.point_delete, name="point-delete"),
    path("points/<id:pk>/photo/", views.point_photo, name="point-photo"),
    path("notes/<id:pk>/edit/", views.note_edit, name="note-edit"),
]
