from django.urls import path

from villagedesk.fieldwork import views

app_name = "fieldwork"
urlpatterns = [
    path("visits/", views.visit_list, name="visit-list"),
    path("visits/new/", views.visit_create, name="visit-create"),
    path("visits/people/", views.visit_people, name="visit-people"),
    path("visits/<id:pk>/", views.visit_detail, name="visit-detail"),
    path("visits/<id:pk>/photo/", views.visit_photo, name="visit-photo"),
    path("visits/<id:pk>/done/", views.visit_follow_up_done, name="visit-done"),
    path("households/<id:pk>/visits/", views.household_visits, name="household-visits"),
    path("coverage/", views.coverage, name="coverage"),
    path("problems/", views.problem_list, name="problem-list"),
    path("problems/new/", views.problem_create, name="problem-create"),
    path("problems/<id:pk>/", views.problem_detail, name="problem-detail"),
    path("problems/<id:pk>/edit/", views.problem_edit, name="problem-edit"),
    path("problems/<id:pk>/move/", views.problem_move, name="problem-move"),
    path("problems/<id:pk>/answer/", views.problem_answer, name="problem-answer"),
    path("persons/<id:pk>/key-groups/", views.person_groups, name="person-groups"),
    path("persons/<id:pk>/notes/", views.person_notes, name="person-notes"),
    path("contacts/<id:pk>/notes/", views.contact_notes, name="contact-notes"),
    path(
        "contacts/<id:pk>/notes/summary/",
        views.contact_notes_summary,
        name="contact-notes-summary",
    ),
    path("diary/", views.diary_month, name="diary"),
    path("diary/<str:day>/", views.diary_edit, name="diary-edit"),
    path("diary-photos/<id:pk>/", views.diary_photo, name="diary-photo"),
    path("attendance/", views.attendance, name="attendance"),
    path("attendance/export.xlsx", views.attendance_export, name="attendance-export"),
    path("attendance/<id:member_id>/", views.member_diary, name="member-diary"),
]
