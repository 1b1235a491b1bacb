"""Writing notifications and preferences. Notifications are written from tasks, after the action
that caused them is committed; they honour the recipient's preferences (kind, conversation,
community) and queue an e-mail when the person wants this kind by e-mail.

Tasks run at least once (again after a crash, twice at once when a lease runs out), so telling is
idempotent: each notification names its event (`Event.key`, "post:42"), the database keeps one row
per recipient, kind and key, and a run that finds a row already written tells that person nothing
more (no second row, e-mail or badge). Many people are told in batches, a few queries each.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import batched

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ruche.accounts.models import PEOPLE, User
from ruche.core.locks import xact_lock
from ruche.notifications.models import (
    Channel,
    CommunityPreference,
    DigestPreference,
    KindPreference,
    Notification,
    ThreadMute,
)
from ruche.notifications.policies import can_mute_thread, can_tune_community
from ruche.notifications.preferences import (
    DEFAULT_FREQUENCY,
    DEFAULTS,
    DIGEST,
    default_enabled,
    delivery_each,
)
from ruche.posts.models import Post
from ruche.posts.policies import readers_among
from ruche.realtime.events import notifications_added, notifications_changed

Kind = Notification.Kind
Level = CommunityPreference.Level
NOTIFY_BATCH = 1000


@dataclass(frozen=True)
class Event:
    """Something to tell: its kind, who did it, what about, and its key, the name of the event
    ("post:42": the post that mentions; "follow:7"; "transition:3"). A person is told an event once.
    `key` None: no such guarantee (tasks queued before keys existed)."""

    kind: str
    actor_id: int
    key: str | None
    post: Post | None = None  # a reply with its parent loaded
    community_id: int | None = None
    campaign_id: int | None = None
    announcement_id: int | None = None
    # The same for everyone, or written for each recipient (in their language).
    detail: str | Callable[[User], str] = ""
    # False: the caller sends its own e-mail (an announcement's).
    email: bool = True
    # True: news of the person's own (their data export is ready), told to them though they are the actor.
    own: bool = False

    def lock(self) -> None:
        """Two runs telling the same event take turns (see ruche.core.locks)."""
        if self.key is not None:
            xact_lock(f"notify:{self.kind}:{self.key}")


def notify_each(event: Event, recipient_ids: Iterable[int], *, batch_size: int = NOTIFY_BATCH) -> int:
    """Tell the event to these people, `batch_size` at a time (a transaction and a few queries per
    batch, whatever its size). Returns how many were told now (not those told before)."""
    return sum(len(_tell(event, list(ids))) for ids in batched(recipient_ids, batch_size))


def notify(
    *, recipient, kind: str, actor, key: str | None, post=None, community=None, detail: str = ""
) -> Notification | None:
    """Tell one person (`notify_each` for one): None when they are not told, or already were."""
    community_id = community.pk if community else None
    event = Event(kind=kind, actor_id=actor.pk, key=key, post=post, community_id=community_id, detail=detail)
    told = _tell(event, [recipient.pk])
    return told[0] if told else None


def _audience(event: Event, ids) -> tuple[dict[int, User], dict[int, set[str]]]:
    """Who among these people hears of the event, and on which channels. Nobody is told of their own
    action, a former colleague is told nothing, nor anyone about content they may not see
    (ruche.posts.policies); then each person's preferences decide."""
    people = User.objects.filter(PEOPLE, pk__in=ids, is_active=True)  # an integration reads nothing
    users = {u.pk: u for u in (people if event.own else people.exclude(pk=event.actor_id))}
    if event.post is not None and users:
        may = readers_among(event.post, users)
        users = {pk: u for pk, u in users.items() if pk in may}
    channels = delivery_each(users, event.kind, post=event.post, community_id=event.community_id)
    return {pk: u for pk, u in users.items() if pk in channels}, channels


@transaction.atomic
def _tell(event: Event, ids: list[int]) -> list[Notification]:
    event.lock()
    users, channels = _audience(event, ids)
    if event.key is not None and users:
        told = Notification.objects.filter(recipient_id__in=users, kind=event.kind, key=event.key)
        for pk in told.values_list("recipient_id", flat=True):
            users.pop(pk)
    if not users:
        return []
    rows = [_row(event, user) for user in users.values()]
    if event.key is None:
        made = Notification.objects.bulk_create(rows)
    else:
        # The constraint is the last word: a row written meanwhile by anyone is not written again.
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        made = list(
            Notification.objects.filter(recipient_id__in=users, kind=event.kind, key=event.key).order_by("pk")
        )
    for notification in made:
        notification.recipient = users[notification.recipient_id]
        notification.post = event.post
    _deliver(made, channels, email=event.email)
    return made


def _row(event: Event, user: User) -> Notification:
    detail = event.detail(user) if callable(event.detail) else event.detail
    return Notification(
        recipient_id=user.pk,
        kind=event.kind,
        actor_id=event.actor_id,
        post=event.post,
        community_id=event.community_id,
        campaign_id=event.campaign_id,
        announcement_id=event.announcement_id,
        detail=detail[:500],
        key=event.key,
    )


def _deliver(told: list[Notification], channels: dict[int, set[str]], *, email: bool = True) -> None:
    """Realtime badges after commit (the exact count for one person, "one more" for a crowd), and
    the e-mails of those who want this kind by e-mail."""
    if len(told) == 1:
        notifications_changed(told[0].recipient)
    elif told:
        notifications_added(n.recipient_id for n in told)
    mailed = [n for n in told if email and Channel.EMAIL in channels[n.recipient_id] and n.recipient.email]
    if mailed:
        from ruche.notifications.mail import notification_emails_queue

        notification_emails_queue(mailed)


@transaction.atomic
def notify_reactions(*, post) -> Notification | None:
    """The author hears of the reactions to their post in one row while unread: the latest person
    and how many reacted; a new one replaces it at the top of the list. The row tells the current
    state, so a run that finds the latest row already saying it writes nothing (a task run twice,
    or a reaction another run already counted)."""
    xact_lock(f"notify:reaction:post:{post.pk}")
    reactions = post.reactions.exclude(user_id=post.author_id)
    latest = reactions.order_by("-created", "-pk").values_list("user_id", flat=True).first()
    if latest is None:
        return None
    event = Event(kind=Kind.REACTION, actor_id=latest, key=None, post=post)
    count = reactions.count()
    rows = Notification.objects.filter(recipient_id=post.author_id, kind=Kind.REACTION, post=post)
    if rows.order_by("-pk").values_list("actor_id", "actor_count").first() == (latest, count):
        return None
    users, channels = _audience(event, [post.author_id])
    if not users:
        return None
    rows.filter(read_at__isnull=True).delete()
    notification = Notification.objects.create(
        recipient=users[post.author_id], kind=Kind.REACTION, actor_id=latest, post=post, actor_count=count
    )
    _deliver([notification], channels)
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
