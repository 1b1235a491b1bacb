from django.urls import path

from ruche.ldap import views

app_name = "ldap"
urlpatterns = [
    path("manage/ldap/", views.manage, name="admin"),
    path("manage/ldap/run/", views.run, name="run"),
]
