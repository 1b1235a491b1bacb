from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo company (`manage.py demo_company`): at the top, it may call every app's services."""

    name = "ruche.demo"
    label = "demo"
