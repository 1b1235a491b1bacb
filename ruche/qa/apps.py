from django.apps import AppConfig


class QaConfig(AppConfig):
    name = "ruche.qa"
    label = "qa"
