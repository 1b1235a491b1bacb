from django.core.management.base import BaseCommand

from ruche.ideas.services import campaigns_remind_closing


class Command(BaseCommand):
    help = "Remind the population of campaigns closing within 48 hours (once each). Run it hourly (cron)."

    def handle(self, *args, **options):
        due = campaigns_remind_closing()
        self.stdout.write(f"{len(due)} campaign(s) reminded")
