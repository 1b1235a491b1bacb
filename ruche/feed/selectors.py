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
def _pulled_posts(authors, tags, communities, before, after, size: int):
    """The newest posts of those large sources (their lists' lengths make the query's shape)."""
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
    return posts.select_related(*CARD_RELATED).order_by("-id")[: size + 1]


def _pulled(user, before: int | None, after: int | None, size: int) -> list[Post]:
    """Posts of the large sources between `after` and `before`, each with its `feed_reason` (two
    queries; one if there are no such sources)."""
    found: dict[str, list[int]] = {"author": [], "hashtag": [], "community": []}
    for source, pk in _large_sources(viewer=user, large=settings.FEED_LARGE_AUDIENCE):
        found[source].append(pk)
    authors, tags, communities = found["author"], found["hashtag"], found["community"]
    if not authors and not tags and not communities:
        return []
    # Visibility is settled for the whole page by hydrate(), in one query.
    posts = _pulled_posts(
        authors=authors, tags=tags, communities=communities, before=before, after=after, size=size
    )
    other = Reason.COMMUNITY if communities else Reason.HASHTAG
    for post in posts:
        post.feed_reason = Reason.FOLLOW if post.author_id in authors else other
    return posts


@prepared("viewer", "before")
def _entries(viewer, before, size: int):
    entries = FeedEntry.objects.filter(
        user=viewer, post__deleted_at__isnull=True, post__hidden_at__isnull=True
    )
    if before is not None:
        entries = entries.filter(post_id__lt=before)
    return entries.select_related(*(f"post__{r}" for r in CARD_RELATED)).order_by("-post_id")[: size + 1]


def home_feed(user, *, before: int | None = None, size: int | None = None) -> Page[Post]:
    """Page of the home feed, newest first, each post carrying `feed_reason`."""
    size = size or settings.FEED_PAGE_SIZE
    rows = _entries(viewer=user, before=before, size=size)
    posts: dict[int, Post] = {}
    for entry in rows:
        entry.post.feed_reason = entry.reason
        posts[entry.post_id] = entry.post
    # A full page of entries already reaches down to its last one: only posts above it can join.
    after = rows[-1].post_id if len(rows) > size else None
    for post in _pulled(user, before, after, size):
        posts.setdefault(post.pk, post)
    if len(rows) <= size and user.feed_horizon:
        # Past the fanned-out entries (trimmed, or older than a rebuild): pull from the sources.
        below = min(before or user.feed_horizon + 1, user.feed_horizon + 1, *(e.post_id for e in rows[-1:]))
        older = visible_posts(user, Post.objects.top_level().filter(sources_q(user), pk__lt=below))
        for post in older.select_related(*CARD_RELATED).distinct().order_by("-id")[: size + 1]:
            post.feed_reason = Reason.FOLLOW
            posts.setdefault(post.pk, post)
    ordered = sorted(posts.values(), key=lambda p: p.pk, reverse=True)
    page = page_from(ordered, size)
    hydrate(page.items, user)
    return page
