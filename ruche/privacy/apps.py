from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """Personal data rights: a person's export of everything Ruche holds about them, erasure, and the
    retention of what is kept only for a while (docs/processing-register.md)."""

    name = "ruche.privacy"
    label = "privacy"
    verbose_name = _("Personal data")

    def ready(self):
        from ruche.privacy import erasure_setup

        erasure_setup.ready()  # the profile's erase link, the daily retention job
