"""The home feed: fanned-out entries merged with posts pulled from very large sources."""

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, Value

from ruche.accounts.models import Follow
from ruche.communities.models import Membership, Placement
from ruche.core.pagination import Page, page_from
from ruche.core.prepared import prepared
from ruche.feed.models import FeedEntry
from ruche.feed.services import sources_q
from ruche.posts.models import HashtagFollow, Post
from ruche.posts.policies import visible_posts
from ruche.posts.selectors import CARD_RELATED, hydrate

Reason = FeedEntry.Reason


@prepared("viewer")
def _large_sources(viewer, large: int):
    """Authors, hashtags and communities the viewer follows that are too widely followed to fan out
    (one query for the three)."""
    authors = Follow.objects.filter(follower=viewer, followed__follower_count__gt=large)
    tags = HashtagFollow.objects.filter(user=viewer, hashtag__follower_count__gt=large)
    communities = Membership.objects.filter(user=viewer, community__member_count__gt=large)
    return (
        authors.annotate(source=Value("author"))
        .values_list("source", "followed_id")
        .union(
            tags.annotate(source=Value("hashtag")).values_list("source", "hashtag_id"),
            communities.annotate(source=Value("community")).values_list("source", "community_id"),
            all=True,
        )
    )


@prepared("authors", "tags", "communities", "before", "after")
def _pulled_ids(authors, tags, communities, before, after, size: int):
    """The newest posts of those large sources (their lists' lengths make the query's shape): ids
    and authors only, the page's cards are loaded once it is known which posts make it."""
    sources = Q(author_id__in=authors) if authors else Q(pk__in=[])
    if tags:
        sources |= Exists(Post.hashtags.through.objects.filter(post_id=OuterRef("pk"), hashtag_id__in=tags))
    if communities:
        placed = Placement.objects.filter(
            post_id=OuterRef("pk"), community_id__in=communities, status=Placement.Status.APPROVED
        )
        sources |= Exists(placed)
    posts = Post.objects.alive().top_level().filter(sources, campaign__isnull=True)
    if before is not None:
        posts = posts.filter(pk__lt=before)
    if after is not None:
        posts = posts.filter(pk__gt=after)
    return posts.order_by("-id").values_list("id", "author_id")[: size + 1]


def _pulled(user, before: int | None, after: int | None, size: int) -> dict[int, str]:
    """Posts of the large sources between `after` and `before`, with the reason each is in the feed
    (two queries; one if there are no such sources)."""
    found: dict[str, list[int]] = {"author": [], "hashtag": [], "community": []}
    for source, pk in _large_sources(viewer=user, large=settings.FEED_LARGE_AUDIENCE):
        found[source].append(pk)
    authors, tags, communities = found["author"], found["hashtag"], found["community"]
    if not authors and not tags and not communities:
        return {}
    # Visibility is settled for the whole page by hydrate(), in one query.
    rows = _pulled_ids(
        authors=authors, tags=tags, communities=communities, before=before, after=after, size=size
    )
    other = Reason.COMMUNITY if communities else Reason.HASHTAG
    return {pk: Reason.FOLLOW if author_id in authors else other for pk, author_id in rows}


@prepared("viewer", "before")
def _entries(viewer, before, size: int):
    entries = FeedEntry.objects.filter(
        user=viewer, post__deleted_at__isnull=True, post__hidden_at__isnull=True
    )
    if before is not None:
        entries = entries.filter(post_id__lt=before)
    return entries.order_by("-post_id").values_list("post_id", "reason")[: size + 1]


@prepared("ids")
def _cards(ids):
    return Post.objects.filter(pk__in=ids).select_related(*CARD_RELATED).order_by("-id")


def home_feed(user, *, before: int | None = None, size: int | None = None) -> Page[Post]:
    """Page of the home feed, newest first, each post carrying `feed_reason`. The posts' ids come
    first (fanned-out entries, large sources, older ones); only the page's posts are then loaded."""
    size = size or settings.FEED_PAGE_SIZE
    rows = _entries(viewer=user, before=before, size=size)
    reasons: dict[int, str] = dict(rows)
    # A full page of entries already reaches down to its last one: only posts above it can join.
    after = rows[-1][0] if len(rows) > size else None
    for pk, reason in _pulled(user, before, after, size).items():
        reasons.setdefault(pk, reason)
    if len(rows) <= size and user.feed_horizon:
        # Past the fanned-out entries (trimmed, or older than a rebuild): pull from the sources.
        below = min(before or user.feed_horizon + 1, user.feed_horizon + 1, *(pk for pk, _ in rows[-1:]))
        older = visible_posts(user, Post.objects.top_level().filter(sources_q(user), pk__lt=below))
        for pk in older.distinct().order_by("-id").values_list("id", flat=True)[: size + 1]:
            reasons.setdefault(pk, Reason.FOLLOW)
    posts = _cards(ids=sorted(reasons, reverse=True)[: size + 1])
    for post in posts:
        post.feed_reason = reasons[post.pk]
    page = page_from(posts, size)
    hydrate(page.items, user)
    return page
