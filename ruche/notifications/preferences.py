"""Who hears about what, on which channel: the defaults, and a person's deviations from them.

Defaults are quiet: everything shows in the app; e-mail at once only for what asks something of the
person or answers them (mentions, replies to them, join requests to approve, an expert asked, an
answer accepted); the digest collects the rest, weekly. Reactions and follows stay in the app.
Only a person's deviations are stored (KindPreference rows), so a new kind or a new default
applies to everyone who did not choose otherwise.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from ruche.notifications.models import (
    Channel,
    CommunityPreference,
    DigestPreference,
    KindPreference,
    Notification,
    ThreadMute,
)

Kind = Notification.Kind
Level = CommunityPreference.Level
Frequency = DigestPreference.Frequency
DEFAULT_FREQUENCY = Frequency.WEEKLY


@dataclass(frozen=True)
class KindDefaults:
    label: str
    in_app: bool = True
    email: bool = False
    digest: bool = True
    # For a kind that tells the person of something of their own (their data export is ready): the
    # sentence shown, and where opening it leads; the other kinds' sentences are in _sentence.html.
    sentence: str = ""
    url: str = ""

    def enabled(self, channel: str) -> bool:
        return getattr(self, channel)


# Kinds shown on the preferences page, in this order. Other apps add theirs with `register_kind`
# (announcements, idea decisions) so that preferences, e-mail and unsubscribe links know them.
DEFAULTS: dict[str, KindDefaults] = {
    Kind.MENTION: KindDefaults(Kind.MENTION.label, email=True),
    Kind.REPLY: KindDefaults(Kind.REPLY.label, email=True),
    Kind.THREAD_REPLY: KindDefaults(Kind.THREAD_REPLY.label),
    Kind.REACTION: KindDefaults(Kind.REACTION.label, digest=False),
    Kind.SHARE: KindDefaults(Kind.SHARE.label),
    Kind.FOLLOW: KindDefaults(Kind.FOLLOW.label, digest=False),
    Kind.JOIN_REQUEST: KindDefaults(Kind.JOIN_REQUEST.label, email=True),
    Kind.EXPERT_ASKED: KindDefaults(Kind.EXPERT_ASKED.label, email=True),
    Kind.ANSWER_ACCEPTED: KindDefaults(Kind.ANSWER_ACCEPTED.label, email=True),
    Kind.COMMUNITY_INVITATION: KindDefaults(Kind.COMMUNITY_INVITATION.label),
    Kind.JOIN_APPROVED: KindDefaults(Kind.JOIN_APPROVED.label),
    Kind.JOIN_DECLINED: KindDefaults(Kind.JOIN_DECLINED.label),
    Kind.COMMUNITY_APPROVED: KindDefaults(Kind.COMMUNITY_APPROVED.label),
    Kind.COMMUNITY_DECLINED: KindDefaults(Kind.COMMUNITY_DECLINED.label),
    Kind.POST_APPROVED: KindDefaults(Kind.POST_APPROVED.label),
    Kind.POST_REJECTED: KindDefaults(Kind.POST_REJECTED.label),
    Kind.POST_HIDDEN: KindDefaults(Kind.POST_HIDDEN.label),
    Kind.POST_RESTORED: KindDefaults(Kind.POST_RESTORED.label),
}
# The digest itself can be unsubscribed from like a kind (its e-mail carries the same headers).
DIGEST = "digest"
# In a community set to "highlights", conversation chatter is left out; what is addressed to the
# person (a mention, a reply to them, a request to approve...) still comes.
CHATTER = {Kind.THREAD_REPLY, Kind.REACTION}


def register_kind(kind: str, label, *, in_app=True, email=False, digest=True, sentence="", url="") -> None:
    """For other apps (announcements, ideas): a new kind with its defaults (`sentence` and `url`, lazy
    strings: see KindDefaults)."""
    DEFAULTS[kind] = KindDefaults(
        label, in_app=in_app, email=email, digest=digest, sentence=sentence, url=url
    )


def kind_label(kind: str):
    if kind == DIGEST:
        return _("The digest")
    defaults = DEFAULTS.get(kind)
    return defaults.label if defaults else kind


def default_enabled(kind: str, channel: str) -> bool:
    defaults = DEFAULTS.get(kind)
    return defaults.enabled(channel) if defaults else channel == Channel.IN_APP


def kind_channels(user) -> dict[str, dict[str, bool]]:
    """The whole table for one person: {kind: {channel: enabled}}, in one query."""
    table = {kind: {c: d.enabled(c) for c in Channel.values} for kind, d in DEFAULTS.items()}
    for kind, channel, enabled in KindPreference.objects.filter(user=user).values_list(
        "kind", "channel", "enabled"
    ):
        if kind in table:
            table[kind][channel] = enabled
    return table


def channels_for(user_id: int, kind: str) -> set[str]:
    """The channels on which this person wants this kind, in one query."""
    chosen = dict(KindPreference.objects.filter(user_id=user_id, kind=kind).values_list("channel", "enabled"))
    return {c for c in Channel.values if chosen.get(c, default_enabled(kind, c))}


def channels_for_each(user_ids: list[int], kind: str) -> dict[int, set[str]]:
    """`channels_for` for many people at once (a batch of recipients), in one query."""
    chosen: dict[int, dict[str, bool]] = {pk: {} for pk in user_ids}
    rows = KindPreference.objects.filter(user_id__in=user_ids, kind=kind)
    for user_id, channel, enabled in rows.values_list("user_id", "channel", "enabled"):
        chosen[user_id][channel] = enabled
    return {
        pk: {c for c in Channel.values if mine.get(c, default_enabled(kind, c))}
        for pk, mine in chosen.items()
    }


def digest_frequency(user) -> str:
    row = DigestPreference.objects.filter(user=user).values_list("frequency", flat=True).first()
    return row or DEFAULT_FREQUENCY


_ORDER = {Level.MUTE: 0, Level.HIGHLIGHTS: 1, Level.ALL: 2}


def levels_for_each(user_ids, *, post=None, community_id: int | None = None) -> dict[int, str]:
    """How much each person hears about this post or community, in two queries. A post published
    in several communities takes the most open of their levels (muting one audience does not
    silence the others); a post in no community is always ALL."""
    from ruche.communities.models import Placement

    ids = list(user_ids)
    communities = []
    if post is not None:
        placed = Placement.objects.filter(post_id=post.parent_id or post.pk, status=Placement.Status.APPROVED)
        communities = list(placed.values_list("community_id", flat=True))
    if not communities and community_id is not None:
        # Not published (awaiting approval, rejected): the community it was meant for.
        communities = [community_id]
    if not communities:
        return dict.fromkeys(ids, Level.ALL)
    chosen = CommunityPreference.objects.filter(user_id__in=ids, community_id__in=communities)
    levels = {(u, c): level for u, c, level in chosen.values_list("user_id", "community_id", "level")}
    return {
        pk: max((levels.get((pk, c), Level.ALL) for c in communities), key=_ORDER.__getitem__) for pk in ids
    }


def delivery(recipient, kind: str, *, post=None, community_id: int | None = None) -> set[str]:
    """The channels a notification of this kind reaches the recipient on (`delivery_each` for one).
    Empty: not told."""
    return delivery_each([recipient.pk], kind, post=post, community_id=community_id).get(recipient.pk, set())


def delivery_each(user_ids, kind: str, *, post=None, community_id: int | None = None) -> dict[int, set[str]]:
    """For many people at once (a few queries whatever their number): the channels on which each
    hears of a notification of this kind, after their choices for the kind, the conversation
    (muted) and the community (muted, highlights). Those not told are left out."""
    wanted = channels_for_each(list(user_ids), kind)
    # The kind is off in the app: no row, hence no e-mail and no digest line either.
    ids = [pk for pk, channels in wanted.items() if Channel.IN_APP in channels]
    if post is not None and ids:
        muted = ThreadMute.objects.filter(user_id__in=ids, post_id=post.parent_id or post.pk)
        silent = set(muted.values_list("user_id", flat=True))
        ids = [pk for pk in ids if pk not in silent]
    if not ids:
        return {}
    levels = levels_for_each(ids, post=post, community_id=community_id)
    return {
        pk: wanted[pk]
        for pk in ids
        if levels[pk] != Level.MUTE and not (levels[pk] == Level.HIGHLIGHTS and kind in CHATTER)
    }
