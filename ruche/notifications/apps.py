from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "ruche.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from ruche.core.outbox import register_outbox
        from ruche.notifications.mail import email_queue

        register_outbox(email_queue)  # for the apps below (accounts' invitations)
