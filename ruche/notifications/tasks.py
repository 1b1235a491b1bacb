from django.tasks import task

from ruche.accounts.models import Follow, User
from ruche.notifications.services import Kind, notify, notify_grouped
from ruche.posts.models import Post, Reaction
from ruche.worker.backend import coalesce


@task()
def notify_new_post(post_id: int, mentioned_ids: list[int], mentions_only: bool = False) -> int:
    """Mentions first; then, for a reply, the post's author and the others in the conversation."""
    post = Post.objects.select_related("author", "parent").filter(pk=post_id, deleted_at__isnull=True).first()
    if post is None:
        return 0
    told: set[int] = {post.author_id}
    sent = 0
    for user in User.objects.filter(pk__in=mentioned_ids):
        sent += notify(recipient=user, kind=Kind.MENTION, actor=post.author, post=post) is not None
        told.add(user.pk)
    if mentions_only or post.parent is None:
        return sent
    parent = post.parent
    if parent.author_id not in told:
        sent += notify(recipient=parent.author, kind=Kind.REPLY, actor=post.author, post=post) is not None
        told.add(parent.author_id)
    others = (
        Post.objects.filter(parent=parent, deleted_at__isnull=True, pk__lt=post.pk)
        .exclude(author_id__in=told)
        .values_list("author_id", flat=True)
        .distinct()
    )
    for user in User.objects.filter(pk__in=list(others)):
        sent += notify(recipient=user, kind=Kind.THREAD_REPLY, actor=post.author, post=post) is not None
    return sent


@task()
def notify_reaction(reaction_id: int) -> bool:
    reaction = (
        Reaction.objects.select_related("post__author", "post__parent", "user").filter(pk=reaction_id).first()
    )
    if reaction is None:
        return False
    post = reaction.post
    others = post.reactions.exclude(user_id=post.author_id).count()
    return (
        notify_grouped(
            recipient=post.author,
            kind=Kind.REACTION,
            actor=reaction.user,
            post=post,
            actor_count=others,
        )
        is not None
    )


@task()
def notify_follow(follow_id: int) -> bool:
    follow = Follow.objects.select_related("follower", "followed").filter(pk=follow_id).first()
    if follow is None:
        return False
    return notify(recipient=follow.followed, kind=Kind.FOLLOW, actor=follow.follower) is not None


@task()
def notify_community(
    recipient_id: int,
    kind: str,
    actor_id: int,
    community_id: int | None,
    post_id: int | None,
    detail: str = "",
) -> bool:
    """Membership and moderation news: requests, decisions, invitations, hidden posts."""
    from ruche.communities.models import Community

    recipient = User.objects.filter(pk=recipient_id, is_active=True).first()
    actor = User.objects.filter(pk=actor_id).first()
    if recipient is None or actor is None:
        return False
    post = Post.objects.select_related("parent").filter(pk=post_id).first() if post_id else None
    community = Community.objects.filter(pk=community_id).first() if community_id else None
    notification = notify(
        recipient=recipient, kind=kind, actor=actor, post=post, community=community, detail=detail
    )
    return notification is not None


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
