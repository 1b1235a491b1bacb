"""The SSE view, through Django's ASGI handler: who may connect, replay with Last-Event-ID, stale
ids, disconnection, and that events only reach who may see what they are about."""

import asyncio
import contextlib

import pytest
from django.test import Client

from ruche.communities.models import Community
from ruche.posts import services as posts
from ruche.realtime.broadcast import get_hub
from ruche.realtime.services import event_publish, event_trim
from ruche.realtime.views import in_thread
from tests.realtime.harness import Stream, publish, run

pytestmark = pytest.mark.django_db(transaction=True)


def session_of(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def test_signed_out_browsers_are_refused():
    async def scenario():
        stream = Stream()
        await asyncio.wait_for(stream.task, 5)
        assert stream.status == 403 and not stream.events

    run(scenario())


SECURITY_HEADERS = (
    "x-content-type-options", "referrer-policy", "x-frame-options", "cross-origin-opener-policy",
    "content-security-policy", "strict-transport-security",
)  # fmt: skip


@pytest.mark.parametrize("signed_in", [True, False])
def test_the_stream_carries_the_security_headers_of_the_pages(make_user, settings, signed_in):
    settings.SECURE_HSTS_SECONDS = 3600  # as in production (sent over HTTPS only)
    alice = make_user("Alice")
    client = Client()
    client.force_login(alice)
    page = client.get("/", secure=True)
    expected = {name: page.headers[name] for name in SECURITY_HEADERS if name in page.headers}
    assert len(expected) >= 5

    key = session_of(alice) if signed_in else None

    async def scenario():
        stream = Stream(session_key=key, scheme="https")
        await stream.until("ready") if signed_in else await asyncio.wait_for(stream.task, 5)
        headers = {name: stream.headers.get(name) for name in expected}
        if signed_in:
            await stream.close()
        return headers

    assert run(scenario()) == expected


def test_the_stream_is_refused_under_wsgi(make_user):
    client = Client()
    client.force_login(make_user("Alice"))
    assert run(lambda: client.get("/events/")).status_code == 204  # EventSource stops, no error


def test_live_events_reach_the_signed_in_person_only(broadcaster, make_user):
    alice, bruno = make_user("Alice"), make_user("Bruno")
    key = session_of(alice)

    async def scenario():
        stream = Stream(session_key=key)
        assert (await stream.until("ready"))[0] is not None
        assert stream.status == 200
        await publish(type="notifications", data={"unread": 5}, user_ids=[bruno.pk])
        [sent] = await publish(type="notifications", data={"unread": 1}, user_ids=[alice.pk])
        assert await stream.until("notifications") == (sent.id, "notifications", {"unread": 1})
        await stream.close()

    run(scenario())


@pytest.mark.parametrize("how", ["header", "query"])
def test_reconnecting_with_the_last_event_id_replays_what_was_missed(how, make_user):
    alice = make_user("Alice")
    key = session_of(alice)
    seen = event_publish(type="notifications", data={"unread": 1}, user_ids=[alice.pk])[0]
    missed = [
        event_publish(type="notifications", data={"unread": 2}, user_ids=[alice.pk])[0],
        event_publish(
            type="post.counts",
            data={"post": 3, "reactions": 1, "replies": 0, "shares": 0},
            channels=["public"],
        )[0],
    ]
    event_publish(type="post.counts", data={"post": 4}, channels=["community:999"])  # not Alice's

    async def scenario():
        if how == "header":
            stream = Stream(session_key=key, headers=[("Last-Event-ID", str(seen.id))])
        else:
            stream = Stream(session_key=key, query=f"last_event_id={seen.id}")
        ready = await stream.until("ready")
        assert [e[0] for e in stream.events[:-1]] == [e.id for e in missed]
        assert ready[0] == missed[-1].id + 1  # the latest id of the log, to resume from
        await stream.close()

    run(scenario())


def test_the_page_age_replays_what_happened_since_the_page_was_drawn(make_user):
    alice = make_user("Alice")
    key = session_of(alice)
    sent = event_publish(type="feed.post", data={"post": 12}, user_ids=[alice.pk])[0]

    async def scenario():
        stream = Stream(session_key=key, query="age=500")  # drawn half a second ago
        await stream.until("ready")
        assert stream.events[0] == (sent.id, "feed.post", {"post": 12})
        await stream.close()

    run(scenario())


@pytest.mark.parametrize("case", ["trimmed", "unknown", "too_much"])
def test_a_stale_last_event_id_tells_the_browser_to_reload(case, make_user, settings):
    alice = make_user("Alice")
    key = session_of(alice)
    old = event_publish(type="notifications", data={"unread": 1}, user_ids=[alice.pk])[0]
    event_publish(type="notifications", data={"unread": 2}, user_ids=[alice.pk])
    event_publish(type="notifications", data={"unread": 3}, user_ids=[alice.pk])
    last = old.id - 1
    if case == "trimmed":
        event_trim(minutes=0)  # the latest event alone is kept
    elif case == "unknown":
        last = old.id + 1_000
    else:
        settings.REALTIME_REPLAY_MAX = 2

    async def scenario():
        stream = Stream(session_key=key, headers=[("Last-Event-ID", str(last))])
        await asyncio.wait_for(stream.task, 5)  # the stream ends after telling
        assert [e[1] for e in stream.events] == ["reload"]

    run(scenario())


def test_a_disconnected_browser_frees_its_place(broadcaster, make_user):
    alice = make_user("Alice")
    key = session_of(alice)

    async def scenario():
        streams = [Stream(session_key=key) for _ in range(3)]
        for stream in streams:
            await stream.until("ready")
        hub = get_hub()
        assert hub.size == 3
        listener = hub.task
        for stream in streams:
            await stream.close()
        assert hub.size == 0 and hub.task is None
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(listener, 5)  # the listener ends with the last stream
        assert listener.done()

    run(scenario())


def test_post_events_only_reach_who_may_see_the_post(broadcaster, make_user):
    """A reaction in a private community: its members' streams hear the new count, an outsider's
    does not; a followed author's new post reaches the follower's feed stream only."""
    from ruche.accounts.services import user_follow
    from ruche.communities.models import Membership

    author, member, outsider = make_user("Alice"), make_user("Bruno"), make_user("Chloe")
    secret = Community.objects.create(
        name="Atlas", slug="atlas", visibility=Community.Visibility.PRIVATE, created_by=author
    )
    for person in (author, member):
        Membership.objects.create(community=secret, user=person)
    user_follow(follower=outsider, followed=author)
    user_follow(follower=member, followed=author)
    private_post = posts.post_create(author=author, body="Secret milestone", communities=[secret])
    keys = {"member": session_of(member), "outsider": session_of(outsider)}

    async def scenario():
        member_stream, outsider_stream = (
            Stream(session_key=keys["member"]),
            Stream(session_key=keys["outsider"]),
        )
        await member_stream.until("ready")
        await outsider_stream.until("ready")
        await in_thread(posts.reaction_set)(post=private_post, user=member, kind="like")
        public = await in_thread(posts.post_create)(author=author, body="Hello all")
        counts = await member_stream.until("post.counts")
        assert counts[2] == {"post": private_post.pk, "reactions": 1, "replies": 0, "shares": 0}
        await outsider_stream.until("feed.post")
        await member_stream.until("feed.post")
        assert [e[2] for e in outsider_stream.events if e[1] == "feed.post"] == [{"post": public.pk}]
        assert not [e for e in outsider_stream.events if e[1] == "post.counts"]
        await member_stream.close()
        await outsider_stream.close()

    run(scenario())


def test_open_streams_hold_no_thread_each(make_user):
    """The entry point serves the stream without Django's per-request thread (ruche/realtime/asgi.py)."""
    import threading

    key = session_of(make_user("Alice"))

    async def scenario():
        first = Stream(session_key=key)
        await first.until("ready")
        before = threading.active_count()
        streams = [Stream(session_key=key) for _ in range(40)]
        for stream in streams:
            await stream.until("ready")
        assert threading.active_count() - before <= 10  # a small pool for the queries, not 40 threads
        for stream in [first, *streams]:
            await stream.close()

    run(scenario())


def test_heartbeats_keep_an_idle_stream_open_until_it_ends_by_itself(make_user, settings):
    settings.REALTIME_HEARTBEAT_SECONDS = 1
    settings.REALTIME_STREAM_SECONDS = 3
    key = session_of(make_user("Alice"))

    async def scenario():
        stream = Stream(session_key=key)
        await stream.until("ready")
        await asyncio.wait_for(stream.task, 10)  # ended by the server: the browser reconnects
        assert b": heartbeat\n\n" in stream.body and b"retry: 3000" in stream.body
        assert get_hub().size == 0

    run(scenario())
