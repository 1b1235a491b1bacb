from django.urls import path

from ruche.files import views

app_name = "files"
urlpatterns = [
    path("files/", views.upload, name="upload"),
    path("files/<id:pk>/discard/", views.discard, name="discard"),
    path("manage/files/", views.manage, name="manage"),
]
