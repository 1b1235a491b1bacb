from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AlertsConfig(AppConfig):
    name = "ruche.alerts"
    label = "alerts"
    verbose_name = _("Keyword alerts")

    def ready(self):
        from ruche.alerts import reactions
        from ruche.notifications.models import Notification
        from ruche.notifications.preferences import register_kind

        reactions.register()
        Kind = Notification.Kind
        register_kind(Kind.ALERT, Kind.ALERT.label)  # in the app and the digest; e-mail if one asks
