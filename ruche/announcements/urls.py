from django.urls import path

from ruche.announcements import views

app_name = "announcements"
urlpatterns = [
    path("announcements/", views.index, name="index"),
    path("announcements/new/", views.create, name="create"),
    path("announcements/<int:pk>/", views.detail, name="detail"),
    path("announcements/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("announcements/<int:pk>/dismiss/", views.dismiss, name="dismiss"),
    path("announcements/<int:pk>/remind/", views.remind, name="remind"),
]
