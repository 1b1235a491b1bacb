from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationsConfig(AppConfig):
    name = "ruche.integrations"
    label = "integrations"
    verbose_name = _("Integrations")

    def ready(self):
        from ruche.core.input import register_own_body

        register_own_body("/hooks/in/")  # the incoming view reads and checks its body itself, capped
