from django.urls import path

from ruche.integrations import incoming, views

app_name = "integrations"
urlpatterns = [
    path("communities/<slug:slug>/integrations/", views.integrations, name="list"),
    path("communities/<slug:slug>/integrations/<id:pk>/regenerate/", views.regenerate, name="regenerate"),
    path("communities/<slug:slug>/integrations/<id:pk>/edit/", views.edit, name="edit"),
    path("communities/<slug:slug>/integrations/<id:pk>/pause/", views.pause, name="pause"),
    path("communities/<slug:slug>/integrations/<id:pk>/delete/", views.delete, name="delete"),
    path("hooks/in/<str:public_id>/", incoming.incoming, name="incoming"),
    path("hooks/in/<str:public_id>/<str:secret>/", incoming.incoming, name="incoming_secret"),
]
