from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "ruche.analytics"
    label = "analytics"
    verbose_name = _("Adoption analytics")

    def ready(self):
        from django.conf import settings

        from ruche.analytics import community, company, content, reactions  # noqa: F401 (dashboards' sections)
        from ruche.analytics.policies import can_view_community
        from ruche.analytics.tasks import analytics_refresh, summaries_enqueue_when_due
        from ruche.communities.policies import can_view_figures
        from ruche.core.periodic import Every, register_periodic

        reactions.register()  # searches are counted with the visits, in memory
        can_view_figures.provide(can_view_community)  # the community's page links to its figures
        register_periodic(
            "analytics", lambda: Every(settings.ANALYTICS_REFRESH_SECONDS, analytics_refresh.enqueue).tick
        )
        register_periodic(
            "analytics_summary", lambda: Every(SUMMARY_CHECK_SECONDS, summaries_enqueue_when_due).tick
        )


SUMMARY_CHECK_SECONDS = 3600  # whether the weekly summaries are due: once an hour is enough
