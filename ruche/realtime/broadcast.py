"""The broadcaster: events written after commit reach the browsers connected to any web process.

Every event is first written to the `RealtimeEvent` table: that log is what a browser reconnecting
with `Last-Event-ID` is replayed from, whichever broadcaster carries events live. Live delivery has
two implementations behind one interface (`announce` on the publishing side, `listen` on the
receiving side), chosen by `REALTIME_BROADCASTER`:

- `DatabaseBroadcaster` (default; one machine, no Redis): nothing to announce, the row is the
  message. Each web process runs ONE poller that reads the rows after the last id it saw, every
  `REALTIME_POLL_MS`, with one indexed query for all of the process's connections, and fans them out
  to in-memory queues. It works across several web processes and the task worker, because they
  share the database.
- `RedisBroadcaster` (several app servers): the publisher PUBLISHes the new rows on one Redis
  channel; each web process holds ONE subscription and fans messages out the same way.

Per process and per event loop a `Hub` knows the open connections (by user and by channel); the
listener task runs only while there is at least one.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from functools import cache

from django.conf import settings
from django.db import DatabaseError
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Event:
    id: int
    type: str
    data: dict
    user_id: int | None = None
    channel: str = ""

    def frame(self) -> bytes:
        """The event as Server-Sent Events text."""
        data = json.dumps(self.data, separators=(",", ":"))
        return f"id: {self.id}\nevent: {self.type}\ndata: {data}\n\n".encode()


class Connection:
    """One open stream: a bounded queue that the hub fills and the view drains."""

    def __init__(self, user_id: int, channels, maxsize: int | None = None):
        self.user_id = user_id
        self.channels = frozenset(channels)
        self.queue: asyncio.Queue[Event | None] = asyncio.Queue(maxsize or settings.REALTIME_QUEUE_SIZE)
        self.overflowed = False

    def offer(self, event: Event | None) -> None:
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            self.overflowed = True  # a browser too slow to read is told to reload, not fed forever


class Hub:
    """The connections of this process (for one event loop) and the one listener that feeds them."""

    def __init__(self, broadcaster: Broadcaster):
        self.broadcaster = broadcaster
        self.loop = asyncio.get_running_loop()
        self.users: dict[int, set[Connection]] = defaultdict(set)
        self.channels: dict[str, set[Connection]] = defaultdict(set)
        self.ready = asyncio.Event()
        self.task: asyncio.Task | None = None

    @property
    def size(self) -> int:
        return sum(len(conns) for conns in self.users.values())

    def add(self, conn: Connection) -> None:
        self.users[conn.user_id].add(conn)
        for channel in conn.channels:
            self.channels[channel].add(conn)
        if self.task is None or self.task.done():
            self.ready.clear()
            self.task = self.loop.create_task(self._run())

    def remove(self, conn: Connection) -> None:
        for index, key in [(self.users, conn.user_id), *((self.channels, c) for c in conn.channels)]:
            conns = index.get(key)
            if conns is not None:
                conns.discard(conn)
                if not conns:
                    del index[key]
        if not self.users and self.task is not None:
            self.task.cancel()
            self.task = None

    async def wait_ready(self) -> bool:
        """Wait until the listener hears new events; False if it failed before."""
        ready = asyncio.ensure_future(self.ready.wait())
        task = self.task
        await asyncio.wait([ready, task] if task else [ready], return_when=asyncio.FIRST_COMPLETED)
        if not ready.done():
            ready.cancel()
        return self.ready.is_set()

    def dispatch(self, events) -> None:
        for event in events:
            if event.user_id is not None:
                targets = self.users.get(event.user_id, ())
            else:
                targets = self.channels.get(event.channel, ())
            for conn in targets:
                conn.offer(event)

    async def _run(self) -> None:
        try:
            await self.broadcaster.listen(self)
        except asyncio.CancelledError:
            raise
        except Exception:
            # Live delivery is lost (database or Redis gone): every stream ends, and the browsers
            # reconnect with Last-Event-ID, to be replayed from the log.
            log.exception("realtime listener failed; closing %s streams", self.size)
            for conns in list(self.users.values()):
                for conn in conns:
                    conn.offer(None)


class Broadcaster:
    """The interface: `announce` the rows just written; `listen` feeds a hub until cancelled."""

    def announce(self, events: list[Event]) -> None:
        raise NotImplementedError

    async def listen(self, hub: Hub) -> None:
        raise NotImplementedError


class DatabaseBroadcaster(Broadcaster):
    """Polls the event log. Ids on PostgreSQL may commit out of order (a sequence value taken by a
    transaction that commits later): an id missing below the highest seen is looked for again for
    `GAP_SECONDS` before it is given up, so a late commit is still delivered."""

    GAP_SECONDS = 3.0
    BATCH = 2_000

    def __init__(self):
        # One thread, one database connection, for every poll of this process.
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="realtime-poll")

    def announce(self, events: list[Event]) -> None:
        return None  # the committed row is the message

    async def listen(self, hub: Hub) -> None:
        from ruche.realtime import selectors

        loop = asyncio.get_running_loop()
        floor = await loop.run_in_executor(self.executor, selectors.latest_event_id)
        hub.ready.set()
        seen: set[int] = set()
        missing_since: dict[int, float] = {}
        interval = settings.REALTIME_POLL_MS / 1000
        try:
            while True:
                try:
                    rows = await loop.run_in_executor(
                        self.executor, selectors.events_after, floor, self.BATCH
                    )
                except DatabaseError:
                    # A lost connection, a locked table: the events wait in the log, read them next time.
                    log.warning("realtime: polling the event log failed; trying again", exc_info=True)
                    await loop.run_in_executor(self.executor, selectors.close_connection)
                    await asyncio.sleep(interval)
                    continue
                fresh = [e for e in rows if e.id not in seen]
                hub.dispatch(fresh)
                seen.update(e.id for e in fresh)
                floor = self._advance(floor, seen, missing_since)
                await asyncio.sleep(0 if len(rows) >= self.BATCH else interval)
        finally:
            await asyncio.shield(loop.run_in_executor(self.executor, selectors.close_connection))

    def _advance(self, floor: int, seen: set[int], missing_since: dict[int, float]) -> int:
        """Move the floor over the ids delivered, or missing for too long; keep what is above it."""
        if not seen:
            return floor
        now = time.monotonic()
        top = max(seen)
        for gap in range(floor + 1, top):
            if gap not in seen:
                first = missing_since.setdefault(gap, now)
                if now - first > self.GAP_SECONDS:
                    seen.add(gap)  # a rolled-back insert: nothing will come
        while floor + 1 in seen:
            floor += 1
            seen.discard(floor)
            missing_since.pop(floor, None)
        return floor


class RedisBroadcaster(Broadcaster):
    """Redis pub/sub on one channel; the rows of one publish travel together, in chunks."""

    CHUNK = 500

    def __init__(self):
        import redis

        self.url = settings.REDIS_URL
        self.channel = f"{settings.REALTIME_REDIS_PREFIX}:events"
        self.client = redis.Redis.from_url(self.url)

    def announce(self, events: list[Event]) -> None:
        for start in range(0, len(events), self.CHUNK):
            chunk = [asdict(e) for e in events[start : start + self.CHUNK]]
            self.client.publish(self.channel, json.dumps(chunk, separators=(",", ":")))

    async def listen(self, hub: Hub) -> None:
        import redis.asyncio

        client = redis.asyncio.Redis.from_url(self.url)
        pubsub = client.pubsub(ignore_subscribe_messages=True)
        try:
            await pubsub.subscribe(self.channel)
            hub.ready.set()
            while True:
                message = await pubsub.get_message(timeout=30.0)
                if message is not None and message["type"] == "message":
                    hub.dispatch(Event(**item) for item in json.loads(message["data"]))
        finally:
            await asyncio.shield(self._close(pubsub, client))

    @staticmethod
    async def _close(pubsub, client) -> None:
        await pubsub.aclose()
        await client.aclose()


BROADCASTERS = {
    "database": "ruche.realtime.broadcast.DatabaseBroadcaster",
    "redis": "ruche.realtime.broadcast.RedisBroadcaster",
}


@cache
def get_broadcaster(name: str | None = None) -> Broadcaster:
    name = name or settings.REALTIME_BROADCASTER
    return import_string(BROADCASTERS[name])()


_hubs: dict[tuple[int, str], Hub] = {}


def get_hub(name: str | None = None) -> Hub:
    """This event loop's hub for the configured broadcaster (one per process in a server)."""
    name = name or settings.REALTIME_BROADCASTER
    loop = asyncio.get_running_loop()
    key = (id(loop), name)
    hub = _hubs.get(key)
    if hub is None or hub.loop is not loop:
        for stale in [k for k, h in _hubs.items() if h.loop.is_closed()]:
            del _hubs[stale]
        hub = _hubs[key] = Hub(get_broadcaster(name))
    return hub
