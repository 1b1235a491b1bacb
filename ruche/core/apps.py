from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "ruche.core"
    label = "core"

    def ready(self):
        from django.urls import register_converter

        from ruche.core.ids import IdConverter

        register_converter(IdConverter, "id")  # before any URLconf is read
