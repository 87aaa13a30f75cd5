from django.urls import path

app_name = "areas"
urlpatterns: list = []
