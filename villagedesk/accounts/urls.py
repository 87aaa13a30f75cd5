from django.urls import path

from villagedesk.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("language/", views.language_set, name="language-set"),
    path("focus/", views.area_focus, name="area-focus"),
]
