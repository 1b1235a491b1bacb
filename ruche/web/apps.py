from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "ruche.web"
    label = "web"
