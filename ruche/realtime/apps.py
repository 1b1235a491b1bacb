from django.apps import AppConfig


class RealtimeConfig(AppConfig):
    name = "ruche.realtime"
    label = "realtime"
