from django.apps import AppConfig


class FeedConfig(AppConfig):
    name = "ruche.feed"
    label = "feed"
