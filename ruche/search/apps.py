from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "ruche.search"
    verbose_name = "Search"
