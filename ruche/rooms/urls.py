from django.urls import path

from ruche.rooms import views

app_name = "rooms"
urlpatterns = [
    path("rooms/<id:pk>/", views.detail, name="detail"),
    path("rooms/<id:pk>/join/", views.join, name="join"),
    path("rooms/<id:pk>/end/", views.end, name="end"),
    path("communities/<slug:slug>/rooms/new/", views.start_in_community, name="start_in_community"),
    path("posts/<id:pk>/room/", views.start_from_post, name="start_from_post"),
]
