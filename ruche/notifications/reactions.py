"""Who is told of what happens below notifications (ruche/core/events.py; registered in
NotificationsConfig.ready). Each reaction enqueues its task in the publisher's transaction."""

from dataclasses import asdict

from ruche.accounts.events import PersonFollowed
from ruche.communities.events import CommunityNotice, PlacementApproved, ReplyApproved
from ruche.core.events import subscribe
from ruche.notifications import tasks
from ruche.posts.events import PostEdited, PostPublished, ReactionAdded


def register() -> None:
    subscribe(PersonFollowed, notify_follow)
    subscribe(PostPublished, notify_published)
    subscribe(PostEdited, notify_new_mentions)
    subscribe(ReactionAdded, notify_reaction)
    subscribe(PlacementApproved, notify_approved_post)
    subscribe(ReplyApproved, notify_approved_reply)
    subscribe(CommunityNotice, notify_community)


def notify_follow(event: PersonFollowed) -> None:
    tasks.notify_follow.enqueue(follow_id=event.follow_id)


def notify_published(event: PostPublished) -> None:
    tasks.notify_new_post.enqueue(post_id=event.post.pk, mentioned_ids=list(event.mentioned_ids))


def notify_new_mentions(event: PostEdited) -> None:
    if event.new_mention_ids:
        tasks.notify_new_post.enqueue(
            post_id=event.post.pk, mentioned_ids=list(event.new_mention_ids), mentions_only=True
        )


def notify_reaction(event: ReactionAdded) -> None:
    tasks.notify_reaction.enqueue(reaction_id=event.reaction_id)


def notify_approved_post(event: PlacementApproved) -> None:
    """Its community's followers now, and those it mentions who could not be told while it waited."""
    tasks.notify_new_post.enqueue(post_id=event.post.pk, mentioned_ids=list(event.new_mention_ids))


def notify_approved_reply(event: ReplyApproved) -> None:
    tasks.notify_new_post.enqueue(post_id=event.reply.pk, mentioned_ids=list(event.mentioned_ids))


def notify_community(event: CommunityNotice) -> None:
    """A decision about someone: told once per `key` (the request, the invitation, the audit entry)."""
    tasks.notify_community.enqueue(**asdict(event))
