from django.urls import path

from ruche.notifications import views

app_name = "notifications"
urlpatterns = [
    path("notifications/", views.index, name="index"),
    path("notifications/<int:pk>/open/", views.open_one, name="open"),
    path("notifications/read-all/", views.mark_all_read, name="mark_all_read"),
]
