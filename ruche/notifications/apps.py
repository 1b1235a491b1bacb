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

        from ruche.notifications import reactions

        reactions.register()  # follows, posts, reactions, community decisions are told

        from ruche.core.periodic import register_periodic
        from ruche.notifications.scheduler import Scheduler

        register_periodic("notifications", lambda: Scheduler().tick)  # e-mail sweep, digests
