"""Writing notifications. Called from tasks, after the action that caused them is committed."""

from django.db import transaction
from django.utils import timezone

from ruche.notifications.models import Notification
from ruche.posts.policies import can_view_post
from ruche.realtime.events import notifications_changed

Kind = Notification.Kind


def _may_receive(recipient, actor, post=None) -> bool:
    """Nobody is told of their own action, a former colleague is told nothing, nor anyone about
    content they may not see."""
    if recipient.pk == actor.pk or not recipient.is_active:
        return False
    return post is None or can_view_post(recipient, post)


def notify(*, recipient, kind: str, actor, post=None) -> Notification | None:
    if not _may_receive(recipient, actor, post):
        return None
    notification = Notification.objects.create(recipient=recipient, kind=kind, actor=actor, post=post)
    notifications_changed(recipient)  # realtime: the badge, after commit
    return notification


@transaction.atomic
def notify_grouped(*, recipient, kind: str, actor, post, actor_count: int) -> Notification | None:
    """One unread row per (recipient, kind, post): a new actor replaces it at the top of the list."""
    if not _may_receive(recipient, actor, post):
        return None
    Notification.objects.filter(recipient=recipient, kind=kind, post=post, read_at__isnull=True).delete()
    notification = Notification.objects.create(
        recipient=recipient, kind=kind, actor=actor, post=post, actor_count=max(actor_count, 1)
    )
    notifications_changed(recipient)  # realtime: the badge, after commit
    return notification


def notification_mark_read(*, user, notification_id: int) -> int:
    read = Notification.objects.filter(recipient=user, pk=notification_id, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    if read:
        notifications_changed(user)  # realtime: the badge of the user's other tabs
    return read


def notifications_mark_all_read(*, user) -> int:
    read = Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
    if read:
        notifications_changed(user)  # realtime: the badge of the user's other tabs
    return read
