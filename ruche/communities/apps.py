from django.apps import AppConfig


class CommunitiesConfig(AppConfig):
    name = "ruche.communities"
    label = "communities"
