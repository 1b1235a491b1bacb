from datetime import timedelta

import pytest
from django.utils import timezone

from ruche.accounts.models import User
from ruche.accounts.services import user_deactivate, user_follow
from ruche.feed import services
from ruche.feed.models import FeedEntry
from ruche.feed.selectors import home_feed
from ruche.posts.models import Hashtag, Post
from ruche.posts.services import hashtag_follow, post_create, post_delete

pytestmark = pytest.mark.django_db


def feed_of(user) -> dict[int, str]:
    """post id -> reason, for one person's fanned-out entries."""
    return dict(FeedEntry.objects.filter(user=user).values_list("post_id", "reason"))


def away(user, days: int) -> None:
    User.objects.filter(pk=user.pk).update(last_seen_at=timezone.now() - timedelta(days=days))


def tag(key: str) -> Hashtag:
    return Hashtag.objects.get_or_create(key=key, defaults={"name": key})[0]


def test_fan_out_reaches_followers_hashtag_followers_and_mentioned(alice, bruno, chloe, david, side_effects):
    user_follow(follower=bruno, followed=alice)
    hashtag_follow(user=chloe, hashtag=tag("qualite"))
    with side_effects():
        post = post_create(author=alice, body="Audit #Qualité avec @david.roux")
    assert feed_of(alice) == {post.pk: "own"}
    assert feed_of(bruno) == {post.pk: "follow"}
    assert feed_of(chloe) == {post.pk: "hashtag"}
    assert feed_of(david) == {post.pk: "mention"}
    assert FeedEntry.objects.get(user=bruno).created == post.created


def test_a_mention_wins_over_follow_and_hashtag(alice, bruno, side_effects):
    user_follow(follower=bruno, followed=alice)
    hashtag_follow(user=bruno, hashtag=tag("qualite"))
    with side_effects():
        post = post_create(author=alice, body="#qualite @bruno.lefevre")
    assert feed_of(bruno) == {post.pk: "mention"}


def test_follow_wins_over_hashtag(alice, bruno, side_effects):
    user_follow(follower=bruno, followed=alice)
    hashtag_follow(user=bruno, hashtag=tag("qualite"))
    with side_effects():
        post = post_create(author=alice, body="#qualite")
    assert feed_of(bruno) == {post.pk: "follow"}


def test_the_author_is_not_fanned_out_to_twice(alice, side_effects):
    hashtag_follow(user=alice, hashtag=tag("qualite"))
    with side_effects():
        post = post_create(author=alice, body="Moi @alice.martin et #qualite")
    assert FeedEntry.objects.filter(user=alice).count() == 1
    assert feed_of(alice) == {post.pk: "own"}


def test_fan_out_is_idempotent(alice, bruno, chloe, side_effects):
    user_follow(follower=bruno, followed=alice)
    hashtag_follow(user=chloe, hashtag=tag("lean"))
    with side_effects():
        post = post_create(author=alice, body="#lean")
    before = list(FeedEntry.objects.order_by("user_id").values_list("user_id", "post_id", "reason"))
    services.post_fan_out(Post.objects.select_related("author").get(pk=post.pk))
    services.post_fan_out(Post.objects.select_related("author").get(pk=post.pk))
    assert list(FeedEntry.objects.order_by("user_id").values_list("user_id", "post_id", "reason")) == before
    assert len(before) == 3


def test_replies_and_deleted_posts_are_not_fanned_out(alice, bruno, side_effects):
    user_follow(follower=bruno, followed=alice)
    post = post_create(author=alice, body="Sans effets")
    reply = post_create(author=alice, body="Réponse", parent=post)
    assert services.post_fan_out(reply) == 0
    post_delete(post=post, by=alice)
    assert services.post_fan_out(post) == 0
    assert feed_of(bruno) == {}


def test_former_colleagues_get_no_fan_out(alice, bruno, chloe, admin, side_effects):
    user_follow(follower=bruno, followed=alice)
    user_deactivate(user=bruno, by=admin)
    with side_effects():
        post_create(author=alice, body="Bonjour @chloe.petit")
    assert feed_of(bruno) == {}


def test_people_away_for_long_are_skipped_then_rebuilt(alice, bruno, chloe, settings, side_effects):
    settings.FEED_INACTIVE_DAYS = 30
    user_follow(follower=bruno, followed=alice)
    hashtag_follow(user=bruno, hashtag=tag("lean"))
    user_follow(follower=chloe, followed=alice)
    away(bruno, 31)
    away(chloe, 29)
    with side_effects():
        followed = post_create(author=alice, body="Nouvelles de l'usine")
        tagged = post_create(author=chloe, body="#lean")
        mention = post_create(author=chloe, body="Tu reviens quand, @bruno.lefevre ?")
    assert feed_of(bruno) == {mention.pk: "mention"}  # a mention reaches people however long away
    assert feed_of(chloe)[followed.pk] == "follow"  # 29 days: still around
    bruno.refresh_from_db()
    assert services.feed_rebuild(bruno) >= 2
    assert feed_of(bruno) == {followed.pk: "follow", tagged.pk: "hashtag", mention.pk: "mention"}
    bruno.refresh_from_db()
    assert bruno.feed_built_at > timezone.now() - timedelta(minutes=1)
    assert services.feed_rebuild(bruno) == 3  # again: nothing doubled
    assert FeedEntry.objects.filter(user=bruno).count() == 3


