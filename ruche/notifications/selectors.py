from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery, Sum

from ruche.core.pagination import Page, page_from
from ruche.core.prepared import prepared
from ruche.notifications.models import Notification
from ruche.posts.models import Post
from ruche.posts.policies import visible_posts


def _about_visible_content(user) -> Q:
    """A notification about a post or a campaign the user can no longer see (deleted, hidden, a
    community or a campaign's population left) leaves the list and the count; the same SQL as every
    other list, so nothing leaks."""
    visible = visible_posts(user, Post.objects.filter(pk=OuterRef("post_id"))).filter(
        Q(parent__isnull=True) | Q(parent__deleted_at__isnull=True)
    )
    from ruche.ideas.policies import visible_campaign_ids

    # An innovation campaign's news (opened, closing soon) stays with the campaign's audience.
    campaigns = Q(campaign__isnull=True) | Q(campaign_id__in=visible_campaign_ids(user))
    return (Q(post__isnull=True) | Exists(visible)) & campaigns


def visible_notifications(user):
    """The user's notifications they may still see (a queryset, for other lists: the Mastodon API)."""
    return Notification.objects.filter(recipient=user).filter(_about_visible_content(user))


def notifications_for(user, *, before: int | None = None, size: int | None = None) -> Page[Notification]:
    """The user's notifications, newest first."""
    size = size or settings.FEED_PAGE_SIZE
    rows = visible_notifications(user)
    if before:
        rows = rows.filter(pk__lt=before)
    items = list(
        rows.select_related(
            "actor", "actor__profile", "post", "post__parent", "community", "announcement"
        ).order_by("-id")[: size + 1]
    )
    return page_from(items, size)


UNREAD_COUNT_SECONDS = 60


@prepared("viewer")
def _unread_signature(viewer):
    """What decides the unread count, in one cheap row: how many, the newest, the latest deletion or
    hiding of their posts, and the person's communities (joining or leaving one changes what they
    may read). No row when nothing is unread."""
    from ruche.communities.models import Membership

    memberships = (
        Membership.objects.filter(user=viewer)
        .values("user")
        .annotate(fingerprint=Count("id") * 1_000_003 + Sum("community_id"))
        .values("fingerprint")[:1]
    )
    return (
        _unread(viewer)
        .values_list("recipient")
        .annotate(
            n=Count("id"),
            last=Max("id"),
            deleted=Max("post__deleted_at"),
            hidden=Max("post__hidden_at"),
            thread_deleted=Max("post__parent__deleted_at"),
            memberships=Max(Subquery(memberships)),
        )
    )


@prepared("viewer")
def _unread_visible(viewer):
    return (
        _unread(viewer)
        .filter(_about_visible_content(viewer))
        .values_list("recipient")
        .annotate(n=Count("id"))
    )


def _unread(viewer):
    return Notification.objects.filter(recipient=viewer, read_at__isnull=True)


def unread_signature_sql(user) -> tuple[str, list]:
    """The SQL and parameters of what decides the unread count (`_unread_signature`), for a page
    kept with its count while they hold (ruche/web/views.py `home`): the count is drawn again when
    they change, as here; what changes it without them (a post of an unread notification moved out
    of the person's reach) shows after this count's minute and the kept page's."""
    return _unread_signature.sql(viewer=user)


def unread_count(user) -> int:
    """The badge on every page. Checking each unread notification's post for visibility is the
    costly part: it is done again only when the unread set, its posts (deleted, hidden) or the
    person's communities change, or after a minute; one cheap query tells whether they changed."""
    if not user.is_authenticated:
        return 0
    signature = next(iter(_unread_signature(viewer=user)), None)
    if signature is None:
        return 0
    key = f"notifications:unread:{user.pk}"
    cached = cache.get(key)
    if cached and cached[0] == signature:
        return cached[1]
    count = sum(n for _, n in _unread_visible(viewer=user))
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
