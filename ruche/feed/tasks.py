from django.conf import settings
from django.tasks import task

from ruche.accounts.models import User
from ruche.feed import services
from ruche.feed.models import FeedEntry
from ruche.posts.models import Hashtag, Post
from ruche.posts.policies import visible_posts
from ruche.realtime import events as realtime
from ruche.worker.runner import checkpoint, save_checkpoint


@task()
def fan_out_post(post_id: int) -> int:
    """Idempotent on (user, post). Run again, it announces the post again: browsers count new
    posts by id (realtime.js), so the banner does not grow."""
    post = Post.objects.select_related("author").filter(pk=post_id).first()
    if post is None:
        return 0
    # In batches, each one's last reader saved: after a crash, the retry goes on from there.
    written = services.post_fan_out(post, after=checkpoint() or 0, progress=save_checkpoint)
    # Realtime: the "new posts" banner of everyone whose feed now holds it.
    readers = FeedEntry.objects.filter(post=post).values_list("user_id", flat=True)
    realtime.feed_post_arrived(post, readers.iterator(chunk_size=settings.FANOUT_BATCH_SIZE))
    return written


@task()
def remove_post_from_feeds(post_id: int) -> int:
    deleted, _rows = FeedEntry.objects.filter(post_id=post_id).delete()
    return deleted


@task()
def backfill_follow(user_id: int, author_id: int) -> int:
    """Run again after an unfollow, it brings nothing back: the follow must still be there."""
    user = User.objects.filter(pk=user_id, following_set__followed_id=author_id).first()
    if user is None:
        return 0
    return services.feed_backfill(user, Post.objects.filter(author_id=author_id), FeedEntry.Reason.FOLLOW)


@task()
def backfill_hashtag(user_id: int, hashtag_id: int) -> int:
    user = User.objects.filter(pk=user_id, hashtag_follows__hashtag_id=hashtag_id).first()
    tag = Hashtag.objects.filter(pk=hashtag_id).first()
    if user is None or tag is None:
        return 0
    return services.feed_backfill(user, tag.posts.all(), FeedEntry.Reason.HASHTAG)


@task()
def backfill_community(user_id: int, community_id: int) -> int:
    """A new member sees the community's recent posts in their feed (if still a member)."""
    user = User.objects.filter(pk=user_id, memberships__community_id=community_id).first()
    if user is None:
        return 0
    posts = Post.objects.filter(placements__community_id=community_id, placements__status="approved")
    return services.feed_backfill(user, posts, FeedEntry.Reason.COMMUNITY)


@task()
def forget_community(user_id: int, community_id: int) -> int:
    """Someone left (or was removed): what they may no longer read leaves their feed."""
    user = User.objects.filter(pk=user_id).first()
    if user is None:
        return 0
    placed = Post.objects.filter(placements__community_id=community_id)
    still_visible = visible_posts(user, placed).values("pk")
    deleted, _rows = (
        FeedEntry.objects.filter(user=user, post__in=placed.values("pk"))
        .exclude(post__in=still_visible)
        .delete()
    )
    return deleted
