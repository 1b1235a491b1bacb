"""The large demo's set-based fan-out (PostgreSQL) writes exactly the rows the feed's own rules write:
`post_fan_out` for each top-level post, then `feed_trim` for each person."""

import random
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from ruche.accounts.models import User
from ruche.communities.models import Community, Membership, Placement
from ruche.demo import company as demo
from ruche.feed.models import FeedEntry
from ruche.posts.models import Post

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the set-based fan-out is PostgreSQL's (SQLite: post by post)",
    ),
]
Reason = FeedEntry.Reason
Visibility = Community.Visibility


def written() -> tuple[set, dict]:
    rows = set(FeedEntry.objects.values_list("user_id", "post_id", "reason"))
    return rows, dict(User.objects.values_list("pk", "feed_horizon"))


def feed_constraints() -> dict:
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, FeedEntry._meta.db_table)


def rewrite(fan_out) -> tuple[set, dict]:
    FeedEntry.objects.all().delete()
    User.objects.update(feed_horizon=None)
    with transaction.atomic():
        fan_out()
    return written()


def add_communities(rng: random.Random, large: int) -> None:
    """Every case of post_fan_out's community rules, on the generated posts: public and private
    communities, one above the large-audience threshold, placements approved or not, a post in
    a public and a private one; and posts hidden, deleted, placed nowhere."""
    people = list(User.objects.order_by("pk").values_list("pk", flat=True))
    tops = list(Post.objects.filter(parent__isnull=True).order_by("pk").values_list("pk", flat=True))
    shapes = [
        ("public", Visibility.PUBLIC, 40),
        ("crowd", Visibility.PUBLIC, large + 20),  # pulled at read time
        ("private", Visibility.PRIVATE, 50),
        ("secret", Visibility.SECRET, 30),
        ("private-crowd", Visibility.PRIVATE, large + 10),
    ]
    communities = []
    for slug, visibility, size in shapes:
        members = rng.sample(people, size)
        community = Community.objects.create(name=slug, slug=slug, visibility=visibility, member_count=size)
        Membership.objects.bulk_create(Membership(community=community, user_id=uid) for uid in members)
        communities.append(community)
    placements = []
    for pk in rng.sample(tops, len(tops) // 2):
        for community in rng.sample(communities, rng.choice([1, 1, 2])):
            status = rng.choice([Placement.Status.APPROVED] * 3 + [Placement.Status.PENDING])
            placements.append(Placement(post_id=pk, community=community, status=status))
    Placement.objects.bulk_create(placements)
    now = timezone.now()
    Post.objects.filter(pk__in=rng.sample(tops, 10)).update(hidden_at=now)
    Post.objects.filter(pk__in=rng.sample(tops, 10)).update(deleted_at=now)
    # Mentioned people no longer here, or long away (a mention reaches them all the same).
    mentioned = list(Post.mentions.through.objects.values_list("user_id", flat=True).distinct())
    User.objects.filter(pk__in=rng.sample(mentioned, 5)).update(is_active=False)
    User.objects.filter(pk__in=rng.sample(mentioned, 5)).update(last_seen_at=now - timedelta(days=90))


def test_set_based_fan_out_writes_what_post_fan_out_and_feed_trim_write(settings):
    settings.FEED_LARGE_AUDIENCE = 60  # several authors and hashtags are pulled at read time
    settings.FEED_MAX_ENTRIES = 15  # many feeds are trimmed
    call_command("demo_company", employees=250, weeks=1, stdout=StringIO())

    generated = written()
    assert generated == rewrite(demo._fan_out_per_post)
    rows, horizons = generated
    assert {reason for _u, _p, reason in rows} == {Reason.OWN, Reason.FOLLOW, Reason.HASHTAG, Reason.MENTION}
    assert sum(h is not None for h in horizons.values()) > 25, sum(h is not None for h in horizons.values())

    add_communities(random.Random(3), settings.FEED_LARGE_AUDIENCE)
    schema = feed_constraints()
    in_sql = rewrite(demo._fan_out_in_sql)
    assert feed_constraints() == schema  # the indexes and constraints dropped while writing are back
    assert in_sql == rewrite(demo._fan_out_per_post)
    rows, horizons = in_sql
    assert {reason for _u, _p, reason in rows} == set(Reason)
    assert in_sql != generated
    assert sum(h is not None for h in horizons.values()) > 25, sum(h is not None for h in horizons.values())
