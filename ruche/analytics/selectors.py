"""Reads of the daily facts for display."""

import datetime

from django.db.models import Count, Sum
from django.utils import timezone

from ruche.analytics.models import CONTENT_FIELDS, LIVE_FIELDS, PersonDay

MY_ACTIVITY_DAYS = 28


def my_activity(*, user, days: int = MY_ACTIVITY_DAYS, today: datetime.date | None = None) -> dict[str, int]:
    """A person's own figures over the last `days` days (today included): the sum of each count,
    and `active_days`. What was counted in memory since the last flush is not in yet."""
    today = today or timezone.localdate()
    rows = PersonDay.objects.filter(user=user, day__gt=today - datetime.timedelta(days=days), day__lte=today)
    totals = rows.aggregate(active_days=Count("pk"), **{f: Sum(f) for f in LIVE_FIELDS + CONTENT_FIELDS})
    return {name: value or 0 for name, value in totals.items()}
