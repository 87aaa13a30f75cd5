from django.urls import path

from villagedesk.playbook import views

app_name = "playbook"
urlpatterns = [
    path("", views.index, name="index"),
    path("<str:code>/", views.village, name="village"),
    path("<str:code>/first-100-days/", views.first_100_days, name="first-100-days"),
]
