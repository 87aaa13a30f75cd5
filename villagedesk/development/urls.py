from django.urls import path

from villagedesk.development import views

app_name = "development"

urlpatterns = [
    path("", views.help_list, name="help-list"),
    path("consultations/new/", views.consultation_create, name="consultation-create"),
    path("requests/new/", views.request_create, name="request-create"),
    path("requests/<id:pk>/", views.request_edit, name="request-edit"),
    path("problems/<id:pk>/requests/", views.problem_requests, name="problem-requests"),
]
