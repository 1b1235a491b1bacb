from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "ruche.activities"
    label = "activities"
    verbose_name = _("Activity streams and webhooks")

    def ready(self):
        from ruche.activities import reactions

        reactions.register()  # every activity is recorded with the write that made it
