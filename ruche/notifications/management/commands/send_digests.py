from django.core.management.base import BaseCommand

from ruche.notifications.digest import digests_build, frequencies_due
from ruche.notifications.mail import emails_send_due


class Command(BaseCommand):
    help = (
        "Build the digests due today (daily; weekly on RUCHE_DIGEST_WEEKDAY) and send them. "
        "Idempotent: run it as often as you like, each person gets one digest per period."
    )

    def add_arguments(self, parser):
        parser.add_argument("--frequency", choices=["daily", "weekly", "due"], default="due")
        parser.add_argument("--no-send", action="store_true", help="only queue them (the worker sends)")

    def handle(self, *args, frequency, no_send, **options):
        from django.utils import timezone

        frequencies = frequencies_due(timezone.now()) if frequency == "due" else [frequency]
        for name in frequencies:
            counts = digests_build(frequency=name)
            self.stdout.write(
                f"{name}: {counts['queued']} digests queued, {counts['empty']} with nothing new"
            )
        if not no_send:
            self.stdout.write(f"sent: {emails_send_due()}")
