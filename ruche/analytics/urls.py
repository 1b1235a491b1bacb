from django.urls import path

from ruche.analytics import community_views, summary_views, views

app_name = "analytics"

urlpatterns = [
    path("analytics/", views.dashboard, name="dashboard"),
    path("analytics/export/<str:key>.csv", views.export, name="export"),
    path("analytics/remind/", views.remind, name="remind"),
    path("analytics/me/", views.mine, name="mine"),
    path("analytics/summary/", summary_views.summary_toggle, name="summary"),
    path("analytics/communities/<slug:slug>/", community_views.dashboard, name="community"),
    path(
        "analytics/communities/<slug:slug>/export/<str:key>.csv",
        community_views.export,
        name="community_export",
    ),
]
