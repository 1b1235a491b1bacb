"""Reads of posts for display. Each list is a fixed number of queries, whatever its length."""

from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Case, Count, Exists, F, OuterRef, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.utils.translation import gettext as _

from ruche.communities.models import Placement
from ruche.communities.policies import MODERATORS
from ruche.core.hooks import Hook
from ruche.core.lookups import prefix_q
from ruche.core.pagination import Page, page_from
from ruche.core.prepared import prepared
from ruche.files.selectors import attachments_of
from ruche.posts.kept import Place
from ruche.posts.models import Bookmark, Hashtag, Post, Reaction
from ruche.posts.policies import can_share, can_view_post, visible_hashtags, visible_posts, visible_replies

REPLIES_SHOWN = 3
WITH_AUTHOR = ("author", "author__profile")
# A top-level card: its author, whether it is a question, the preview of its first link, and for a
# share its original with the same (shown only to whom hydrate() finds may read it).
SHARED_RELATED = (
    "shared_post",
    "shared_post__author",
    "shared_post__author__profile",
    "shared_post__link_preview",
)
CARD_RELATED = (*WITH_AUTHOR, "question", "link_preview", *SHARED_RELATED)

# What a card adds when its post is a question (provided by ruche.qa): before the replies are
# fetched, the ids of those shown first (accepted answers); after, each answer's state for the viewer.
replies_first: Hook[[list[Post]], list[int]] = Hook("posts.replies_first")
annotate_cards: Hook[..., None] = Hook("posts.annotate_cards")
# Of these posts, the questions the viewer was asked to answer as an expert (for the home feed's
# "most relevant" order, ruche.feed; provided by ruche.qa).
questions_for: Hook[[object, list[int]], set[int]] = Hook("posts.questions_for")


@prepared("viewer", "ids")
def _visible_ids(viewer, ids):
    """The ids the viewer may see, each with whether the viewer saved it (in the same query)."""
    saved = Exists(Bookmark.objects.filter(user_id=viewer.pk, post_id=OuterRef("pk")))
    return (
        visible_posts(viewer, Post.objects.filter(pk__in=ids))
        .annotate(saved=saved)
        .values_list("pk", "saved")
    )


@prepared("ids")
def _placements(ids):
    # In the order they were made: PostgreSQL gives rows in any order, and a kept card must show
    # a post's communities as a card drawn now would.
    return Placement.objects.filter(post_id__in=ids).select_related("community").order_by("id")


@prepared("viewer", "ids", "accepted")
def _latest_replies(viewer, ids, accepted, every: bool):
    """The replies of these posts: all of them, or the latest few of each thread (an accepted answer
    first) in one query, with a window per thread."""
    replies = visible_replies(viewer, Post.objects.filter(parent_id__in=ids)).select_related(*WITH_AUTHOR)
    if every:
        return replies
    first = Case(When(pk__in=accepted, then=Value(0)), default=Value(1)) if accepted else Value(1)
    ranked = replies.annotate(
        rank=Window(RowNumber(), partition_by=F("parent_id"), order_by=[first.asc(), F("id").desc()])
    )
    return ranked.filter(rank__lte=REPLIES_SHOWN)


@prepared("viewer", "ids")
def _reaction_counts(viewer, ids):
    """Counts per kind and the viewer's own reaction, in one query."""
    return (
        Reaction.objects.filter(post_id__in=ids)
        .values("post_id", "kind")
        .annotate(n=Count("id"), by_viewer=Count("id", filter=Q(user_id=viewer.pk)))
        .order_by("post_id", "-n", "kind")  # ties in a fixed order: kept cards and the API agree
    )


@dataclass(frozen=True)
class Shared:
    """What a share shows this reader of its original: the post (with the communities the reader
    may know of), or nothing at all when it is gone, hidden, or not for them to read."""

    post: Post | None

    @property
    def available(self) -> bool:
        return self.post is not None


