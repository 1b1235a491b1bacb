from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "ruche.notifications"
    label = "notifications"
