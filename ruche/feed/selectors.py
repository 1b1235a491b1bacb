"""The home feed: fanned-out entries merged with posts pulled from very large sources."""

from django.conf import settings
from django.db.models import Q, Value

from ruche.accounts.models import Follow
from ruche.communities.models import Membership, Placement
from ruche.core.pagination import Page, page_from
from ruche.feed.models import FeedEntry
from ruche.feed.services import sources_q
from ruche.posts.models import HashtagFollow, Post
from ruche.posts.policies import visible_posts
from ruche.posts.selectors import CARD_RELATED, hydrate

Reason = FeedEntry.Reason


def _pulled_sources(user) -> tuple[Q, set[int], str] | None:
    """Authors, hashtags and communities the user follows that are too widely followed to fan out
    (one query for the three)."""
    large = settings.FEED_LARGE_AUDIENCE
    authors = Follow.objects.filter(follower=user, followed__follower_count__gt=large).annotate(
        source=Value("author")
    )
    tags = HashtagFollow.objects.filter(user=user, hashtag__follower_count__gt=large).annotate(
        source=Value("hashtag")
    )
    communities = Membership.objects.filter(user=user, community__member_count__gt=large).annotate(
        source=Value("community")
    )
    found: dict[str, list[int]] = {"author": [], "hashtag": [], "community": []}
    rows = authors.values_list("source", "followed_id").union(
        tags.values_list("source", "hashtag_id"), communities.values_list("source", "community_id"), all=True
    )
    for source, pk in rows:
        found[source].append(pk)
    authors, tags, communities = found["author"], found["hashtag"], found["community"]
    if not authors and not tags and not communities:
        return None
    placed = Q(placements__community_id__in=communities, placements__status=Placement.Status.APPROVED)
    other = Reason.COMMUNITY if communities else Reason.HASHTAG
    return Q(author_id__in=authors) | Q(hashtags__in=tags) | placed, set(authors), other


def home_feed(user, *, before: int | None = None, size: int | None = None) -> Page[Post]:
    """Page of the home feed, newest first, each post carrying `feed_reason`."""
    size = size or settings.FEED_PAGE_SIZE
    entries = FeedEntry.objects.filter(user=user, post__deleted_at__isnull=True, post__hidden_at__isnull=True)
    if before:
        entries = entries.filter(post_id__lt=before)
    rows = list(
        entries.select_related(*(f"post__{r}" for r in CARD_RELATED)).order_by("-post_id")[: size + 1]
    )
    posts: dict[int, Post] = {}
    for entry in rows:
        entry.post.feed_reason = entry.reason
        posts[entry.post_id] = entry.post
    pulled = _pulled_sources(user)
    if pulled is not None:
        condition, large_authors, other_reason = pulled
        # Visibility is settled for the whole page by hydrate() below, in one query.
        extra = Post.objects.alive().top_level().filter(condition, campaign__isnull=True)
        if before:
            extra = extra.filter(pk__lt=before)
        for post in extra.select_related(*CARD_RELATED).distinct().order_by("-id")[: size + 1]:
            if post.pk not in posts:
                post.feed_reason = Reason.FOLLOW if post.author_id in large_authors else other_reason
                posts[post.pk] = post
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
