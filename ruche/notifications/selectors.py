from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery, Sum

from ruche.core.pagination import Page, page_from
from ruche.notifications.models import Notification
from ruche.posts.models import Post
from ruche.posts.policies import visible_posts


def _about_visible_content(user) -> Q:
    """A notification about a post the user can no longer see (deleted, hidden, a community left)
    leaves the list and the count; the same SQL as every other list, so nothing leaks."""
    visible = visible_posts(user, Post.objects.filter(pk=OuterRef("post_id"))).filter(
        Q(parent__isnull=True) | Q(parent__deleted_at__isnull=True)
    )
    return Q(post__isnull=True) | Exists(visible)


def notifications_for(user, *, before: int | None = None, size: int | None = None) -> Page[Notification]:
    """The user's notifications, newest first."""
    size = size or settings.FEED_PAGE_SIZE
    rows = Notification.objects.filter(recipient=user).filter(_about_visible_content(user))
    if before:
        rows = rows.filter(pk__lt=before)
    items = list(
        rows.select_related(
            "actor", "actor__profile", "post", "post__parent", "community", "announcement"
        ).order_by("-id")[: size + 1]
    )
    return page_from(items, size)


UNREAD_COUNT_SECONDS = 60


def unread_count(user) -> int:
    """The badge on every page. Checking each unread notification's post for visibility is the
    costly part: it is done again only when the unread set, its posts (deleted, hidden) or the
    person's communities change, or after a minute; one cheap query tells whether they changed."""
    if not user.is_authenticated:
        return 0
    from ruche.communities.models import Membership

    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    # The communities one belongs to decide what one may read: joining or leaving one changes this.
    memberships = (
        Membership.objects.filter(user=user)
        .values("user")
        .annotate(fingerprint=Count("id") * 1_000_003 + Sum("community_id"))
        .values("fingerprint")[:1]
    )
    signature = tuple(
        unread.aggregate(
            n=Count("id"),
            last=Max("id"),
            deleted=Max("post__deleted_at"),
            hidden=Max("post__hidden_at"),
            thread_deleted=Max("post__parent__deleted_at"),
            memberships=Max(Subquery(memberships)),
        ).values()
    )
    key = f"notifications:unread:{user.pk}"
    cached = cache.get(key)
    if cached and cached[0] == signature:
        return cached[1]
    count = unread.filter(_about_visible_content(user)).count() if signature[0] else 0
    cache.set(key, (signature, count), UNREAD_COUNT_SECONDS)
    return count


def preferences_for(user) -> dict:
    """Everything the preferences page and the API show, in four queries."""
    from ruche.communities.models import Membership
    from ruche.notifications.models import CommunityPreference, ThreadMute
    from ruche.notifications.preferences import DEFAULTS, digest_frequency, kind_channels

    table = kind_channels(user)
    chosen = CommunityPreference.objects.filter(user=user, community_id=OuterRef("community_id"))
    memberships = (
        Membership.objects.filter(user=user, community__archived_at__isnull=True)
        .select_related("community")
        .annotate(level=Subquery(chosen.values("level")[:1]))
        .order_by("community__name")
    )
    visible = visible_posts(user, Post.objects.filter(pk=OuterRef("post_id")))
    muted = (
        ThreadMute.objects.filter(user=user)
        .filter(Exists(visible))
        .select_related("post", "post__author")
        .order_by("-created")
    )
    return {
        "kinds": [(kind, DEFAULTS[kind].label, table[kind]) for kind in DEFAULTS],
        "frequency": digest_frequency(user),
        "communities": [(m.community, m.level or CommunityPreference.Level.ALL) for m in memberships],
        "muted_threads": [m.post for m in muted],
    }
