import time

from django.core.management.base import BaseCommand

from ruche.notifications.scheduler import Scheduler


class Command(BaseCommand):
    help = "Run the periodic scheduler (e-mail sweep, digests) alone; `manage.py serve` runs it already."

    def handle(self, *args, **options):
        scheduler = Scheduler()
        try:
            while True:
                scheduler.tick()
                time.sleep(5)
        except KeyboardInterrupt:
            pass
