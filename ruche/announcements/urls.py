from django.urls import path

from ruche.announcements import views

app_name = "announcements"
urlpatterns = [
    path("announcements/", views.index, name="index"),
    path("announcements/new/", views.create, name="create"),
    path("announcements/<id:pk>/", views.detail, name="detail"),
    path("announcements/<id:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("announcements/<id:pk>/dismiss/", views.dismiss, name="dismiss"),
    path("announcements/<id:pk>/remind/", views.remind, name="remind"),
]
