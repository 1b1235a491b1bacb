from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo company (`manage.py demo_company`): at the top, it may call every app's services."""

    name = "ruche.demo"
    label = "demo"
    verbose_name = _("Demo company")