def hydrate(posts: list[Post], viewer, *, all_replies: bool = False, roles: dict | None = None) -> list[Post]:
    """Attach replies, reaction summaries, attachments and the viewer's own reactions, and to a share
    what the viewer may see of its original: six queries (one more when questions show answers; one
    less given the viewer's `roles` in communities), whatever the number of posts."""
    if not posts:
        return posts
    # The last word on visibility, whatever list the posts came from, asked in the same query of the
    # shares' originals (loaded with the cards: CARD_RELATED): one query, no leak.
    page_ids = [p.pk for p in posts]
    originals = {p.shared_post_id for p in posts if p.shared_post_id} - set(page_ids)
    visible = dict(_visible_ids(viewer=viewer, ids=page_ids + sorted(originals)))
    posts[:] = [p for p in posts if p.pk in visible]
    for post in posts:
        post.saved = visible[post.pk]
    ids = [p.pk for p in posts]
    shown = _shown_originals(posts, visible)
    where: dict[int, list] = defaultdict(list)
    waiting: dict[int, list] = defaultdict(list)
    for placement in _placements(ids=sorted({*ids, *(o.pk for o in shown)})):
        if placement.status == Placement.Status.APPROVED:
            where[placement.post_id].append(placement.community)
        elif placement.status == Placement.Status.PENDING:
            waiting[placement.post_id].append(placement.community)
    roles = community_roles(viewer) if roles is None else roles
    moderated = {cid for cid, role in roles.items() if role in MODERATORS}
    accepted = replies_first(posts)
    replies = _latest_replies(viewer=viewer, ids=ids, accepted=accepted, every=all_replies)
    by_parent: dict[int, list[Post]] = defaultdict(list)
    for reply in sorted(replies, key=lambda r: r.pk):
        by_parent[reply.parent_id].append(reply)
    every = posts + [r for rs in by_parent.values() for r in rs]
    summary: dict[int, list[tuple[str, int]]] = defaultdict(list)
    mine = {}
    for row in _reaction_counts(viewer=viewer, ids=[p.pk for p in every]):
        summary[row["post_id"]].append((Reaction.EMOJI[row["kind"]], row["n"]))
        if row["by_viewer"]:
            mine[row["post_id"]] = row["kind"]
    # The originals' files in the same query (shown only to whom may read them, like the rest).
    files = attachments_of("post", [p.pk for p in every + shown])
    for post in every:
        post.files = files.get(post.pk, [])
        post.reaction_summary = summary.get(post.pk, [])
        post.my_reaction = mine.get(post.pk)
    for post in posts:
        # Name only the communities the viewer may know of: a secret one stays secret.
        post.communities = [c for c in where.get(post.pk, []) if c.is_open or c.pk in roles]
        # Every placement, whoever reads: a kept card's facts (ruche/posts/kept.py).
        post.placed_in = tuple(Place(c.pk, c.is_open, c.name) for c in where.get(post.pk, []))
        post.waiting_in = waiting.get(post.pk, [])
        post.can_moderate = viewer.is_staff or any(
            c.pk in moderated for c in post.communities + post.waiting_in
        )
        post.shown_replies = by_parent.get(post.pk, [])
        post.more_replies = max(post.reply_count - len(post.shown_replies), 0)
    for original in shown:
        original.communities = [c for c in where.get(original.pk, []) if c.is_open or c.pk in roles]
        original.files = files.get(original.pk, [])
    annotate_cards(posts, viewer, by_votes=all_replies)
    return posts


def _shown_originals(posts: list[Post], visible: dict) -> list[Post]:
    """Give each share its `shared`: the original if the viewer may read it now and no moderator hid
    it, else nothing of it. Returns the originals shown."""
    shown = []
    for post in posts:
        if not post.is_share:
            post.shared = None
            continue
        original = post.shared_post if post.shared_post_id in visible else None
        if original is not None and (original.hidden_at or original.deleted_at):
            original = None
        post.shared = Shared(original)
        if original is not None:
            shown.append(original)
    return shown


@prepared("viewer")
def _roles(viewer):
    from ruche.communities.models import Membership

    return Membership.objects.filter(user=viewer).values_list("community_id", "role")


def community_roles(viewer) -> dict[int, str]:
    """The viewer's role in each community they belong to (one query per page)."""
    if not viewer.is_authenticated:
        return {}
    return dict(_roles(viewer=viewer))


