"""Writing notifications and preferences. Notifications are written from tasks, after the action
that caused them is committed; they honour the recipient's preferences (kind, conversation,
community) and queue an e-mail when the person wants this kind by e-mail."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ruche.notifications.models import (
    Channel,
    CommunityPreference,
    DigestPreference,
    KindPreference,
    Notification,
    ThreadMute,
)
from ruche.notifications.policies import can_mute_thread, can_tune_community
from ruche.notifications.preferences import DEFAULT_FREQUENCY, DEFAULTS, DIGEST, default_enabled, delivery
from ruche.posts.policies import can_view_post
from ruche.realtime.events import notifications_changed

Kind = Notification.Kind
Level = CommunityPreference.Level


def _may_receive(recipient, actor, post=None) -> bool:
    """Nobody is told of their own action, a former colleague is told nothing, nor anyone about
    content they may not see."""
    if recipient.pk == actor.pk or not recipient.is_active:
        return False
    return post is None or can_view_post(recipient, post)


def _deliver(notification: Notification, channels: set[str]) -> Notification:
    notifications_changed(notification.recipient)  # realtime: the badge, after commit
    if Channel.EMAIL in channels and notification.recipient.email:
        from ruche.notifications.mail import notification_email_queue

        notification_email_queue(notification)
    return notification


@transaction.atomic
def notify(
    *, recipient, kind: str, actor, post=None, community=None, detail: str = ""
) -> Notification | None:
    if not _may_receive(recipient, actor, post):
        return None
    channels = delivery(recipient, kind, post=post, community_id=community.pk if community else None)
    if not channels:
        return None
    notification = Notification.objects.create(
        recipient=recipient, kind=kind, actor=actor, post=post, community=community, detail=detail
    )
    return _deliver(notification, channels)


@transaction.atomic
def notify_grouped(*, recipient, kind: str, actor, post, actor_count: int) -> Notification | None:
    """One unread row per (recipient, kind, post): a new actor replaces it at the top of the list."""
    if not _may_receive(recipient, actor, post):
        return None
    channels = delivery(recipient, kind, post=post)
    if not channels:
        return None
    Notification.objects.filter(recipient=recipient, kind=kind, post=post, read_at__isnull=True).delete()
    notification = Notification.objects.create(
        recipient=recipient, kind=kind, actor=actor, post=post, actor_count=max(actor_count, 1)
    )
    return _deliver(notification, channels)


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


# Preferences: only deviations from the defaults are stored --------------------------------------


@transaction.atomic
def preference_set(*, user, kind: str, channel: str, enabled: bool) -> None:
    """Turn one kind on or off on one channel ("digest" as a kind: the digest itself)."""
    if kind == DIGEST and channel == Channel.EMAIL:
        digest_frequency_set(user=user, frequency=DEFAULT_FREQUENCY if enabled else "off")
        return
    if kind not in DEFAULTS:
        raise ValidationError({"kind": _("Unknown kind of notification.")})
    if channel not in Channel.values:
        raise ValidationError({"channel": _("Unknown channel.")})
    rows = KindPreference.objects.filter(user=user, kind=kind, channel=channel)
    if enabled == default_enabled(kind, channel):
        rows.delete()
    else:
        KindPreference.objects.update_or_create(
            user=user, kind=kind, channel=channel, defaults={"enabled": enabled}
        )


@transaction.atomic
def preferences_update(*, user, channels: dict[str, dict[str, bool]]) -> None:
    """The whole table at once: {kind: {channel: enabled}}; kinds or channels left out keep theirs."""
    for kind, chosen in channels.items():
        for channel, enabled in chosen.items():
            preference_set(user=user, kind=kind, channel=channel, enabled=enabled)


@transaction.atomic
def digest_frequency_set(*, user, frequency: str) -> None:
    if frequency not in DigestPreference.Frequency.values:
        raise ValidationError({"frequency": _("Choose daily, weekly or never.")})
    if frequency == DEFAULT_FREQUENCY:
        DigestPreference.objects.filter(user=user).delete()
    else:
        DigestPreference.objects.update_or_create(user=user, defaults={"frequency": frequency})


@transaction.atomic
def community_level_set(*, user, community, level: str) -> None:
    """All, highlights or mute for a community the person may see."""
    if level not in Level.values:
        raise ValidationError({"level": _("Choose everything, highlights or muted.")})
    if not can_tune_community(user, community):
        raise ValidationError({"community": _("Unknown community.")})
    if level == Level.ALL:
        CommunityPreference.objects.filter(user=user, community=community).delete()
    else:
        CommunityPreference.objects.update_or_create(
            user=user, community=community, defaults={"level": level}
        )


@transaction.atomic
def thread_mute(*, user, post) -> ThreadMute:
    """Hear no more about this conversation (a reply mutes its whole conversation)."""
    if not can_mute_thread(user, post):
        raise ValidationError({"post": _("Unknown post.")})
    mute, _created = ThreadMute.objects.get_or_create(user=user, post=post.parent or post)
    return mute


@transaction.atomic
def thread_unmute(*, user, post_id: int) -> int:
    deleted, _rows = ThreadMute.objects.filter(user=user, post_id=post_id).delete()
    return deleted


@transaction.atomic
def preferences_save(
    *,
    user,
    channels: dict[str, dict[str, bool]],
    frequency: str | None = None,
    communities: dict | None = None,
) -> None:
    """The preferences page and the API in one go: all of it is saved, or nothing (bad input)."""
    from ruche.communities.models import Community

    preferences_update(user=user, channels=channels)
    if frequency is not None:
        digest_frequency_set(user=user, frequency=frequency)
    for community_id, level in (communities or {}).items():
        community = Community.objects.filter(pk=community_id).first()
        if community is None:
            raise ValidationError({"community": _("Unknown community.")})
        community_level_set(user=user, community=community, level=level)
