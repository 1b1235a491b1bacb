from django.apps import AppConfig


class WorkerConfig(AppConfig):
    name = "ruche.worker"
    label = "worker"
    verbose_name = "Background tasks"
