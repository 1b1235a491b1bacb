"""The bridge that runs pages under the ASGI server (ruche/core/threaded_wsgi.py): what a WSGI
application sees of a request, and what the client receives of its answer."""

import asyncio
import threading

import pytest

from ruche.core.threaded_wsgi import BodyFromLoop, ThreadedWSGI
from tests.realtime.harness import run  # in a thread: the browser tests keep a loop in this one


def scope(path="/", query=b"", method="GET", headers=()):
    return {
        "type": "http",
        "http_version": "1.1",
        "method": method,
        "scheme": "https",
        "path": path,
        "root_path": "",
        "query_string": query,
        "headers": [(k.encode("latin1"), v.encode("latin1")) for k, v in headers],
        "server": ("ruche.example", 443),
        "client": ("192.0.2.7", 51000),
    }


def serve(app, request_scope, messages):
    """Run one request through the bridge; the messages it sent and how many it received. Like
    granian's, receive and send return futures, not coroutines."""
    sent, received = [], []
    pending = list(messages)

    def done(value=None):
        future = asyncio.get_running_loop().create_future()
        future.set_result(value)
        return future

    def receive():
        received.append(pending[0] if pending else None)
        return done(pending.pop(0) if pending else {"type": "http.disconnect"})

    def send(message):
        sent.append(message)
        return done()

    run(ThreadedWSGI(app, threads=1)(request_scope, receive, send))
    return sent, len(received)


def body(data=b"", more=False):
    return {"type": "http.request", "body": data, "more_body": more}


def answer(text=b"ok", status="200 OK", headers=(("Content-Type", "text/plain"),)):
    def app(environ, start_response):
        start_response(status, list(headers))
        return [text]

    return app


def test_the_environ_follows_pep_3333():
    seen = {}

    def app(environ, start_response):
        seen.update(environ)
        return answer()(environ, start_response)

    headers = [("content-type", "text/plain"), ("content-length", "0"), ("x-thing", "a"), ("x-thing", "b"),
               ("cookie", "a=1"), ("cookie", "b=2")]  # fmt: skip
    serve(app, scope("/équipe/", b"q=caf%C3%A9", headers=headers), [body()])
    assert seen["PATH_INFO"] == "/équipe/".encode().decode("latin1")  # bytes, as latin-1 (PEP 3333)
    assert seen["QUERY_STRING"] == "q=caf%C3%A9"
    assert (seen["REQUEST_METHOD"], seen["wsgi.url_scheme"]) == ("GET", "https")
    assert (seen["SERVER_NAME"], seen["SERVER_PORT"], seen["REMOTE_ADDR"]) == (
        "ruche.example",
        "443",
        "192.0.2.7",
    )
    assert (seen["CONTENT_TYPE"], seen["CONTENT_LENGTH"]) == ("text/plain", "0")
    assert "HTTP_CONTENT_TYPE" not in seen
    assert seen["HTTP_X_THING"] == "a,b"
    assert seen["HTTP_COOKIE"] == "a=1; b=2"  # cookies are separated by "; ", not ","


def test_a_page_is_sent_whole_in_two_messages():
    sent, _ = serve(
        answer(b"hello", "201 Created", [("Content-Type", "text/plain"), ("X-A", "1")]), scope(), [body()]
    )
    assert sent == [
        {
            "type": "http.response.start",
            "status": 201,
            "headers": [(b"content-type", b"text/plain"), (b"x-a", b"1")],
        },
        {"type": "http.response.body", "body": b"hello"},
    ]


def test_a_body_in_one_message_is_read_whole():
    got = []

    def app(environ, start_response):
        got.append(environ["wsgi.input"].read())
        return answer()(environ, start_response)

    serve(app, scope(method="POST"), [body(b"a=1&b=2")])
    assert got == [b"a=1&b=2"]


def test_a_body_in_pieces_is_received_only_as_far_as_the_page_reads_it():
    got = []

    def app(environ, start_response):
        stream = environ["wsgi.input"]
        got.append(stream.readline())
        got.append(stream.read(3))
        return answer()(environ, start_response)

    pieces = [
        body(b"first ", True),
        body(b"line\nsec", True),
        body(b"ond", True),
        body(b"x" * 10, True),
        body(b"end"),
    ]
    sent, received = serve(app, scope(method="POST"), pieces)
    assert got == [b"first line\n", b"sec"]
    assert sent[0]["status"] == 200
    assert received < len(pieces)  # the end of an upload refused early is never read


def test_a_client_gone_while_sending_its_body_stops_the_page():
    errors = []

    def app(environ, start_response):
        try:
            environ["wsgi.input"].read()
        except OSError as error:
            errors.append(error)
            raise
        return answer()(environ, start_response)

    with pytest.raises(OSError):
        serve(app, scope(method="POST"), [body(b"part", True), {"type": "http.disconnect"}])
    assert len(errors) == 1


def test_a_client_that_stops_sending_its_body_frees_the_thread(monkeypatch):
    """A piece that never comes: the read fails after BodyFromLoop.WAIT, not never."""
    monkeypatch.setattr(BodyFromLoop, "WAIT", 0.2)
    errors = []

    def app(environ, start_response):
        try:
            environ["wsgi.input"].read()
        except OSError as error:
            errors.append(str(error))
            raise
        return answer()(environ, start_response)

    async def scenario():
        first = [body(b"part", True)]

        async def receive():
            if first:
                return first.pop()
            await asyncio.sleep(60)  # the client went quiet

        async def send(message):
            raise AssertionError("nothing is sent")

        await ThreadedWSGI(app, threads=1)(scope(method="POST"), receive, send)

    with pytest.raises(OSError):
        run(asyncio.wait_for(scenario(), timeout=10))
    assert errors == ["the client sent nothing of its request for 0.2 s"]


def test_a_client_gone_before_its_request_runs_nothing():
    calls = []
    sent, _ = serve(lambda environ, start_response: calls.append(1), scope(), [{"type": "http.disconnect"}])
    assert (sent, calls) == ([], [])


class Streamed:
    """A streamed answer as Django's handler returns it: iterable, `streaming`, closed at the end."""

    streaming = True

    def __init__(self):
        self.closed_in = None
        self.produced_in = []

    def __iter__(self):
        for chunk in (b"one", b"", b"two"):
            self.produced_in.append(threading.current_thread().name)
            yield chunk

    def close(self):
        self.closed_in = threading.current_thread().name


def test_a_streamed_answer_is_sent_as_it_is_produced_and_closed():
    response = Streamed()

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/csv")])
        return response

    sent, _ = serve(app, scope(), [body()])
    assert [m.get("body") for m in sent] == [None, b"one", b"two", b""]
    assert [m.get("more_body", False) for m in sent] == [False, True, True, False]
    assert response.closed_in.startswith("page")  # produced and closed in the page's thread
    assert all(name.startswith("page") for name in response.produced_in)


def test_an_answer_is_closed_even_when_the_page_fails_while_producing_it():
    closed = []

    class Failing:
        def __iter__(self):
            raise RuntimeError("boom")

        def close(self):
            closed.append(True)

    def app(environ, start_response):
        start_response("200 OK", [])
        return Failing()

    with pytest.raises(RuntimeError):
        serve(app, scope(), [body()])
    assert closed == [True]
