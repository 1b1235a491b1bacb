"""Reading the event log: what the poller fans out, and what a reconnecting browser missed."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from ruche.realtime.broadcast import Event
from ruche.realtime.models import RealtimeEvent

FIELDS = ("id", "type", "data", "user_id", "channel")


def _events(rows) -> list[Event]:
    return [Event(*row) for row in rows.values_list(*FIELDS)]


def latest_event_id() -> int:
    return RealtimeEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def events_after(after: int, limit: int) -> list[Event]:
    """Every event after `after`, for every connection of the process: one range scan on the key."""
    return _events(RealtimeEvent.objects.filter(id__gt=after).order_by("id")[:limit])


def close_connection() -> None:
    connection.close()


class Stale(Exception):
    """What the browser missed is no longer (or was never) in the log: it must reload."""


def missed_events(
    *, user_id: int, channels, last_id: int | None = None, since: datetime | None = None
) -> tuple[list[Event], int]:
    """The user's events after `last_id` (a `Last-Event-ID`), or else created after `since` (when
    the page was drawn), and the latest id of the log. Raises Stale when the log was trimmed past
    `last_id`, when `last_id` is unknown, or when more was missed than a replay carries."""
    oldest = RealtimeEvent.objects.order_by("id").values_list("id", flat=True).first()
    latest = latest_event_id()
    mine = RealtimeEvent.objects.filter(Q(user_id=user_id) | Q(channel__in=list(channels)))
    if last_id is not None:
        if last_id > latest or (oldest is not None and last_id < oldest - 1):
            raise Stale
        rows = mine.filter(id__gt=last_id)
    elif since is not None:
        if since < timezone.now() - timedelta(minutes=settings.REALTIME_RETENTION_MINUTES):
            raise Stale
        rows = mine.filter(created__gt=since, id__lte=latest)
    else:
        return [], latest
    events = _events(rows.order_by("id")[: settings.REALTIME_REPLAY_MAX + 1])
    if len(events) > settings.REALTIME_REPLAY_MAX:
        raise Stale
    return events, max(latest, events[-1].id if events else 0)
