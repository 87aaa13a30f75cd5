from django.urls import path

from villagedesk.organisation import views

app_name = "organisation"
urlpatterns = [
    path("party/", views.member_list, name="member-list"),
    path("party/new/", views.member_create, name="member-create"),
    path("party/<id:pk>/", views.member_detail, name="member-detail"),
    path("party/<id:pk>/edit/", views.member_edit, name="member-edit"),
    path("party/<id:pk>/advance/", views.member_advance, name="member-advance"),
    path("persons/", views.person_search, name="person-search"),
    path("groups/", views.group_list, name="group-list"),
    path("groups/new/", views.group_create, name="group-create"),
    path("groups/<id:pk>/", views.group_detail, name="group-detail"),
    path("groups/<id:pk>/edit/", views.group_edit, name="group-edit"),
    path("talents/", views.talent_list, name="talent-list"),
    path("talents/new/", views.talent_create, name="talent-create"),
    path("talents/<id:pk>/edit/", views.talent_edit, name="talent-edit"),
    path("talents/<id:pk>/remove/", views.talent_remove, name="talent-remove"),
    path("trainings/", views.training_list, name="training-list"),
    path("trainings/new/", views.training_create, name="training-create"),
    path("trainings/<id:pk>/", views.training_detail, name="training-detail"),
    path("trainings/<id:pk>/edit/", views.training_edit, name="training-edit"),
    path("trainings/<id:pk>/attendance.xlsx", views.training_export, name="training-export"),
    path("villages/", views.rollup, name="rollup"),
]
