from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "ruche.notifications"
    label = "notifications"

    def ready(self):
        from ruche.core.outbox import register_outbox
        from ruche.notifications.mail import email_queue

        register_outbox(email_queue)  # for the apps below (accounts' invitations)
