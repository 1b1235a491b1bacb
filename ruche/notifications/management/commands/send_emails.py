from django.core.management.base import BaseCommand

from ruche.notifications.mail import emails_retry_failed, emails_send_due


class Command(BaseCommand):
    help = "Send the e-mails that are due (the outbox). --retry-failed gives failed ones another round."

    def add_arguments(self, parser):
        parser.add_argument("--retry-failed", action="store_true")

    def handle(self, *args, retry_failed, **options):
        if retry_failed:
            self.stdout.write(f"{emails_retry_failed()} failed e-mails put back in the queue")
        self.stdout.write(str(emails_send_due()))
