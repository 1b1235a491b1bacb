from django.urls import path

from ruche.realtime import views

app_name = "realtime"
urlpatterns = [
    path("events/", views.stream, name="stream"),
]
