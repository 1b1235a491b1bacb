from django.urls import path

from ruche.accounts import sso_views, views

app_name = "accounts"
urlpatterns = [
    path("people/", views.directory, name="directory"),
    path("people/admin/", views.people_admin, name="people_admin"),
    path("people/admin/profiles/", views.profile_settings, name="profile_settings"),
    path("people/admin/completeness/", views.completeness_report, name="completeness_report"),
    path("welcome/", views.onboarding, name="onboarding"),
    path("skills/<path:key>/", views.skill, name="skill"),
    path("me/edit/", views.profile_edit, name="profile_edit"),
    path("me/language/", views.language, name="language"),
    path("people/<str:handle>/", views.profile, name="profile"),
    path("people/<str:handle>/edit/", views.profile_edit, name="profile_edit_other"),
    path("people/<str:handle>/photo/", views.photo, name="photo"),
    path("people/<str:handle>/follow/", views.follow, name="follow"),
    path("people/<str:handle>/followers/", views.followers, name="followers"),
    path("people/<str:handle>/active/", views.set_active, name="set_active"),
    path("people/<str:handle>/invite-again/", views.resend_invitation, name="resend_invitation"),
    path("people/<str:handle>/roles/", views.roles, name="roles"),
    path("people/<str:handle>/org/", views.org_person, name="org_person"),
    path("people/<str:handle>/org/branch/", views.org_node, name="org_node"),
    path("org/", views.org_chart, name="org_chart"),
    path("org/departments/<id:pk>/", views.org_department, name="org_department"),
    path("activate/<str:uid>/<str:token>/", views.activate, name="activate"),
    path("autocomplete/people/", views.people_autocomplete, name="people_autocomplete"),
    path("autocomplete/skills/", views.skill_autocomplete, name="skill_autocomplete"),
    # allauth's own OpenID Connect callback address, answered first here: sso_views says why.
    path("accounts/oidc/<str:provider_id>/login/callback/", sso_views.oidc_callback, name="oidc_callback"),
]
