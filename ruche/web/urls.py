from django.urls import path

from ruche.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("company/", views.company, name="company"),
    path("health/", views.health, name="health"),
    path("manage/", views.manage, name="manage"),
    path("people/<str:handle>/report/", views.report_person, name="report_person"),
]
