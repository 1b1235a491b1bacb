"""Drive the SSE stream through the ASGI entry point (config.asgi.application), in-process: read events as they come, then
disconnect the way a browser does (http.disconnect)."""

import asyncio
import contextlib
import json
import threading

from django.db import OperationalError

from ruche.realtime.services import event_publish
from ruche.realtime.views import in_thread


def run(work):
    """Run a coroutine (or a function) in a thread of its own: the browser tests leave Playwright's
    event loop running in the main thread, where asyncio.run() and async_to_sync refuse to work."""
    outcome = {}

    def target():
        try:
            outcome["value"] = asyncio.run(work) if asyncio.iscoroutine(work) else work()
        except BaseException as error:  # handed to the test's thread
            outcome["error"] = error

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome.get("value")


async def publish(**event):
    """Publish from another thread, as a worker would. The tests' in-memory SQLite is shared between
    threads with table locks that do not wait: a write racing the poller's read is tried again."""
    for attempt in range(5):
        try:
            return await in_thread(event_publish)(**event)
        except OperationalError as error:
            if "locked" not in str(error) or attempt == 4:
                raise
            await asyncio.sleep(0.05)


async def next_event(conn, timeout: float = 15.0):
    return await asyncio.wait_for(conn.queue.get(), timeout)


async def stop(hub):
    """Wait for the listener to finish (it stops when the last connection leaves)."""
    task = hub.task
    for conn in [c for conns in list(hub.users.values()) for c in conns]:
        hub.remove(conn)
    if task is not None:
        with contextlib.suppress(asyncio.CancelledError):
            await task


class Stream:
    def __init__(self, *, session_key: str | None = None, query: str = "", headers=(), scheme: str = "http"):
        from config.asgi import application

        self.to_app: asyncio.Queue = asyncio.Queue()
        self.body = b""
        self.status: int | None = None
        self.headers: dict[str, str] = {}
        self.changed = asyncio.Event()
        raw_headers = [(b"host", b"testserver"), (b"accept", b"text/event-stream")]
        if session_key:
            raw_headers.append((b"cookie", f"sessionid={session_key}".encode()))
        raw_headers += [(k.lower().encode(), v.encode()) for k, v in headers]
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": scheme,
            "path": "/events/",
            "raw_path": b"/events/",
            "query_string": query.encode(),
            "root_path": "",
            "headers": raw_headers,
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
        }
        self.to_app.put_nowait({"type": "http.request", "body": b"", "more_body": False})
        self.task = asyncio.create_task(application(scope, self.to_app.get, self._send))

    async def _send(self, message):
        if message["type"] == "http.response.start":
            self.status = message["status"]
            self.headers = {k.decode().lower(): v.decode() for k, v in message.get("headers", [])}
        elif message["type"] == "http.response.body":
            self.body += message.get("body", b"")
        self.changed.set()

    @property
    def events(self) -> list[tuple[str | None, str, dict]]:
        found = []
        for block in self.body.decode().split("\n\n"):
            fields = dict(
                line.split(": ", 1) for line in block.splitlines() if ": " in line and line[0] != ":"
            )
            if "event" in fields:
                event_id = fields.get("id")
                found.append(
                    (int(event_id) if event_id else None, fields["event"], json.loads(fields["data"]))
                )
        return found

    async def until(self, kind: str, timeout: float = 15.0):
        """The first event of this kind (waiting for it)."""

        async def wait():
            while True:
                match = next((e for e in self.events if e[1] == kind), None)
                if match or self.task.done():
                    return match
                self.changed.clear()
                await self.changed.wait()

        return await asyncio.wait_for(wait(), timeout)

    async def close(self):
        await self.to_app.put({"type": "http.disconnect"})
        await asyncio.wait_for(self.task, 5)
