from django.urls import path

from ruche.worker import views

app_name = "worker"
urlpatterns = [
    path("manage/tasks/", views.tasks, name="tasks"),
    path("manage/tasks/retry/", views.retry, name="retry"),
]
