"""Two app server processes (granian, the ASGI entry point of `manage.py serve`) sharing one
database: a post published through one reaches a browser stream held by the other, through Redis."""

import http.client
import json
import uuid

import pytest
import redis

from tests.realtime.conftest import redis_url
from tests.realtime.servers import AppServer, StreamReader, base_env, run_python

SETUP = """
from ruche.api.services import api_token_create

alice, bruno, chloe = person("alice@example.com", "Alice"), person("bruno@example.com", "Bruno"), person("chloe@example.com", "Chloe")
user_follow(follower=bruno, followed=alice)
_token, raw = api_token_create(user=alice, name="test")
print(json.dumps({"alice": alice.pk, "token": raw, "bruno": session(bruno), "chloe": session(chloe)}))
"""


@pytest.fixture
def two_servers(server_dir):
    prefix = f"ruche-test-{uuid.uuid4().hex[:8]}"
    env = base_env(
        server_dir,
        RUCHE_REDIS_URL=redis_url(),
        RUCHE_REALTIME_BROADCASTER="redis",
        RUCHE_REALTIME_REDIS_PREFIX=prefix,
    )
    people = run_python(env, SETUP)
    servers = []
    try:
        servers += [AppServer(env), AppServer(env)]
        yield servers, people, prefix
    finally:
        for server in servers:
            server.stop()


def publish(server: AppServer, token: str, body: str) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.request(
        "POST",
        "/api/ruche/v1/posts/",
        body=json.dumps({"body": body}),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    response = conn.getresponse()
    payload = json.loads(response.read())
    assert response.status == 201, payload
    return payload["id"]


def test_a_post_made_through_one_server_reaches_a_stream_held_by_the_other(two_servers):
    (one, other), people, prefix = two_servers
    bruno = StreamReader(other, people["bruno"])  # follows Alice
    chloe = StreamReader(other, people["chloe"])  # does not
    try:
        bruno.wait_for("ready")
        chloe.wait_for("ready")
        # The server holding the streams listens on Redis (one subscription for the process).
        channel = f"{prefix}:events".encode()
        assert dict(redis.Redis.from_url(redis_url()).pubsub_numsub(channel))[channel] == 1

        post_id = publish(one, people["token"], "Hello from the other server")

        bruno.wait_for("feed.post", post=post_id)
        assert not [e for e in chloe.events if e[1] == "feed.post"]
    finally:
        bruno.close()
        chloe.close()
