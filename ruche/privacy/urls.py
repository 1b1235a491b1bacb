from django.urls import path

from ruche.privacy import erasure_views, views

app_name = "privacy"

urlpatterns = [
    # Access and portability
    path("me/data/", views.my_data, name="my_data"),
    path("me/data/export/", views.export_ask, name="export_ask"),
    path("me/data/export/state/", views.export_state, name="export_state"),
    path("people/<str:handle>/erase/", erasure_views.erase, name="erase"),
]
