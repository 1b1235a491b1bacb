import datetime

from django.core.management.base import BaseCommand, CommandError

from ruche.analytics.services import facts_backfill


class Command(BaseCommand):
    help = (
        "Rebuild the daily analytics facts (posts, replies, reactions, answers, ideas, votes, members) "
        "from what the database holds, day by day, with the periodic job's own computation. Visits, "
        "pages and searches leave no trace elsewhere: they start when the analytics are installed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--since",
            help="first day to rebuild (YYYY-MM-DD); by default the first activity, within the retention period",
        )

    def handle(self, *args, since=None, **options):
        try:
            first = datetime.date.fromisoformat(since) if since else None
        except ValueError as error:
            raise CommandError(f"--since must be a date such as 2026-01-31, not {since!r}") from error
        verbosity = options["verbosity"]

        def progress(day):
            if verbosity > 1 or (verbosity and day.day == 1):
                self.stdout.write(f"  {day.isoformat()}")

        days = facts_backfill(since=first, progress=progress)
        self.stdout.write(f"{days} days of analytics computed.")
