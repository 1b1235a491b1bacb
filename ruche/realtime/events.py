"""The small API the rest of Ruche calls to push something to browsers, after commit.

Each function decides who may receive the event with the existing policies; events carry ids and
numbers, never content: the browser fetches what it shows through the ordinary, permission-checked
pages.
"""

from django.conf import settings
from django.db import transaction

from ruche.realtime import policies
from ruche.realtime.services import event_publish

FEED_POST = "feed.post"
NOTIFICATIONS = "notifications"
POST_COUNTS = "post.counts"
# A post was published, edited or deleted: heard on the channels of those who may read it (the
# Mastodon streaming API builds each reader's status from the id; browsers ignore them).
POST_PUBLISHED = "post.published"
POST_EDITED = "post.edited"
POST_DELETED = "post.deleted"
RELOAD = "reload"


def feed_post_arrived(post, user_ids) -> None:
    """`post` was written into these people's home feeds (fan-out, in the worker). Members of
    communities too large to fan out read it at read time: they hear it on the community channel."""
    from ruche.communities.models import Placement

    large = [
        policies.community_channel(p.community_id)
        for p in post.placements.select_related("community")
        if p.status == Placement.Status.APPROVED and p.community.member_count > settings.FEED_LARGE_AUDIENCE
    ]
    user_ids = [pk for pk in user_ids if pk != post.author_id]
    event_publish(type=FEED_POST, data={"post": post.pk}, user_ids=user_ids, channels=large)


def notifications_changed(user) -> None:
    """A notification was created for `user` (or read): their badge shows the new unread count."""
    from ruche.notifications.selectors import unread_count

    def publish() -> None:
        event_publish(type=NOTIFICATIONS, data={"unread": unread_count(user)}, user_ids=[user.pk])

    transaction.on_commit(publish, robust=True)


def notifications_added(user_ids) -> None:
    """Notifications were created in bulk (an announcement's batch): each badge goes up by one, with
    one insert for the batch instead of a count per person. The next exact count corrects any drift."""
    ids = list(user_ids)
    transaction.on_commit(
        lambda: event_publish(type=NOTIFICATIONS, data={"added": 1}, user_ids=ids), robust=True
    )


def post_counts_changed(post_id: int) -> None:
    """Reactions, replies or shares of a post changed: everyone who may see it and has it on screen updates
    its counts. Computed after commit, from the committed row."""
    transaction.on_commit(lambda: _publish_counts(post_id), robust=True)


def _publish_counts(post_id: int) -> None:
    from ruche.posts.models import Post

    post = Post.objects.select_related("parent").filter(pk=post_id).first()
    if post is None:
        return
    data = {
        "post": post.pk,
        "reactions": post.reaction_count,
        "replies": post.reply_count,
        "shares": post.share_count,
    }
    event_publish(type=POST_COUNTS, data=data, channels=policies.post_channels(post))


def post_changed(post, type_: str) -> None:
    """`post` was published, edited or deleted (POST_*): its id goes to the channels of its readers,
    after commit. A deleted post is told to those who could read it before."""

    def publish() -> None:
        import copy

        shown = post
        if type_ == POST_DELETED:
            shown = copy.copy(post)
            shown.deleted_at = None
        event_publish(type=type_, data={"post": post.pk}, channels=policies.post_channels(shown))

    transaction.on_commit(publish, robust=True)
