"""New content is matched against the alerts after it is written (registered in AlertsConfig.ready);
a post that waited for a moderator is matched when it is approved (the key tells each person once)."""

from ruche.alerts.models import Alert
from ruche.alerts.tasks import alerts_notify
from ruche.communities.events import PlacementApproved, ReplyApproved
from ruche.core.events import subscribe
from ruche.posts.events import PostPublished


def register() -> None:
    subscribe(PostPublished, match_published)
    subscribe(PlacementApproved, match_published)
    subscribe(ReplyApproved, match_approved_reply)


def match_published(event: PostPublished | PlacementApproved) -> None:
    _match_later(event.post.pk)


def match_approved_reply(event: ReplyApproved) -> None:
    _match_later(event.reply.pk)


def _match_later(post_id: int) -> None:
    if Alert.objects.exists():  # no alert anywhere (most days of a small company): no task at all
        alerts_notify.enqueue(post_id=post_id)
