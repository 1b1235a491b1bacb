"""The contract every broadcaster keeps, run on both (database polling and Redis pub/sub): an event
reaches the connections it is for, and only those, from whatever process or thread published it;
connections leave nothing behind."""

import asyncio

import pytest

from ruche.realtime.broadcast import Connection, get_hub
from tests.realtime.harness import next_event, publish, run, stop

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_event_for_a_person_reaches_their_streams_only(broadcaster, make_user):
    alice, bruno = make_user("Alice"), make_user("Bruno")

    async def scenario():
        hub = get_hub()
        tab1, tab2, other = Connection(alice.pk, []), Connection(alice.pk, []), Connection(bruno.pk, [])
        for conn in (tab1, tab2, other):
            hub.add(conn)
        await hub.ready.wait()
        [sent] = await publish(type="notifications", data={"unread": 2}, user_ids=[alice.pk])
        got = [await next_event(tab1), await next_event(tab2)]
        assert [(e.id, e.type, e.data) for e in got] == [(sent.id, "notifications", {"unread": 2})] * 2
        # Events arrive in order: Bruno's first event is the one published for him after Alice's.
        [his] = await publish(type="notifications", data={"unread": 1}, user_ids=[bruno.pk])
        assert (await next_event(other)).id == his.id
        await stop(hub)

    run(scenario())


def test_a_channel_event_reaches_its_listeners_in_order(broadcaster, make_user):
    alice, bruno = make_user("Alice"), make_user("Bruno")

    async def scenario():
        hub = get_hub()
        member, outsider = Connection(alice.pk, ["public", "community:7"]), Connection(bruno.pk, ["public"])
        hub.add(member)
        hub.add(outsider)
        await hub.ready.wait()
        first = await publish(type="post.counts", data={"post": 1}, channels=["community:7"])
        second = await publish(type="post.counts", data={"post": 2}, channels=["public"])
        assert [(await next_event(member)).id for _ in range(2)] == [first[0].id, second[0].id]
        # In order: had the community's event reached the outsider, it would have come before this one.
        assert (await next_event(outsider)).id == second[0].id
        assert outsider.queue.empty()
        await stop(hub)

    run(scenario())


def test_many_recipients_in_one_publish(broadcaster, make_user):
    people = [make_user(f"P{i}", "Test") for i in range(30)]

    async def scenario():
        hub = get_hub()
        conns = [Connection(p.pk, []) for p in people]
        for conn in conns:
            hub.add(conn)
        await hub.ready.wait()
        await publish(type="feed.post", data={"post": 9}, user_ids=[p.pk for p in people])
        got = [await next_event(conn) for conn in conns]
        assert {e.user_id for e in got} == {p.pk for p in people}
        await stop(hub)

    run(scenario())


def test_the_listener_stops_when_the_last_connection_leaves(broadcaster, make_user):
    alice = make_user("Alice")

    async def scenario():
        hub = get_hub()
        conn = Connection(alice.pk, ["public"])
        hub.add(conn)
        await hub.ready.wait()
        task = hub.task
        hub.remove(conn)
        assert hub.size == 0 and not hub.users and not hub.channels and hub.task is None
        with pytest.raises(asyncio.CancelledError):
            await task
        # A new connection starts a new listener, which still delivers.
        hub.add(conn)
        await hub.ready.wait()
        await publish(type="notifications", data={"unread": 1}, user_ids=[alice.pk])
        assert (await next_event(conn)).data == {"unread": 1}
        await stop(hub)

    run(scenario())


def test_a_slow_reader_is_told_to_reload_not_fed_forever(broadcaster, make_user):
    alice = make_user("Alice")

    async def scenario():
        hub = get_hub()
        conn, other_tab = Connection(alice.pk, [], maxsize=2), Connection(alice.pk, [])
        hub.add(conn)
        hub.add(other_tab)
        await hub.ready.wait()
        for post in (1, 2, 3):
            await publish(type="feed.post", data={"post": post}, user_ids=[alice.pk])
        # Both tabs are offered each event in the same dispatch: once the roomy one has the third,
        # the small one has been offered it too.
        assert [(await next_event(other_tab)).data["post"] for _ in range(3)] == [1, 2, 3]
        assert conn.overflowed and conn.queue.qsize() == 2
        await stop(hub)

    run(scenario())


def test_a_stream_is_ended_when_redis_cannot_be_reached(settings, make_user):
    """No listener, no stream: the browser retries (and is replayed from the log) later."""
    from ruche.realtime import broadcast

    settings.REALTIME_BROADCASTER = "redis"
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    broadcast.get_broadcaster.cache_clear()
    alice = make_user("Alice")

    async def scenario():
        hub = get_hub()
        conn = Connection(alice.pk, [])
        hub.add(conn)
        assert await asyncio.wait_for(hub.wait_ready(), 10) is False
        assert await next_event(conn) is None  # the listener's failure closes the streams
        hub.remove(conn)

    run(scenario())
