"""The Server-Sent Events stream: one per signed-in browser tab, served by the ASGI entry point."""

import asyncio
import random
import time
from datetime import datetime, timedelta

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.db import connection
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ruche.realtime import events, policies
from ruche.realtime.broadcast import Connection, Event, get_hub
from ruche.realtime.selectors import Stale, missed_events


def in_thread(function):
    """Run a database read off the event loop, in a pool thread, and close that thread's connection
    afterwards: the pool's threads are not requests', and a stream reads only when it starts."""

    def run(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        finally:
            connection.close()

    return sync_to_async(run, thread_sensitive=False)


def _last_event_id(request) -> int | None:
    raw = request.headers.get("Last-Event-ID") or request.GET.get("last_event_id") or ""
    return int(raw) if raw.isdigit() else (-1 if raw else None)  # garbage: treated as unknown


def _since(request) -> datetime | None:
    """`?age=<ms>`: how long ago the page was drawn, by the browser's own clock (no clock skew):
    what happened since then (and a second before) is replayed."""
    raw = request.GET.get("age", "")
    if not raw.isdigit() or len(raw) > 12:
        return None
    return timezone.now() - timedelta(milliseconds=int(raw) + 1_000)


def _frame(type_: str, data: str = "{}", id_: int | None = None) -> bytes:
    head = f"id: {id_}\n" if id_ is not None else ""
    return f"{head}event: {type_}\ndata: {data}\n\n".encode()


@require_GET
async def stream(request):
    user = await request.auser()
    if not (user.is_authenticated and user.is_active):
        return HttpResponse(_("Sign in to receive live updates."), status=403, content_type="text/plain")
    if not isinstance(request, ASGIRequest):
        # Under WSGI (runserver, the test server) a stream would hold a worker thread for ever. 204 No
        # Content tells EventSource to stop without an error; the page works without live updates.
        return HttpResponse(status=204)
    last_id, since = _last_event_id(request), _since(request)
    channels = await in_thread(policies.stream_channels)(user)
    response = StreamingHttpResponse(
        _events(user.pk, channels, last_id, since), content_type="text/event-stream"
    )
    response["Cache-Control"] = "no-cache, no-store"
    response["X-Accel-Buffering"] = "no"  # nginx: pass each event on at once
    return response


async def _events(user_id: int, channels, last_id: int | None, since: datetime | None):
    """Replay what was missed, then live events; a comment every heartbeat keeps proxies from
    closing an idle stream. The stream ends after REALTIME_STREAM_SECONDS (the browser reconnects
    with Last-Event-ID, and its communities are looked up again). Whatever ends it (the client
    going away cancels this generator), the connection leaves the hub."""
    hub = get_hub()
    conn = Connection(user_id, channels)
    hub.add(conn)
    try:
        yield f"retry: {settings.REALTIME_RETRY_MS}\n\n".encode()
        if not await hub.wait_ready():
            return  # no listener (Redis or the database is down): the browser retries later
        try:
            missed, latest = await in_thread(missed_events)(
                user_id=user_id, channels=channels, last_id=last_id, since=since
            )
        except Stale:
            yield _frame(events.RELOAD)
            return
        replayed = {e.id for e in missed}
        for event in missed:
            yield event.frame()
        yield _frame("ready", id_=latest)
        # A little jitter, so that streams opened together (a server restart) do not all reconnect together.
        deadline = time.monotonic() + settings.REALTIME_STREAM_SECONDS * random.uniform(0.8, 1.0)
        while (left := deadline - time.monotonic()) > 0:
            try:
                event: Event | None = await asyncio.wait_for(
                    conn.queue.get(), min(left, settings.REALTIME_HEARTBEAT_SECONDS)
                )
            except TimeoutError:
                yield b": heartbeat\n\n"
                continue
            if conn.overflowed:
                yield _frame(events.RELOAD)
                return
            if event is None:
                return  # the listener died: reconnect and be replayed
            if event.id not in replayed:
                yield event.frame()
    finally:
        hub.remove(conn)
