from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    # The API first: Django tries patterns in order, and the API's hundreds of operations sit under
    # one prefix that other addresses fail at once (its feed paid the whole list before).
    path("", include("ruche.api.urls")),
    path("", include("ruche.web.urls")),
    path("", include("ruche.core.urls")),
    path("", include("ruche.posts.urls")),
    path("", include("ruche.accounts.urls")),
    path("", include("ruche.communities.urls")),
    path("", include("ruche.notifications.urls")),
    path("", include("ruche.qa.urls")),
    path("", include("ruche.ideas.urls")),
    path("", include("ruche.search.urls")),
    path("", include("ruche.realtime.urls")),
    path("", include("ruche.announcements.urls")),
    path("", include("ruche.rooms.urls")),
    path("", include("ruche.sources.urls")),
    path("", include("ruche.alerts.urls")),
    path("", include("ruche.integrations.urls")),
    path("", include("ruche.files.urls")),
    path("", include("ruche.analytics.urls")),
    path("", include("ruche.activities.urls")),
    path("", include("ruche.privacy.urls")),
    path("", include("ruche.scim.urls")),
    path("", include("ruche.mastodon.urls")),
    path("", include("ruche.worker.urls")),
    path("", include("ruche.ldap.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
handler500 = "ruche.core.views.server_error"
handler404 = "ruche.core.views.page_not_found"
