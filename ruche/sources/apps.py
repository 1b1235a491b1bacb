from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SourcesConfig(AppConfig):
    name = "ruche.sources"
    label = "sources"
    verbose_name = _("News sources")

    def ready(self):
        from django.conf import settings

        from ruche.core.periodic import Every, register_periodic
        from ruche.sources.tasks import sources_poll_due

        register_periodic(
            "sources", lambda: Every(settings.SOURCES_SWEEP_SECONDS, sources_poll_due.enqueue).tick
        )
