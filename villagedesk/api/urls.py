from django.urls import path

from villagedesk.api import views

app_name = "api"
urlpatterns = [
    path("", views.token_list, name="token-list"),
    path("<id:pk>/revoke/", views.token_revoke, name="token-revoke"),
]
