from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    """Personal data rights: a person's export of everything Ruche holds about them, erasure, and the
    retention of what is kept only for a while (docs/processing-register.md)."""

    name = "ruche.privacy"
    label = "privacy"
    verbose_name = _("Personal data")

    def ready(self):
        from django.urls import reverse_lazy

        from ruche.core.media import register_media
        from ruche.core.periodic import Every, register_periodic
        from ruche.notifications.preferences import register_kind
        from ruche.privacy import erasure_setup
        from ruche.privacy.policies import readable_export
        from ruche.privacy.services.export import KIND
        from ruche.privacy.tasks import data_exports_expire

        register_kind(
            KIND,
            _("Your data export is ready"),
            email=True,
            digest=False,
            sentence=_("Your data export is ready to download"),
            url=reverse_lazy("privacy:my_data"),
        )
        register_media("exports", readable_export)  # the owner only
        register_periodic("privacy_exports", lambda: Every(3600, data_exports_expire.enqueue).tick)
        erasure_setup.ready()  # the profile's erase link, the daily retention job
