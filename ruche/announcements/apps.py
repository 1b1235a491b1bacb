from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnnouncementsConfig(AppConfig):
    name = "ruche.announcements"
    label = "announcements"
    verbose_name = _("Announcements")

    def ready(self):
        from ruche.announcements.policies import can_view_id, existing_announcements
        from ruche.files.holders import register_holder

        register_holder("announcement", may_read=can_view_id, alive=existing_announcements)

        from ruche.notifications.models import Notification
        from ruche.notifications.preferences import register_kind

        # E-mailed by default; one can stop the e-mails (one-click unsubscribe): the announcement
        # stays pinned in their feed until read, which is the channel that cannot be turned off.
        register_kind(Notification.Kind.ANNOUNCEMENT, _("Announcements"), email=True, digest=False)
