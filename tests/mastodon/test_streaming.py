"""Mastodon's streaming API against a real app server (granian, config.asgi:application): Mastodon.py's
`stream_user` and `stream_public` listeners receive a new post, built for each reader; a private
community's post never reaches an outsider's stream."""

import http.client
import json

import pytest
from mastodon import Mastodon, StreamListener

from tests.realtime import servers
from tests.realtime.servers import AppServer, base_env, run_python, server_dir  # noqa: F401 (fixtures)
from tests.waiting import wait_until

SETUP = """
from ruche.api.services import api_token_create
from ruche.communities.models import Community, Membership

alice, bruno, chloe = person("alice@example.com", "Alice"), person("bruno@example.com", "Bruno"), person("chloe@example.com", "Chloe")
user_follow(follower=bruno, followed=alice)
private = Community.objects.create(name="Projet Alpha", slug="projet-alpha", visibility="private", created_by=alice)
Membership.objects.create(community=private, user=alice, role="owner")
Membership.objects.create(community=private, user=chloe)
tokens = {name: api_token_create(user=who, name="test")[1] for name, who in [("alice", alice), ("bruno", bruno), ("chloe", chloe)]}
print(json.dumps({"tokens": tokens, "private": private.pk, "bruno": bruno.handle}))
"""


@pytest.fixture
def server(server_dir, monkeypatch):  # noqa: F811
    port = servers.free_port()
    monkeypatch.setattr(servers, "free_port", lambda: port)
    # The instance tells Mastodon.py where to stream from: this very server.
    env = base_env(
        server_dir, RUCHE_SITE_URL=f"http://127.0.0.1:{port}", RUCHE_REALTIME_HEARTBEAT_SECONDS="2"
    )
    setup = run_python(env, SETUP)
    app = AppServer(env)
    try:
        yield app, setup
    finally:
        app.stop()


class Collector(StreamListener):
    def __init__(self):
        self.updates, self.deletes, self.notifications = [], [], []

    def on_update(self, status):
        self.updates.append(status)

    def on_delete(self, status_id):
        self.deletes.append(int(status_id))

    def on_notification(self, notification):
        self.notifications.append(notification)


def client(app, token) -> Mastodon:
    return Mastodon(access_token=token, api_base_url=app.url, version_check_mode="none")


def publish(app, token: str, body: str, communities=()) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", app.port, timeout=30)
    conn.request("POST", "/api/ruche/v1/posts/", body=json.dumps({"body": body, "communities": list(communities)}),
                 headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})  # fmt: skip
    response = conn.getresponse()
    payload = json.loads(response.read())
    assert response.status == 201, payload
    return payload["id"]


def delete(app, token: str, post_id: int) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", app.port, timeout=30)
    conn.request("DELETE", f"/api/ruche/v1/posts/{post_id}", headers={"Authorization": f"Bearer {token}"})
    assert conn.getresponse().status == 204


def listen(api: Mastodon, method: str, *args) -> tuple[Collector, object]:
    collector = Collector()
    handle = getattr(api, method)(*args, collector, run_async=True, timeout=30)
    return collector, handle


def test_streams_deliver_updates_to_readers_only(server):
    app, setup = server
    tokens = setup["tokens"]
    conn = http.client.HTTPConnection("127.0.0.1", app.port, timeout=5)
    conn.request("GET", "/api/v1/streaming/health")
    assert conn.getresponse().read() == b"OK"
    bruno_user, bruno_public = (
        listen(client(app, tokens["bruno"]), "stream_user"),
        listen(client(app, tokens["bruno"]), "stream_public"),
    )
    chloe_public = listen(client(app, tokens["chloe"]), "stream_public")
    alice_user = listen(client(app, tokens["alice"]), "stream_user")
    bruno_tag = listen(client(app, tokens["bruno"]), "stream_hashtag", "alpha")
    chloe_tag = listen(client(app, tokens["chloe"]), "stream_hashtag", "alpha")
    streams = [bruno_user, bruno_public, chloe_public, alice_user, bruno_tag, chloe_tag]
    try:
        wait_until(
            lambda: all(handle.is_receiving() for _, handle in streams), timeout=15, message="streams open"
        )
        secret = publish(app, tokens["alice"], "Members only #alpha", [setup["private"]])
        hello = publish(app, tokens["alice"], f"Hello everyone @{setup['bruno']}")
        wait_until(lambda: len(bruno_user[0].updates) >= 1 and len(bruno_public[0].updates) >= 1
                   and len(chloe_public[0].updates) >= 2, timeout=15, message="the updates")  # fmt: skip
        wait_until(lambda: bruno_user[0].notifications, timeout=15, message="the mention's notification")
        assert [int(s["id"]) for s in bruno_user[0].updates] == [hello]
        assert [int(s["id"]) for s in bruno_public[0].updates] == [hello]  # never the private post
        assert "Hello everyone" in bruno_public[0].updates[0]["content"]
        assert [int(s["id"]) for s in chloe_public[0].updates] == [secret, hello]  # a member reads both
        assert bruno_user[0].notifications[0]["type"] == "mention"
        assert int(bruno_user[0].notifications[0]["status"]["id"]) == hello
        wait_until(lambda: chloe_tag[0].updates, timeout=15, message="the hashtag's update")
        assert [int(s["id"]) for s in chloe_tag[0].updates] == [secret]
        delete(app, tokens["alice"], hello)
        wait_until(lambda: bruno_public[0].deletes, timeout=15, message="the delete")
        assert bruno_public[0].deletes == [hello]
        assert bruno_tag[0].updates == []  # the private post's hashtag told the outsider nothing
    finally:
        for _, handle in streams:
            handle.close()
