"""Notifications, run by the task worker after commit, at least once: each is safe to run again or
twice at once (one row per recipient, kind and event key: ruche.notifications.services)."""

from django.tasks import task

from ruche.accounts.models import Follow, User
from ruche.notifications.services import Event, Kind, notify, notify_each, notify_reactions
from ruche.posts.models import Post, Reaction
from ruche.worker.backend import coalesce


@task()
def notify_new_post(post_id: int, mentioned_ids: list[int], mentions_only: bool = False) -> int:
    """Mentions first; then, for a share, the original's author; for a reply, the post's author and
    the others in the conversation. Each group is told in bulk: the number of people does not change
    the number of queries. Nobody is told of a post they may not read (services._audience)."""
    post = (
        Post.objects.select_related("author", "parent", "shared_post")
        .filter(pk=post_id, deleted_at__isnull=True)
        .first()
    )
    if post is None:
        return 0
    key = f"post:{post.pk}"
    told: set[int] = {post.author_id, *mentioned_ids}
    sent = notify_each(Event(Kind.MENTION, post.author_id, key, post=post), mentioned_ids)
    if not mentions_only and post.shared_post is not None and post.shared_post.author_id not in told:
        sent += notify_each(Event(Kind.SHARE, post.author_id, key, post=post), [post.shared_post.author_id])
    if mentions_only or post.parent is None:
        return sent
    parent = post.parent
    if parent.author_id not in told:
        sent += notify_each(Event(Kind.REPLY, post.author_id, key, post=post), [parent.author_id])
        told.add(parent.author_id)
    others = (
        Post.objects.filter(parent=parent, deleted_at__isnull=True, pk__lt=post.pk)
        .exclude(author_id__in=told)
        .values_list("author_id", flat=True)
        .distinct()
    )
    return sent + notify_each(Event(Kind.THREAD_REPLY, post.author_id, key, post=post), others.iterator())


@task()
def notify_reaction(reaction_id: int) -> bool:
    reaction = Reaction.objects.select_related("post__author", "post__parent").filter(pk=reaction_id).first()
    if reaction is None or reaction.user_id == reaction.post.author_id:
        return False
    return notify_reactions(post=reaction.post) is not None


@task()
def notify_follow(follow_id: int) -> bool:
    follow = Follow.objects.select_related("follower", "followed").filter(pk=follow_id).first()
    if follow is None:
        return False
    told = notify(
        recipient=follow.followed, kind=Kind.FOLLOW, actor=follow.follower, key=f"follow:{follow.pk}"
    )
    return told is not None


@task()
def notify_community(
    recipient_id: int,
    kind: str,
    actor_id: int,
    community_id: int | None,
    post_id: int | None,
    detail: str = "",
    key: str = "",
) -> bool:
    """Membership and moderation news: requests, decisions, invitations, hidden posts. `key` names
    the decision told ("join_request:4", "audit:17"); empty in tasks queued before keys existed."""
    recipient = User.objects.filter(pk=recipient_id, is_active=True).first()
    if recipient is None or not User.objects.filter(pk=actor_id).exists():
        return False
    from ruche.communities.models import Community

    post = Post.objects.select_related("parent").filter(pk=post_id).first() if post_id else None
    if community_id is not None:  # gone meanwhile (a declined request): told without it
        community_id = Community.objects.filter(pk=community_id).values_list("pk", flat=True).first()
    event = Event(kind, actor_id, key or None, post=post, community_id=community_id, detail=detail)
    return notify_each(event, [recipient.pk]) > 0


@coalesce(round_up=60)
@task()
def emails_send_due() -> dict:
    """Send the e-mails that are due (the outbox); enqueued by the scheduler every minute and when
    an e-mail is queued. One waiting sweep serves every e-mail queued meanwhile (and one deferred
    sweep every e-mail due within the same minute): each new e-mail asked for its own."""
    from ruche.notifications.mail import emails_send_due as send

    return send()


@task()
def digests_send(frequency: str) -> dict:
    """Build this period's digests (once per person and period), then send what is due."""
    from ruche.notifications.digest import digests_build
    from ruche.notifications.mail import emails_send_due as send

    built = digests_build(frequency=frequency)
    return {**built, **send()}
