from django.core.management.base import BaseCommand

from ruche.communities import health
from ruche.communities.models import Community


class Command(BaseCommand):
    help = "Roll up every community's health figures (run nightly: the 28-day window moves even when nobody posts)."

    def handle(self, *args, **options):
        count = 0
        for community in Community.objects.iterator():
            health.refresh(community)
            count += 1
        self.stdout.write(f"{count} communities refreshed.")
