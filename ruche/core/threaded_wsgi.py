"""Ordinary pages under the ASGI server: Django's WSGI handler run in a thread, one hand-off a request.

The realtime streams need an ASGI server (config/asgi.py); pages are synchronous Django. a2wsgi,
which bridged them before, crossed between the event loop and the page's thread three times for
every page (the status, the body, the end, each a coroutine scheduled on the loop and waited for
from the thread) and once more for every read of the request's body. Here the thread runs the page
to its last byte and hands back the whole answer, which the loop then sends: one crossing for
a page. A body that comes in one piece (forms, JSON) is read before the thread starts; a larger
one is read from the loop as the page asks for it, so that an upload refused at its size limit is
not read to its end. A streamed answer (an export, a download) is sent as it is produced.
"""

import asyncio
import contextvars
import io
import sys
from concurrent.futures import ThreadPoolExecutor


class ThreadedWSGI:
    def __init__(self, app, *, threads: int):
        self.app = app
        self.executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="page")

    async def __call__(self, scope, receive, send) -> None:
        loop = asyncio.get_running_loop()
        first = await receive()
        if first["type"] == "http.disconnect":
            return
        if first.get("more_body"):
            body = io.BufferedReader(BodyFromLoop(loop, receive, first.get("body", b"")))
        else:
            body = io.BytesIO(first.get("body", b""))
        environ = wsgi_environ(scope, body)
        run = contextvars.copy_context().run
        answer = await loop.run_in_executor(self.executor, run, self.page, environ, loop, send)
        if answer is not None:
            start, content = answer
            await send(start)
            await send({"type": "http.response.body", "body": content})

    def page(self, environ, loop, send):
        """In the thread: the page's whole answer, or None once a streamed one is sent."""
        started = []

        def start_response(status, headers, exc_info=None):
            started[:] = [response_start(status, headers)]

        iterable = self.app(environ, start_response)
        try:
            if not getattr(iterable, "streaming", False):
                return started[0], b"".join(iterable)
            for message in streamed(started, iterable):
                asyncio.run_coroutine_threadsafe(awaited(send, message), loop).result()
            return None
        finally:
            close = getattr(iterable, "close", None)
            if close is not None:
                close()


async def awaited(function, *args):
    """A coroutine for run_coroutine_threadsafe: granian's receive and send return futures."""
    return await function(*args)


def streamed(started, iterable):
    yield started[0]
    for chunk in iterable:
        if chunk:
            yield {"type": "http.response.body", "body": chunk, "more_body": True}
    yield {"type": "http.response.body", "body": b""}


def response_start(status: str, headers) -> dict:
    return {
        "type": "http.response.start",
        "status": int(status.split(" ", 1)[0]),
        "headers": [(name.lower().encode("latin1"), value.encode("latin1")) for name, value in headers],
    }


class BodyFromLoop(io.RawIOBase):
    """The rest of a request's body, received from the event loop as the page reads it. A client
    that stops sending holds a page's thread: after `WAIT` seconds without a piece, the read fails."""

    WAIT = 30

    def __init__(self, loop, receive, first: bytes):
        self.loop, self.receive, self.pending, self.more = loop, receive, memoryview(first), True

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self.pending and self.more:
            coming = asyncio.run_coroutine_threadsafe(awaited(self.receive), self.loop)
            try:
                message = coming.result(timeout=self.WAIT)
            except TimeoutError:
                coming.cancel()
                raise OSError(f"the client sent nothing of its request for {self.WAIT} s") from None
            if message["type"] == "http.disconnect":
                raise OSError("the client went away while sending its request")
            self.pending, self.more = memoryview(message.get("body", b"")), message.get("more_body", False)
        size = min(len(buffer), len(self.pending))
        buffer[:size], self.pending = self.pending[:size], self.pending[size:]
        return size


def wsgi_environ(scope, body) -> dict:
    server = scope.get("server") or ("localhost", 80)
    client = scope.get("client") or ("", 0)
    environ = {
        "REQUEST_METHOD": scope["method"],
        "SCRIPT_NAME": scope.get("root_path", "").encode("utf8").decode("latin1"),
        "PATH_INFO": scope["path"].encode("utf8").decode("latin1"),
        "QUERY_STRING": scope["query_string"].decode("latin1"),
        "SERVER_NAME": server[0],
        "SERVER_PORT": str(server[1]),
        "SERVER_PROTOCOL": f"HTTP/{scope['http_version']}",
        "REMOTE_ADDR": client[0],
        "REMOTE_PORT": str(client[1]),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": scope.get("scheme", "http"),
        "wsgi.input": body,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    for raw_name, raw_value in scope["headers"]:
        name = raw_name.decode("latin1").upper().replace("-", "_")
        if name not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
            name = f"HTTP_{name}"
        value = raw_value.decode("latin1")
        if name in environ:  # a repeated header; cookies come apart under HTTP/2
            value = f"{environ[name]}{'; ' if name == 'HTTP_COOKIE' else ','}{value}"
        environ[name] = value
    return environ
