"""Telling people that new content matches their alerts, after the post is written."""

from django.tasks import task

from ruche.alerts.services import alerts_matching
from ruche.notifications.services import Event, Kind, notify_each
from ruche.posts.models import Post


@task()
def alerts_notify(post_id: int) -> int:
    """Notify, once per post and person (the notification's key), whoever has an alert the post
    matches and may read it (notify_each checks, as for every notification)."""
    post = Post.objects.select_related("parent").filter(pk=post_id, deleted_at=None).first()
    if post is None:
        return 0
    matched = alerts_matching(post)
    if not matched:
        return 0
    event = Event(
        kind=Kind.ALERT,
        actor_id=post.author_id,
        key=f"post:{post.pk}",
        post=post,
        detail=lambda user: matched[user.pk].query,
    )
    return notify_each(event, matched)
