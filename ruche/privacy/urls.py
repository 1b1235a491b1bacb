from django.urls import path

from ruche.privacy import erasure_views

app_name = "privacy"

urlpatterns = []

# Erasure (erasure_views.py)
urlpatterns += [
    path("people/<str:handle>/erase/", erasure_views.erase, name="erase"),
]
