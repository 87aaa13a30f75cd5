from django.urls import path

from villagedesk.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.login, name="login"),
    path("login/code/", views.second_factor_verify, name="second-factor-verify"),
    path("logout/", views.logout, name="logout"),
    path("password/", views.password_change, name="password-change"),
    path("second-factor/", views.second_factor_enrol, name="second-factor-enrol"),
    path("second-factor/remove/", views.second_factor_remove, name="second-factor-remove"),
    path("language/", views.language_set, name="language-set"),
    path("focus/", views.area_focus, name="area-focus"),
]
