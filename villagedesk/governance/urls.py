from django.urls import path

from villagedesk.governance import views

app_name = "governance"

urlpatterns = [
    path("", views.rollup, name="rollup"),
    path("meetings/", views.meeting_list, name="meeting-list"),
    path("meetings/new/", views.meeting_create, name="meeting-create"),
    path("meetings/<id:pk>/", views.meeting_detail, name="meeting-detail"),
    path("meetings/<id:pk>/edit/", views.meeting_edit, name="meeting-edit"),
    path("meetings/<id:pk>/items/new/", views.item_create, name="item-create"),
    path("meetings/<id:pk>/photos/", views.photo_add, name="photo-add"),
    path("items/<id:pk>/edit/", views.item_edit, name="item-edit"),
    path("items/<id:pk>/tasks/new/", views.task_create, name="task-create"),
    path("photos/<id:pk>/", views.photo, name="photo"),
    path("matters/", views.matter_list, name="matter-list"),
    path("matters/new/", views.matter_create, name="matter-create"),
    path("matters/<id:pk>/", views.matter_detail, name="matter-detail"),
    path("matters/<id:pk>/edit/", views.matter_edit, name="matter-edit"),
    path("matters/<id:pk>/step/", views.matter_step, name="matter-step"),
    path("matters/<id:pk>/briefings/new/", views.briefing_create, name="briefing-create"),
    path("tasks/", views.task_list, name="task-list"),
    path("tasks/<id:pk>/edit/", views.task_edit, name="task-edit"),
    path("tasks/<id:pk>/evidence/", views.task_evidence, name="task-evidence"),
    path("problems/<id:pk>/tasks/", views.problem_tasks, name="problem-tasks"),
    path("notices/", views.notice_list, name="notice-list"),
    path("notices/new/", views.notice_create, name="notice-create"),
    path("notices/<id:pk>/edit/", views.notice_edit, name="notice-edit"),
    path("notices/<id:pk>/print/", views.notice_print, name="notice-print"),
    path("notices/<id:pk>/photo/", views.notice_photo, name="notice-photo"),
    path("party-attendance/", views.party_attendance, name="party-attendance"),
    path(
        "party-attendance/<id:pk>/",
        views.party_member_attendance,
        name="party-member-attendance",
    ),
    path("rules/", views.rule_list, name="rule-list"),
]
