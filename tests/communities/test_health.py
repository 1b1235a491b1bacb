from datetime import timedelta

import pytest
from django.utils import timezone

from ruche.communities import health, selectors
from ruche.communities.models import Community, CommunityStats
from ruche.communities.tasks import refresh_health
from ruche.posts import services as posts
from ruche.posts.models import Post, Reaction

pytestmark = pytest.mark.django_db


def aged(post: Post, days: int) -> Post:
    """Move a post (or reply) back in time."""
    post.created = timezone.now() - timedelta(days=days)
    Post.objects.filter(pk=post.pk).update(created=post.created)
    return post


def react(post: Post, user, days: int = 0) -> Reaction:
    reaction = posts.reaction_set(post=post, user=user, kind="like")
    Reaction.objects.filter(pk=reaction.pk).update(created=timezone.now() - timedelta(days=days))
    return reaction


@pytest.fixture
def small(make_user, make_community):
    """Olivia and three members (and one who left the company) in a public community."""
    olivia = make_user("Olivia", "Owner")
    m1, m2, m3 = make_user("Max", "Un"), make_user("Nora", "Deux"), make_user("Oscar", "Trois")
    gone = make_user("Gaston", "Parti")
    community = make_community(owner=olivia, members=[m1, m2, m3, gone])
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    return community, olivia, m1, m2, m3


def test_health_figures_of_a_small_community(small, make_user, make_community):
    community, olivia, m1, m2, m3 = small
    colin = make_user("Colin", "Colleague")  # not a member: his reaction is no participation
    # Older than 28 days: counts for nothing.
    old = aged(posts.post_create(author=olivia, body="Il y a longtemps", communities=[community]), 40)
    aged(posts.post_create(author=m2, body="Vieille réponse", parent=old), 35)
    react(old, m3, days=40)
    aged(
        posts.post_create(
            author=olivia, body="Vieille question restée sans réponse", communities=[community]
        ),
        50,
    )
    # This month.
    asked = posts.post_create(author=olivia, body="Qui a le plan ?", communities=[community])
    posts.post_create(author=m1, body="Moi", parent=asked)
    posts.post_create(author=olivia, body="Merci", parent=asked)
    react(asked, colin)
    unanswered = posts.post_create(author=olivia, body="Des idées ?", communities=[community])
    react(unanswered, m2, days=3)
    deleted = posts.post_create(author=m3, body="Oups", communities=[community])
    posts.post_delete(post=deleted, by=m3)
    elsewhere = make_community("Ailleurs", owner=m3)
    posts.post_create(author=m3, body="Pas ici", communities=[elsewhere])

    stats = health.refresh(community)

    assert stats.members == 4  # the former colleague is not counted
    assert stats.active_members_28d == 3  # olivia and m1 wrote, m2 reacted; m3 only long ago
    assert stats.posts_per_week == 0.5  # 2 posts in 4 weeks
    assert stats.replies_per_week == 0.5  # 2 replies in 4 weeks
    assert stats.participation == 0.75  # m1 and olivia replied, m2 reacted: 3 of 4
    assert stats.unanswered_posts == 1
    assert stats.is_active
    assert CommunityStats.objects.get(community=community) == stats
    assert health.refresh(community).pk == stats.pk  # refreshed in place


def test_an_empty_community_is_not_active(make_community):
    stats = health.refresh(make_community())
    assert (stats.members, stats.participation, stats.posts_per_week, stats.unanswered_posts) == (1, 0, 0, 0)
    assert not stats.is_active


def test_pending_posts_do_not_count(small):
    community, olivia, m1, m2, m3 = small
    Community.objects.filter(pk=community.pk).update(premoderate_posts=True)
    community.refresh_from_db()
    posts.post_create(author=m1, body="En attente", communities=[community])
    stats = health.refresh(community)
    assert stats.posts_per_week == 0 and stats.unanswered_posts == 0 and stats.active_members_28d == 0


def test_waiting_and_hidden_content_is_no_activity(small, make_user):
    """Replies awaiting approval and hidden posts or replies are not activity: nobody can read them."""
    community, olivia, m1, m2, m3 = small
    Community.objects.filter(pk=community.pk).update(premoderate_replies=True)
    community.refresh_from_db()
    asked = posts.post_create(author=olivia, body="Qui a le plan ?", communities=[community])
    waiting = posts.post_create(author=m1, body="Moi, en attente", parent=asked)
    assert waiting.awaiting_approval
    hidden = posts.post_create(author=m2, body="Hors charte", communities=[community])
    react(hidden, m3)  # before a moderator hid it
    Post.objects.filter(pk=hidden.pk).update(hidden_at=timezone.now())
    stats = health.refresh(community)
    assert stats.replies_per_week == 0  # the waiting reply
    assert stats.posts_per_week == 0.2  # one shown post in 4 weeks, not the hidden one
    assert stats.unanswered_posts == 1  # its only reply is waiting: unanswered for readers
    assert stats.active_members_28d == 1  # olivia; not m1 (waiting), m2 (hidden), m3 (reacted to it)
    assert stats.participation == 0


@pytest.mark.parametrize(("members", "active"), [(20, True), (21, False)])
def test_active_from_five_percent_participation(make_user, make_community, members, active):
    people = [make_user("Membre", str(n)) for n in range(members - 1)]
    community = make_community(members=people)
    post = posts.post_create(author=community.created_by, body="Bonjour", communities=[community])
    react(post, people[0])
    stats = health.refresh(community)
    assert stats.members == members
    assert stats.participation == pytest.approx(1 / members)
    assert stats.is_active is active


def test_refresh_task_rolls_every_community_up(make_community):
    make_community("Un"), make_community("Deux")
    assert refresh_health.enqueue().return_value == 2
    assert CommunityStats.objects.count() == 2


def test_directory_sorts_by_activity_and_never_computed_last(alice, make_community):
    now = timezone.now()
    lively = make_community("Vivante", last_activity_at=now - timedelta(days=3))
    quiet = make_community("Calme", last_activity_at=now - timedelta(days=2))
    never = make_community("Nouvelle", last_activity_at=now)  # newest activity, no figures yet
    tie = make_community("Aussi calme", last_activity_at=now - timedelta(days=1))
    CommunityStats.objects.create(community=lively, participation=0.5)
    CommunityStats.objects.create(community=quiet, participation=0)
    CommunityStats.objects.create(community=tie, participation=0)
    assert selectors.directory(alice).items == [lively, tie, quiet, never]
    assert selectors.directory(alice, sort="name").items == [tie, quiet, never, lively]
