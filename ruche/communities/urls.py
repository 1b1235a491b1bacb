from django.urls import path

from ruche.communities import views

app_name = "communities"
urlpatterns = [
    path("communities/", views.directory, name="directory"),
    path("communities/new/", views.create, name="create"),
    # Company-wide administration (before <slug>, so no community can hide these pages).
    path("communities/admin/", views.admin_settings, name="admin_settings"),
    path("communities/admin/requests/", views.admin_requests, name="admin_requests"),
    path("communities/admin/requests/<id:pk>/", views.admin_request_decide, name="admin_request_decide"),
    path("communities/admin/inactive/", views.admin_inactive, name="admin_inactive"),
    path("communities/admin/reports/", views.admin_reports, name="admin_reports"),
    path("communities/admin/audit/", views.admin_audit, name="admin_audit"),
    path("communities/reports/<id:pk>/hide/", views.report_hide, name="report_hide"),
    path("communities/reports/<id:pk>/dismiss/", views.report_dismiss, name="report_dismiss"),
    # One community.
    path("communities/<slug:slug>/", views.detail, name="detail"),
    path("communities/<slug:slug>/join/", views.join, name="join"),
    path("communities/<slug:slug>/request/", views.request_join, name="request_join"),
    path("communities/<slug:slug>/invitation/", views.invitation_answer, name="invitation_answer"),
    path("communities/<slug:slug>/leave/", views.leave, name="leave"),
    path("communities/<slug:slug>/members/", views.members, name="members"),
    path("communities/<slug:slug>/members/<id:user_id>/role/", views.member_role, name="member_role"),
    path("communities/<slug:slug>/members/<id:user_id>/remove/", views.member_remove, name="member_remove"),
    path("communities/<slug:slug>/invite/", views.invite, name="invite"),
    path("communities/<slug:slug>/requests/<id:pk>/", views.request_decide, name="request_decide"),
    path("communities/<slug:slug>/settings/", views.community_settings, name="settings"),
    path("communities/<slug:slug>/rules/", views.rule_add, name="rule_add"),
    path("communities/<slug:slug>/rules/<id:pk>/remove/", views.rule_remove, name="rule_remove"),
    path("communities/<slug:slug>/archive/", views.archive, name="archive"),
    path("communities/<slug:slug>/moderation/", views.moderation, name="moderation"),
    path("communities/<slug:slug>/moderation/posts/<id:post_id>/", views.moderate_post, name="moderate_post"),
    path(
        "communities/<slug:slug>/moderation/replies/<id:post_id>/",
        views.moderate_reply,
        name="moderate_reply",
    ),
    path("communities/<slug:slug>/pin/<id:post_id>/", views.pin, name="pin"),
]
