from django.urls import path

from ruche.notifications import views

app_name = "notifications"
urlpatterns = [
    path("notifications/", views.index, name="index"),
    path("notifications/<id:pk>/open/", views.open_one, name="open"),
    path("notifications/read-all/", views.mark_all_read, name="mark_all_read"),
    path("notifications/preferences/", views.preferences, name="preferences"),
    path("notifications/threads/<id:pk>/mute/", views.thread_mute, name="thread_mute"),
    path("notifications/threads/<id:pk>/unmute/", views.thread_unmute, name="thread_unmute"),
    path("notifications/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
