"""What the rest of Ruche publishes, after commit, and to whom (the policies)."""

import pytest

from ruche.accounts.services import user_follow
from ruche.communities.models import Community, Membership, Placement
from ruche.notifications.services import notifications_mark_all_read
from ruche.posts import services as posts
from ruche.realtime import policies
from ruche.realtime.models import RealtimeEvent
from ruche.realtime.selectors import Stale, events_after, missed_events
from ruche.realtime.services import event_publish, event_trim

pytestmark = pytest.mark.django_db


def events(type_):
    return list(
        RealtimeEvent.objects.filter(type=type_).order_by("id").values_list("user_id", "channel", "data")
    )


def community(owner, visibility=Community.Visibility.PRIVATE, *members):
    c = Community.objects.create(
        name=f"C {visibility}", slug=f"c-{visibility}", visibility=visibility, created_by=owner
    )
    for person in (owner, *members):
        Membership.objects.create(community=c, user=person)
    return c


def test_a_new_post_is_announced_to_the_feeds_it_reached_after_commit(make_user, side_effects):
    alice, bruno, chloe = make_user("Alice"), make_user("Bruno"), make_user("Chloe")
    user_follow(follower=bruno, followed=alice)
    with side_effects():
        post = posts.post_create(author=alice, body="Hello")
        assert not events("feed.post")  # nothing before commit
    assert events("feed.post") == [(bruno.pk, "", {"post": post.pk})]
    assert chloe.pk not in {e[0] for e in events("feed.post")}


def test_a_private_post_is_announced_to_members_only(make_user, side_effects):
    alice, bruno, chloe = make_user("Alice"), make_user("Bruno"), make_user("Chloe")
    private = community(alice, Community.Visibility.PRIVATE, bruno)
    user_follow(follower=chloe, followed=alice)  # follows, but may not read the community
    with side_effects():
        posts.post_create(author=alice, body="Members only", communities=[private])
    assert [e[0] for e in events("feed.post")] == [bruno.pk]


def test_a_very_large_community_is_announced_on_its_channel(make_user, side_effects, settings):
    settings.FEED_LARGE_AUDIENCE = 1
    alice, bruno = make_user("Alice"), make_user("Bruno")
    big = community(alice, Community.Visibility.PUBLIC, bruno)
    Community.objects.filter(pk=big.pk).update(member_count=2)
    with side_effects():
        post = posts.post_create(author=alice, body="To everyone", communities=[big])
    assert events("feed.post") == [(None, f"community:{big.pk}", {"post": post.pk})]


def test_reactions_and_replies_publish_the_counts_to_who_may_see_the_post(make_user, side_effects):
    alice, bruno = make_user("Alice"), make_user("Bruno")
    private = community(alice, Community.Visibility.PRIVATE, bruno)
    public_post = posts.post_create(author=alice, body="Public")
    private_post = posts.post_create(author=alice, body="Private", communities=[private])
    with side_effects():
        posts.reaction_set(post=public_post, user=bruno, kind="like")
    with side_effects():
        posts.post_create(author=bruno, body="A reply", parent=private_post)
    with side_effects():
        posts.reaction_remove(post=public_post, user=bruno)
    assert events("post.counts") == [
        (None, "public", {"post": public_post.pk, "reactions": 1, "replies": 0, "shares": 0}),
        (
            None,
            f"community:{private.pk}",
            {"post": private_post.pk, "reactions": 0, "replies": 1, "shares": 0},
        ),
        (None, "public", {"post": public_post.pk, "reactions": 0, "replies": 0, "shares": 0}),
    ]


def test_notifications_publish_the_unread_count(make_user, side_effects):
    alice, bruno = make_user("Alice"), make_user("Bruno")
    with side_effects():
        posts.post_create(author=bruno, body=f"Hello @{alice.handle}")
    assert events("notifications") == [(alice.pk, "", {"unread": 1})]
    with side_effects():
        notifications_mark_all_read(user=alice)
    assert events("notifications")[-1] == (alice.pk, "", {"unread": 0})


def test_post_channels_follow_the_visibility_rules(make_user):
    alice = make_user("Alice")
    private, public = community(alice), community(alice, Community.Visibility.PUBLIC)
    anywhere = posts.post_create(author=alice, body="Anywhere")
    assert policies.post_channels(anywhere) == ["public"]
    inside = posts.post_create(author=alice, body="Inside", communities=[private])
    assert policies.post_channels(inside) == [f"community:{private.pk}"]
    both = posts.post_create(author=alice, body="Both", communities=[private, public])
    assert policies.post_channels(both) == ["public"]
    reply = posts.post_create(author=alice, body="Reply", parent=inside)
    assert policies.post_channels(reply) == [f"community:{private.pk}"]
    Placement.objects.filter(post=inside).update(status=Placement.Status.PENDING)
    inside.refresh_from_db()
    assert policies.post_channels(inside) == []
    anywhere.hidden_at = anywhere.created
    assert policies.post_channels(anywhere) == []
    assert policies.stream_channels(alice) == ["public", f"community:{private.pk}", f"community:{public.pk}"]


def test_trim_keeps_a_contiguous_tail_and_the_latest_event(make_user):
    alice = make_user("Alice")
    sent = [event_publish(type="x", data={}, user_ids=[alice.pk])[0] for _ in range(3)]
    assert event_trim() == 0  # all within the replay window
    assert event_trim(minutes=0) == 2
    assert list(RealtimeEvent.objects.values_list("id", flat=True)) == [sent[-1].id]
    with pytest.raises(Stale):
        missed_events(user_id=alice.pk, channels=[], last_id=sent[0].id)
    assert missed_events(user_id=alice.pk, channels=[], last_id=sent[1].id) == ([sent[-1]], sent[-1].id)


def test_replay_and_poll_cost_a_fixed_number_of_queries(make_user, django_assert_max_num_queries):
    alice = make_user("Alice")
    before = event_publish(type="x", data={}, user_ids=[alice.pk])[0].id
    for n in range(50):
        event_publish(type="x", data={"n": n}, user_ids=[alice.pk], channels=["public"])
    with django_assert_max_num_queries(3):
        found, _latest = missed_events(user_id=alice.pk, channels=["public", "community:1"], last_id=before)
    assert len(found) == 100
    with django_assert_max_num_queries(1):
        assert len(events_after(before, 1_000)) == 100


def test_a_home_page_draws_the_stream_settings_without_a_query(
    make_user, client, django_assert_max_num_queries
):
    from django.template import Context, Template

    alice = make_user("Alice")
    with django_assert_max_num_queries(0):
        html = Template("{% load realtime %}{% realtime_stream %}").render(Context({"user": alice}))
    assert 'data-url="/events/"' in html and "Show %(n)s new posts" in html
    client.force_login(alice)
    assert b'id="realtime"' in client.get("/").content


def test_an_announcement_raises_each_recipient_badge_in_one_insert(make_user, side_effects):
    from ruche.announcements.services import announcement_publish

    announcer = make_user("Claire", "Comms", is_announcer=True)
    alice, bruno = make_user("Alice"), make_user("Bruno")
    with side_effects():
        announcement_publish(author=announcer, title="Canteen", body="Opens **Monday**.", everyone=True)
    assert sorted(events("notifications")) == sorted(
        [(alice.pk, "", {"added": 1}), (bruno.pk, "", {"added": 1})]
    )
