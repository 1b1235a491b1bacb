"""Writing home feeds: fan-out on write, rebuild on return, backfill on follow, trim.

A post reaches a feed because the reader follows its author or one of its hashtags, or is
mentioned in it. Authors and hashtags followed by more than FEED_LARGE_AUDIENCE people are not
fanned out: their posts are pulled when the feed is read (see selectors.home_feed).
"""

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from ruche.accounts.models import Follow, User
from ruche.communities.models import Community, Membership, Placement
from ruche.feed.models import FeedEntry
from ruche.posts.models import HashtagFollow, Post
from ruche.posts.policies import can_view_post, readers_among, visible_posts

Reason = FeedEntry.Reason


def _recently_active(user_ids):
    """Of these people, those who still come: the others get their feed rebuilt when they return."""
    since = timezone.now() - timedelta(days=settings.FEED_INACTIVE_DAYS)
    return (
        User.objects.filter(pk__in=user_ids, is_active=True, last_seen_at__gte=since)
        .values_list("pk", flat=True)
        .iterator(chunk_size=settings.FANOUT_BATCH_SIZE)
    )


def _write(post: Post, audience: dict[int, str], *, after: int = 0, progress=None) -> int:
    """Bulk writes in batches, in the order of reader ids: `progress(last_id)` is told after each
    batch commits, and a resumed fan-out starts `after` the last id reached."""
    readers = sorted(uid for uid in audience if uid > after)
    size = settings.FANOUT_BATCH_SIZE
    written = 0
    for start in range(0, len(readers), size):
        batch = readers[start : start + size]
        entries = [
            FeedEntry(user_id=uid, post=post, reason=audience[uid], created=post.created) for uid in batch
        ]
        written += len(FeedEntry.objects.bulk_create(entries, ignore_conflicts=True))
        if progress:
            progress(batch[-1])
    return written


def _community_audience(post: Post) -> tuple[list, set[int] | None] | None:
    """The communities where the post is published, and who alone may read it (None: everyone).
    None overall when the post waits for approval everywhere it was placed."""
    placements = list(post.placements.select_related("community"))
    if not placements:
        return [], None
    published = [p.community for p in placements if p.status == Placement.Status.APPROVED]
    if not published:
        return None
    if any(c.visibility == Community.Visibility.PUBLIC for c in published):
        return published, None
    readers = Membership.objects.filter(community__in=published).values_list("user_id", flat=True)
    return published, set(readers)


def post_fan_out(post: Post, *, after: int = 0, progress=None) -> int:
    """Write the post into the feed of everyone it concerns and may read it. Idempotent on (user, post);
    resumable: see _write."""
    if post.deleted_at or post.hidden_at or post.parent_id:
        return 0
    where = _community_audience(post)
    if where is None:
        return 0
    communities, readers = where
    audience: dict[int, str] = {}
    large = settings.FEED_LARGE_AUDIENCE
    tag_ids = [t.pk for t in post.hashtags.all() if t.follower_count <= large]
    if tag_ids:
        followers = HashtagFollow.objects.filter(hashtag_id__in=tag_ids).values("user_id")
        audience.update(dict.fromkeys(_recently_active(followers), Reason.HASHTAG))
    for community in communities:
        if community.member_count <= large:  # larger ones are pulled at read time
            members = Membership.objects.filter(community=community).values("user_id")
            audience.update(dict.fromkeys(_recently_active(members), Reason.COMMUNITY))
    if post.author.follower_count <= large:
        followers = Follow.objects.filter(followed_id=post.author_id).values("follower_id")
        audience.update(dict.fromkeys(_recently_active(followers), Reason.FOLLOW))
    # A mention reaches people however long they were away (who may read it: one check for all).
    for pk in readers_among(post, post.mentions.values_list("pk", flat=True)):
        audience[pk] = Reason.MENTION
    if readers is not None:
        audience = {uid: reason for uid, reason in audience.items() if uid in readers}
    audience.pop(post.author_id, None)
    return _write(post, audience, after=after, progress=progress)


def sources_q(user: User) -> Q:
    followed = Follow.objects.filter(follower=user).values("followed_id")
    tags = HashtagFollow.objects.filter(user=user).values("hashtag_id")
    communities = Membership.objects.filter(user=user).values("community_id")
    placed = Q(placements__community_id__in=communities, placements__status=Placement.Status.APPROVED)
    sources = Q(author=user) | Q(author_id__in=followed) | Q(hashtags__in=tags) | Q(mentions=user) | placed
    return Q(campaign__isnull=True) & sources  # an idea's post lives on its campaign's page