def _page(queryset: QuerySet, viewer, before: int | None, size: int | None = None) -> Page[Post]:
    size = size or settings.FEED_PAGE_SIZE
    if before:
        queryset = queryset.filter(pk__lt=before)
    items = list(queryset.select_related(*CARD_RELATED).order_by("-id")[: size + 1])
    page = page_from(items, size)
    hydrate(page.items, viewer)
    return page


def saved_feed(viewer, *, before: int | None = None, size: int | None = None) -> Page[Post]:
    """The posts the viewer saved and may still read, newest post first."""
    return _page(Post.objects.filter(bookmarks__user=viewer, deleted_at=None), viewer, before, size)


def company_feed(viewer, *, before: int | None = None, size: int | None = None) -> Page[Post]:
    """Everything the viewer may see, newest first."""
    posts = Post.objects.top_level().filter(campaign__isnull=True)  # ideas live on their campaign's page
    return _page(visible_posts(viewer, posts), viewer, before, size)


def tag_feed(viewer, hashtag: Hashtag, *, before: int | None = None, size: int | None = None) -> Page[Post]:
    posts = visible_posts(viewer, Post.objects.top_level().filter(hashtags=hashtag))
    return _page(posts, viewer, before, size)


def author_feed(viewer, author, *, before: int | None = None, size: int | None = None) -> Page[Post]:
    posts = visible_posts(viewer, Post.objects.top_level().filter(author=author))
    return _page(posts, viewer, before, size)


def post_detail(viewer, pk: int, *, all_replies: bool = True) -> Post:
    """The post with its replies (all, or the latest few as in a feed); 404 for what the viewer may
    not see (or know exists)."""
    post = Post.objects.select_related(*CARD_RELATED, "parent").filter(pk=pk).first()
    if post is None or not can_view_post(viewer, post):
        raise Http404
    if post.parent_id:
        return post_detail(viewer, post.parent_id, all_replies=all_replies)
    hydrate([post], viewer, all_replies=all_replies)
    return post


def attachments_of_post(post: Post) -> list:
    return attachments_of("post", [post.pk]).get(post.pk, [])


def reactions_of(viewer, post: Post) -> list[Reaction]:
    """Who reacted, for the "who reacted" list."""
    if not can_view_post(viewer, post):
        raise Http404
    return list(post.reactions.select_related("user", "user__profile").order_by("-id"))


def access_post(viewer, pk: int) -> Post:
    """The post or reply `pk` as `viewer` may see it (author and parent loaded); Http404 alike for
    one that does not exist and one they may not read, so that nobody learns which."""
    post = Post.objects.select_related("author", "parent").filter(pk=pk).first()
    if post is None or not can_view_post(viewer, post):
        raise Http404
    return post


def share_target(viewer, post: Post) -> Post:
    """What sharing `post` shares: the post itself, or a share's original. A reply is refused (its
    thread is shared); what `viewer` may not read, alike for missing and forbidden (Http404)."""
    if post.parent_id is not None:
        raise ValidationError(_("A reply cannot be shared: share its conversation instead."))
    if post.is_share:
        post = post.shared_post  # None once deleted for good
    if post is None or not can_share(viewer, post):
        raise Http404
    return post


def access_hashtag(viewer, key: str) -> Hashtag:
    """The hashtag `key` as `viewer` may know it; Http404 alike for one that does not exist and one
    used only where they cannot read (every surface: page, follow, API)."""
    tag = visible_hashtags(viewer, Hashtag.objects.filter(key=key)).first()
    if tag is None:
        raise Http404
    return tag


def hashtag_suggestions(viewer, prefix: str, limit: int = 8) -> list[Hashtag]:
    from ruche.core.text import fold

    key = fold(prefix.lstrip("#"))[:50]
    if not key:
        return []

    # The key index finds the prefix range; the few tags in it are then ordered by followers.
    tags = visible_hashtags(viewer, Hashtag.objects.filter(prefix_q("key", key)))
    return list(tags.order_by("-follower_count", "key")[:limit])


def followed_hashtag_ids(viewer) -> set[int]:
    return set(viewer.hashtag_follows.values_list("hashtag_id", flat=True))
