from django.urls import path

from ruche.sources import views

app_name = "sources"
urlpatterns = [
    path("communities/<slug:slug>/sources/", views.sources, name="list"),
    path("communities/<slug:slug>/sources/<id:pk>/pause/", views.pause, name="pause"),
    path("communities/<slug:slug>/sources/<id:pk>/remove/", views.remove, name="remove"),
]
