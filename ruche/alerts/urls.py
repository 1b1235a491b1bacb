from django.urls import path

from ruche.alerts import views

app_name = "alerts"
urlpatterns = [
    path("alerts/", views.alerts, name="list"),
    path("alerts/<id:pk>/delete/", views.delete, name="delete"),
]
