"""Pages through the server `manage.py serve` runs (granian, config.asgi, ruche/core/threaded_wsgi.py):
an upload that arrives in many pieces, a file sent back as a stream, an answer over the size limit."""

import http.client
import io
import json
import os
import random

from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from PIL import Image

from tests.realtime.servers import AppServer, base_env, run_python

SETUP = """
from ruche.api.services import api_token_create

alice = person("alice@example.com", "Alice")
_token, raw = api_token_create(user=alice, name="test")
print(json.dumps({"token": raw, "session": session(alice)}))
"""

LIMIT_OF_ONE_MB = """
from ruche.files.models import FileSettings

settings = FileSettings.current()
settings.max_size_mb = 1
settings.save()
print("{}")
"""


def noise_png(side: int) -> bytes:
    """A PNG that does not compress: several megabytes, many pieces on the wire."""
    image = Image.frombytes("RGB", (side, side), random.Random(7).randbytes(side * side * 3))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def multipart(name: str, data: bytes) -> tuple[bytes, str]:
    """The file as a form's `file` field (Django's test encoder: the content type from the name)."""
    upload = io.BytesIO(data)
    upload.name = name
    return encode_multipart(BOUNDARY, {"file": upload}), MULTIPART_CONTENT


def request(server, method, path, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        conn.close()


def test_an_upload_in_pieces_and_its_file_streamed_back(server_dir):
    env = base_env(server_dir)
    people = run_python(env, SETUP)
    server = AppServer(env)
    try:
        png = noise_png(1100)  # ~3.6 MB
        assert len(png) > 3_000_000
        body, content_type = multipart("noise.png", png)
        auth = {"Authorization": f"Bearer {people['token']}"}
        status, _, answer = request(
            server, "POST", "/api/ruche/v1/files/", body, {**auth, "Content-Type": content_type}
        )
        assert status == 201, answer[:300]
        uploaded = json.loads(answer)
        assert (uploaded["width"], uploaded["height"]) == (1100, 1100)  # the whole image arrived

        cookie = {"Cookie": f"sessionid={people['session']}"}
        status, headers, data = request(server, "GET", uploaded["url"], headers=cookie)
        assert status == 200
        assert int(headers["content-length"]) == len(data) == uploaded["size"]
        assert Image.open(io.BytesIO(data)).size == (1100, 1100)
    finally:
        server.stop()


def test_an_upload_over_the_limit_is_refused_with_a_clear_message(server_dir):
    env = base_env(server_dir)
    people = run_python(env, SETUP)
    run_python(env, LIMIT_OF_ONE_MB)
    server = AppServer(env)
    try:
        body, content_type = multipart("big.png", os.urandom(3 * 1024 * 1024))
        status, _, answer = request(
            server,
            "POST",
            "/api/ruche/v1/files/",
            body,
            {"Authorization": f"Bearer {people['token']}", "Content-Type": content_type},
        )
        assert status == 400, answer[:300]
        assert "MB" in json.loads(answer)["detail"]
    finally:
        server.stop()
