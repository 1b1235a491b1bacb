"""What the feed does when something happens below it (ruche/core/events.py; registered in
FeedConfig.ready). Each reaction runs in the publisher's transaction and only enqueues its task,
except the author's own feed row, written at once so they see their post on the next page."""

from ruche.accounts.events import PersonFollowed, PersonReturned
from ruche.communities.events import MemberAdded, MemberRemoved, PlacementApproved
from ruche.core.events import subscribe
from ruche.feed import services, tasks
from ruche.feed.models import FeedEntry
from ruche.posts.events import HashtagFollowed, PostDeleted, PostPublished


def register() -> None:
    subscribe(PersonReturned, rebuild_feed)
    subscribe(PersonFollowed, backfill_follow)
    subscribe(PostPublished, fan_out_published)
    subscribe(PostDeleted, forget_deleted)
    subscribe(HashtagFollowed, backfill_hashtag)
    subscribe(MemberAdded, backfill_community)
    subscribe(MemberRemoved, forget_community)
    subscribe(PlacementApproved, fan_out_approved)


def rebuild_feed(event: PersonReturned) -> None:
    services.feed_rebuild(event.user)


def backfill_follow(event: PersonFollowed) -> None:
    tasks.backfill_follow.enqueue(user_id=event.follower_id, author_id=event.followed_id)


def fan_out_published(event: PostPublished) -> None:
    """A post (not a reply, not an idea: those stay in their thread and their campaign)."""
    post = event.post
    if post.parent_id is not None or post.campaign_id is not None:
        return
    FeedEntry.objects.create(
        user_id=post.author_id, post=post, reason=FeedEntry.Reason.OWN, created=post.created
    )
    tasks.fan_out_post.enqueue(post_id=post.pk)


def fan_out_approved(event: PlacementApproved) -> None:
    tasks.fan_out_post.enqueue(post_id=event.post.pk)


def forget_deleted(event: PostDeleted) -> None:
    if event.post.parent_id is None:
        tasks.remove_post_from_feeds.enqueue(post_id=event.post.pk)


def backfill_hashtag(event: HashtagFollowed) -> None:
    tasks.backfill_hashtag.enqueue(user_id=event.user_id, hashtag_id=event.hashtag_id)


def backfill_community(event: MemberAdded) -> None:
    tasks.backfill_community.enqueue(user_id=event.user_id, community_id=event.community_id)


def forget_community(event: MemberRemoved) -> None:
    tasks.forget_community.enqueue(user_id=event.user_id, community_id=event.community_id)
