"""Mastodon's paths (/api/v1/, /api/v2/, /oauth/, /.well-known/nodeinfo) and /me/apps/.

Endpoint helpers: add your paths in a list of your own module (e.g. `statuses.urlpatterns`) and
include it below, to keep merges simple.
"""

from django.urls import path

from ruche.mastodon import (
    accounts,
    lists,
    markers,
    media,
    notifications,
    oauth,
    search,
    statuses,
    tags,
    timelines,
    views,
)

app_name = "mastodon"


def api(route: str, view, name: str) -> list:
    """Mastodon's path, and the same with a trailing slash (Mastodon.py asks for /api/v1/instance/)."""
    return [path(route, view, name=name), path(route + "/", view)]


urlpatterns = [
    path("oauth/authorize", oauth.AuthorizeView.as_view(), name="authorize"),
    path("oauth/token", oauth.TokenView.as_view(), name="token"),
    path("oauth/revoke", oauth.RevokeView.as_view(), name="revoke"),
    *api("api/v1/apps", views.apps_create, "apps"),
    *api("api/v1/apps/verify_credentials", views.apps_verify_credentials, "apps_verify"),
    *api("api/v1/instance", views.instance_v1, "instance_v1"),
    *api("api/v2/instance", views.instance_v2, "instance_v2"),
    path(".well-known/oauth-authorization-server", views.oauth_server, name="oauth_server"),
    path(".well-known/nodeinfo", views.nodeinfo_links, name="nodeinfo_links"),
    path("nodeinfo/2.0", views.nodeinfo, name="nodeinfo"),
    *api("api/v1/accounts/verify_credentials", views.verify_credentials, "verify_credentials"),
    *api("api/v1/accounts/update_credentials", views.update_credentials, "update_credentials"),
    *api("api/v1/preferences", views.preferences, "preferences"),
    *api("api/v1/custom_emojis", views.custom_emojis, "custom_emojis"),
    # timelines, lists, notifications, markers, streaming
    *api("api/v1/timelines/home", timelines.home, "timeline_home"),
    *api("api/v1/timelines/public", timelines.public, "timeline_public"),
    *api("api/v1/timelines/tag/<str:hashtag>", timelines.tag, "timeline_tag"),
    *api("api/v1/timelines/list/<id:pk>", lists.list_timeline, "timeline_list"),
    *api("api/v1/lists", lists.lists, "lists"),
    *api("api/v1/lists/<id:pk>", lists.one_list, "list"),
    *api("api/v1/lists/<id:pk>/accounts", lists.list_accounts, "list_accounts"),
    *api("api/v1/notifications", notifications.notifications, "notifications"),
    *api("api/v1/notifications/clear", notifications.clear, "notifications_clear"),
    *api("api/v1/notifications/unread_count", notifications.unread_count, "notifications_unread_count"),
    *api("api/v1/notifications/<id:pk>", notifications.notification, "notification"),
    *api("api/v1/notifications/<id:pk>/dismiss", notifications.dismiss, "notification_dismiss"),
    *api("api/v1/markers", markers.markers, "markers"),
    # statuses, accounts, tags, search, media
    *statuses.routes(),
    *accounts.routes(),
    *tags.routes(),
    *search.routes(),
    *media.routes(),
    path("me/apps/", views.my_apps, name="my_apps"),
    path("me/apps/<id:pk>/revoke/", views.my_app_revoke, name="my_app_revoke"),
]
