from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "ruche.analytics"
    label = "analytics"
    verbose_name = _("Adoption analytics")

    def ready(self):
        from django.conf import settings

        from ruche.analytics import company, content, reactions  # noqa: F401 (the dashboard's sections)
        from ruche.analytics.tasks import analytics_refresh
        from ruche.core.periodic import Every, register_periodic

        reactions.register()  # searches are counted with the visits, in memory
        register_periodic(
            "analytics", lambda: Every(settings.ANALYTICS_REFRESH_SECONDS, analytics_refresh.enqueue).tick
        )
