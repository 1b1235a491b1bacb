"""Writing the event log. `event_publish` is called after commit (see ruche.realtime.events)."""

from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ruche.realtime.broadcast import Event, get_broadcaster
from ruche.realtime.models import RealtimeEvent


@transaction.atomic
def event_publish(*, type: str, data: dict, user_ids=(), channels=()) -> list[Event]:
    """Log one event for each recipient and channel, then announce them once committed."""
    rows = [RealtimeEvent(user_id=pk, type=type, data=data) for pk in dict.fromkeys(user_ids)]
    rows += [RealtimeEvent(channel=channel, type=type, data=data) for channel in dict.fromkeys(channels)]
    if not rows:
        return []
    created = RealtimeEvent.objects.bulk_create(rows, batch_size=settings.FANOUT_BATCH_SIZE)
    events = [Event(r.pk, r.type, r.data, r.user_id, r.channel) for r in created]
    transaction.on_commit(partial(get_broadcaster().announce, events), robust=True)
    first, last = events[0].id, events[-1].id
    if first // settings.REALTIME_TRIM_EVERY != last // settings.REALTIME_TRIM_EVERY or len(events) > 1_000:
        transaction.on_commit(event_trim, robust=True)
    return events


@transaction.atomic
def event_trim(*, minutes: int | None = None) -> int:
    """Forget events older than the replay window. The log is cut at an id, so what is left is a
    contiguous tail (selectors.missed_events relies on it), and the latest row always stays."""
    minutes = settings.REALTIME_RETENTION_MINUTES if minutes is None else minutes
    cutoff = timezone.now() - timedelta(minutes=minutes)
    latest = RealtimeEvent.objects.order_by("-id").values_list("id", "created").first()
    if latest is None:
        return 0
    keep_from = (
        RealtimeEvent.objects.filter(created__gte=cutoff).order_by("id").values_list("id", flat=True).first()
    )
    keep_from = min(keep_from or latest[0], latest[0])
    deleted, _rows = RealtimeEvent.objects.filter(id__lt=keep_from).delete()
    return deleted
