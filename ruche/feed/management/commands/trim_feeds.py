from django.conf import settings
from django.core.management.base import BaseCommand
from django.db.models import Count

from ruche.feed.models import FeedEntry
from ruche.feed.services import feed_trim


class Command(BaseCommand):
    help = "Trim every home feed to FEED_MAX_ENTRIES (run daily from cron; older posts are pulled on demand)."

    def handle(self, *args, **options):
        crowded = (
            FeedEntry.objects.values("user_id")
            .annotate(n=Count("id"))
            .filter(n__gt=settings.FEED_MAX_ENTRIES)
            .values_list("user_id", flat=True)
        )
        removed = sum(feed_trim(user_id) for user_id in crowded)
        self.stdout.write(f"{removed} old feed entries removed.")
