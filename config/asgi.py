"""The ASGI entry point that `manage.py serve` runs under granian.

`/events/` (Server-Sent Events, ruche.realtime) goes to a lean async handler (ruche/realtime/asgi.py),
and so does Mastodon's streaming API under `/api/v1/streaming` (ruche/mastodon/streaming.py);
every other path goes to the ordinary WSGI application, run in a pool of threads (ruche/core/threaded_wsgi.py:
one hand-off to the thread a page, measured in docs/performance.md). Django's own ASGI
handler runs our synchronous views through sync_to_async, one at a time per process: measured in
docs/performance.md ("Realtime and serving"), ordinary pages are several times slower that way.
`django_application` is Django's plain ASGI handler, kept for comparison.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from django.core.asgi import get_asgi_application  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402

django_application = get_asgi_application()

from ruche.core.threaded_wsgi import ThreadedWSGI  # noqa: E402
from ruche.mastodon.streaming import PREFIX as MASTODON_STREAMING  # noqa: E402
from ruche.mastodon.streaming import application as mastodon_streaming  # noqa: E402
from ruche.realtime.asgi import application as stream_application  # noqa: E402

# Two threads a process: pages are mostly CPU under one interpreter lock, and more threads only
# contend for it (server CPU per API request, docs/performance.md: 8 threads 4.3-5.3 ms, 2 threads
# 3.7-5.0, 1 thread 3.4-4.9); the second keeps a request waiting on the database from holding up
# the process.
wsgi_application = ThreadedWSGI(
    get_wsgi_application(), threads=int(os.environ.get("RUCHE_WSGI_THREADS", "2"))
)
ASYNC_PATHS = frozenset({"/events/"})

from ruche.core.serving import settle_web_process  # noqa: E402

settle_web_process()


async def application(scope, receive, send):
    if scope["type"] == "http":
        if scope["path"] in ASYNC_PATHS:
            return await stream_application(scope, receive, send)
        if scope["path"].startswith(MASTODON_STREAMING):  # Mastodon's streaming API: the same lean handler
            return await mastodon_streaming(scope, receive, send)
        return await wsgi_application(scope, receive, send)
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            kind = message["type"].removeprefix("lifespan.")
            await send({"type": f"lifespan.{kind}.complete"})
            if kind == "shutdown":
                return
    return await django_application(scope, receive, send)
