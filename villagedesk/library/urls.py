from django.urls import path

from villagedesk.library import views

app_name = "library"

urlpatterns = [
    path("", views.article_list, name="article-list"),
    path("new/", views.article_create, name="article-create"),
    path("<id:pk>/", views.article_detail, name="article-detail"),
    path("<id:pk>/edit/", views.article_edit, name="article-edit"),
    path("<id:pk>/attach/", views.attachment_add, name="attachment-add"),
    path("files/<id:pk>/", views.attachment_download, name="attachment-download"),
]