def _reason(user: User, post: Post, followed: set[int]) -> str:
    if post.author_id == user.pk:
        return Reason.OWN
    if post.author_id in followed:
        return Reason.FOLLOW
    if any(m.pk == user.pk for m in post.mentions.all()):
        return Reason.MENTION
    return Reason.COMMUNITY if post.placements.exists() else Reason.HASHTAG


def feed_rebuild(user: User) -> int:
    """Refill the feed of someone coming back (or arriving) from their sources' recent posts."""
    since = timezone.now() - timedelta(days=settings.FEED_REBUILD_DAYS)
    candidates = (
        visible_posts(user, Post.objects.top_level())
        .filter(sources_q(user), created__gte=since)
        .distinct()
        .order_by("-id")
        .prefetch_related("mentions")[: settings.FEED_MAX_ENTRIES]
    )
    followed = set(Follow.objects.filter(follower=user).values_list("followed_id", flat=True))
    entries = [
        FeedEntry(user=user, post=post, reason=_reason(user, post, followed), created=post.created)
        for post in candidates
    ]
    FeedEntry.objects.bulk_create(entries, ignore_conflicts=True, batch_size=settings.FANOUT_BATCH_SIZE)
    # When the rebuild was cut by the size limit, what lies below is pulled when the reader gets there.
    horizon = user.feed_horizon
    if len(entries) >= settings.FEED_MAX_ENTRIES:
        horizon = max(horizon or 0, min(e.post_id for e in entries) - 1)
    user.feed_built_at, user.feed_horizon = timezone.now(), horizon
    User.objects.filter(pk=user.pk).update(feed_built_at=user.feed_built_at, feed_horizon=horizon)
    return len(entries)


def feed_backfill(user: User, posts, reason: str, limit: int = 50) -> int:
    """After a new follow, bring that source's recent posts into the feed."""
    # An idea's post lives on its campaign's page, never in a home feed.
    recent = posts.filter(deleted_at__isnull=True, parent__isnull=True, campaign__isnull=True)
    recent = recent.order_by("-id")[:limit]
    entries = [
        FeedEntry(user=user, post=p, reason=reason, created=p.created)
        for p in recent
        if can_view_post(user, p)
    ]
    return len(FeedEntry.objects.bulk_create(entries, ignore_conflicts=True))


def feed_trim(user_id: int) -> int:
    """Keep a feed bounded: older history is still reachable, pulled at read time."""
    cutoff = (
        FeedEntry.objects.filter(user_id=user_id)
        .order_by("-post_id")
        .values_list("post_id", flat=True)[settings.FEED_MAX_ENTRIES : settings.FEED_MAX_ENTRIES + 1]
    )
    cutoff = list(cutoff)
    if not cutoff:
        return 0
    deleted, _rows = FeedEntry.objects.filter(user_id=user_id, post_id__lte=cutoff[0]).delete()
    User.objects.filter(pk=user_id).update(feed_horizon=Greatest(Coalesce("feed_horizon", 0), cutoff[0]))
    return deleted


VISIT_GAP = timedelta(minutes=30)  # a feed opened after this long away starts a new visit
OPENED_EVERY = timedelta(minutes=5)  # how often, within a visit, reading is recorded (one write)


def feed_opened(user: User, *, choice, explicit: bool) -> None:
    """The first page of the home feed is being shown: remember a choice the person just made, and
    where reading stands for "unread since my last visit" (posts newer than the newest one that
    existed when the previous visit was last recorded). At most one write, and none most times."""
    changes = {}
    if explicit and (user.feed_filter, user.feed_order) != (choice.filter, choice.order):
        changes.update(feed_filter=choice.filter, feed_order=choice.order)
    now = timezone.now()
    opened = user.feed_opened_at
    if opened is None or now - opened >= OPENED_EVERY:
        if opened is None or now - opened >= VISIT_GAP:
            changes["feed_unread_after"] = user.feed_seen_up_to
        newest = Post.objects.order_by("-id").values_list("id", flat=True).first()
        changes.update(feed_seen_up_to=newest or 0, feed_opened_at=now)
    if changes:
        User.objects.filter(pk=user.pk).update(**changes)
        for name, value in changes.items():
            setattr(user, name, value)
