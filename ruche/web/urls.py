from django.urls import path

from ruche.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("company/", views.company, name="company"),
    path("health/", views.health, name="health"),
    path("manage/", views.manage, name="manage"),
    path("manage/departments/", views.org_units, {"kind": "department"}, name="manage_departments"),
    path("manage/departments/<id:pk>/", views.org_unit, {"kind": "department"}, name="manage_department"),
    path("manage/sites/", views.org_units, {"kind": "site"}, name="manage_sites"),
    path("manage/sites/<id:pk>/", views.org_unit, {"kind": "site"}, name="manage_site"),
    path("manage/roles/", views.roles_admin, name="manage_roles"),
    path("manage/directory/", views.directory_settings, name="manage_directory"),
    path("manage/log/", views.admin_log, name="manage_log"),
    path("manage/people/<str:handle>/deactivate/", views.person_deactivate, name="manage_deactivate"),
    path("people/<str:handle>/report/", views.report_person, name="report_person"),
]
