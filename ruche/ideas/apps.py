from django.apps import AppConfig


class IdeasConfig(AppConfig):
    name = "ruche.ideas"
    label = "ideas"
