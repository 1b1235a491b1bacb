from django.urls import path

from ruche.analytics import views

app_name = "analytics"

urlpatterns = [
    path("analytics/", views.dashboard, name="dashboard"),
    path("analytics/export/<str:key>.csv", views.export, name="export"),
    path("analytics/remind/", views.remind, name="remind"),
    path("analytics/me/", views.mine, name="mine"),
]
