from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "ruche.activities"
    label = "activities"
    verbose_name = _("Activity streams and webhooks")

    def ready(self):
        from ruche.activities import reactions

        reactions.register()  # every activity is recorded with the write that made it

        from ruche.activities.tasks import webhook_deliveries_trim
        from ruche.core.periodic import Every, register_periodic

        register_periodic("webhook_deliveries", lambda: Every(3600, webhook_deliveries_trim.enqueue).tick)