def test_rebuild_brings_own_posts_and_skips_old_deleted_and_replies(alice, bruno, settings):
    settings.FEED_REBUILD_DAYS = 60
    user_follow(follower=bruno, followed=alice)
    old = post_create(author=alice, body="Il y a longtemps")
    Post.objects.filter(pk=old.pk).update(created=timezone.now() - timedelta(days=61))
    gone = post_create(author=alice, body="Supprimé")
    post_delete(post=gone, by=alice)
    recent = post_create(author=alice, body="Récent")
    post_create(author=alice, body="Réponse", parent=recent)
    mine = post_create(author=bruno, body="Le mien")
    FeedEntry.objects.filter(user=bruno).delete()
    services.feed_rebuild(bruno)
    assert feed_of(bruno) == {recent.pk: "follow", mine.pk: "own"}


def test_backfill_after_following_a_hashtag(alice, bruno, side_effects):
    first = post_create(author=alice, body="#lean premier")
    post_create(author=alice, body="#autre")
    with side_effects():
        hashtag_follow(user=bruno, hashtag=Hashtag.objects.get(key="lean"))
    assert feed_of(bruno) == {first.pk: "hashtag"}


def test_large_audiences_are_not_fanned_out_but_pulled(alice, bruno, make_user, settings, side_effects):
    settings.FEED_LARGE_AUDIENCE = 3
    fans = [make_user("Fan", f"N{i}") for i in range(3)]
    for person in [bruno, *fans]:
        user_follow(follower=person, followed=alice)
    alice.refresh_from_db()
    assert alice.follower_count == 4
    chloe = make_user("Chloé", "Petit")
    user_follow(follower=bruno, followed=chloe)
    with side_effects():
        a1 = post_create(author=alice, body="Annonce 1")
        c1 = post_create(author=chloe, body="Chloé 1")
        a2 = post_create(author=alice, body="Annonce 2")
        c2 = post_create(author=chloe, body="Chloé 2")
    assert not FeedEntry.objects.filter(post__author=alice).exclude(user=alice).exists()
    assert feed_of(bruno) == {c1.pk: "follow", c2.pk: "follow"}
    page = home_feed(bruno)
    assert [p.pk for p in page] == [c2.pk, a2.pk, c1.pk, a1.pk]
    assert [p.feed_reason for p in page] == ["follow"] * 4
    assert [p.pk for p in home_feed(fans[0])] == [a2.pk, a1.pk]


def test_large_hashtags_are_pulled_too(alice, bruno, make_user, settings, side_effects):
    settings.FEED_LARGE_AUDIENCE = 3
    qualite = tag("qualite")
    for person in [bruno, *(make_user("Fan", f"N{i}") for i in range(3))]:
        hashtag_follow(user=person, hashtag=qualite)
    with side_effects():
        post = post_create(author=alice, body="#qualite pour tous")
    assert feed_of(bruno) == {}
    page = home_feed(bruno)
    assert [(p.pk, p.feed_reason) for p in page] == [(post.pk, "hashtag")]


def test_feed_trim_keeps_the_newest(alice, settings):
    posts = [post_create(author=alice, body=f"Message {i}") for i in range(8)]
    settings.FEED_MAX_ENTRIES = 5
    assert services.feed_trim(alice.pk) == 3
    assert sorted(feed_of(alice)) == [p.pk for p in posts[3:]]
    assert services.feed_trim(alice.pk) == 0
    assert FeedEntry.objects.filter(user=alice).count() == 5


def test_a_rebuilt_feed_brings_back_the_posts_of_ones_communities(alice, bruno, side_effects):
    from ruche.communities.services import community_create, community_join
    from ruche.feed.models import FeedEntry
    from ruche.feed.services import feed_rebuild
    from ruche.posts.services import post_create

    community = community_create(by=alice, name="Atelier 3")
    community_join(community=community, user=bruno)
    post = post_create(author=alice, body="Nouvelle consigne", communities=[community])
    FeedEntry.objects.filter(user=bruno).delete()
    feed_rebuild(bruno)
    assert FeedEntry.objects.filter(user=bruno, post=post, reason="community").exists()
