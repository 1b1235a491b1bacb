"""The home feed: fanned-out entries merged with posts pulled from very large sources."""

import hashlib
import time
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, Value
from django.utils import timezone

from ruche.accounts.models import Follow
from ruche.accounts.policies import is_admin
from ruche.communities.models import Membership, Placement
from ruche.communities.policies import MODERATORS
from ruche.core.pagination import Page, page_from
from ruche.core.prepared import prepared
from ruche.feed import relevance
from ruche.feed.choices import Choice, Cursor, Reading
from ruche.feed.models import FeedEntry
from ruche.feed.services import sources_q
from ruche.posts.kept import KeptPost, KeptReply, Known
from ruche.posts.models import Bookmark, HashtagFollow, Post, Reaction
from ruche.posts.policies import visible_posts
from ruche.posts.selectors import CARD_RELATED, community_roles, hydrate, questions_for

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


def _where(viewer, only: str, outer: str = "") -> Q:
    """A filter's condition on posts, or on feed entries (`outer` = "post_"): whose posts, which kind."""
    post = "post__" if outer else ""
    if only == "following":
        return Q(**{f"{post}author_id__in": Follow.objects.filter(follower=viewer).values("followed_id")})
    if only == "communities":
        mine = Membership.objects.filter(user=viewer).values("community_id")
        placed = Placement.objects.filter(
            post_id=OuterRef(f"{outer}id" if outer else "pk"),
            community_id__in=mine,
            status=Placement.Status.APPROVED,
        )
        return Q(Exists(placed))
    if only in QUESTION_PHASES:
        where = Q(**{f"{post}question__isnull": False})
        if only != "questions":  # unanswered: nobody but the asker replied yet
            where &= Q(**{f"{post}question__first_answer_at__isnull": only == "unanswered"})
        return where
    return Q()


QUESTION_PHASES = ("questions", "unanswered", "answered")
# Which large sources a filter pulls from (the others' posts cannot pass it).
PULLED_SOURCES = {"following": {"author"}, "communities": {"community"}}


# Up to this many large authors (or hashtags) are read each on their own index range
# (post_author_recent; post_hashtag_newest) and merged. Given at once, SQLite walks every top-level
# post backwards (the replies index gives the order without a sort) until it has found enough of
# theirs: 8-34 ms for a window of 120 when they post little, against 0.2-1.2 ms on their own ranges;
# 4 ms against 0.14 for a tag of 300 posts. Each range costs up to a window's rows, so past 16
# sources (32 authors: 20 ms when they post a lot) the single walk is the better worst case
# (docs/performance.md, "third pass", "fifth pass"). PostgreSQL does the same walk for hashtags
# that post little (a reader's two tags: 5-10 ms, 1-1.7 on their ranges); for authors its single
# query is as good for a window and twice as slow for a page (docs/performance.md, "sixth pass").
PER_SOURCE_AT_MOST = 16


def _per_source(kind: str, sources: int, size: int) -> bool:
    if kind == "community" or sources > PER_SOURCE_AT_MOST:
        return False
    return connection.vendor == "sqlite" or kind == "hashtag" or size <= settings.FEED_PAGE_SIZE


@prepared("sources", "before", "after")
def _pulled_ids(sources, before, after, size: int, only: str, kind: str, per_source: bool):
    """The newest posts of large sources of one kind (their number makes the query's shape): ids
    and authors only, the page's cards are loaded once it is known which posts make it. One query per
    kind: or-ed together, PostgreSQL hashed every post of a large hashtag before it could stop at the
    page's first eleven (14 ms for a 33,000-post tag)."""

    def newest(condition):
        posts = Post.objects.alive().top_level().filter(condition, _where(None, only), campaign__isnull=True)
        return _between(posts, "id", before, after)

    if per_source:  # each source on its own index range, merged (see PER_SOURCE_AT_MOST)
        if kind == "author":
            post_id, ranges = "id", [newest(Q(author_id=source)) for source in sources]
        else:  # the tag's rows, newest first (post_hashtag_newest)
            post_id = "post_id"
            ranges = [_tag_newest(source, before, after, only) for source in sources]
        if connection.features.supports_slicing_ordering_in_compound:  # PostgreSQL: a UNION of ranges
            parts = [
                rows.values_list(post_id, "author_id" if kind == "author" else "post__author_id")
                for rows in ranges
            ]
            if len(parts) == 1:
                return parts[0][: size + 1]
            merged = parts[0][: size + 1].union(*(part[: size + 1] for part in parts[1:]))
            return merged.order_by(f"-{post_id}")[: size + 1]
        either = Q()  # SQLite cannot limit each part of a UNION: each range is a subquery
        for rows in ranges:
            either |= Q(pk__in=rows.values(post_id)[: size + 1])
        return Post.objects.filter(either).order_by("-id").values_list("id", "author_id")[: size + 1]
    if kind == "author":
        condition = Q(author_id__in=sources)
    elif kind == "hashtag":
        condition = Q(
            Exists(Post.hashtags.through.objects.filter(post_id=OuterRef("pk"), hashtag_id__in=sources))
        )
    else:
        placed = Placement.objects.filter(
            post_id=OuterRef("pk"), community_id__in=sources, status=Placement.Status.APPROVED
        )
        condition = Q(Exists(placed))
    return newest(condition).values_list("id", "author_id")[: size + 1]


def _tag_newest(tag, before, after, only: str):
    """A tag's posts as _pulled_ids' `newest` finds them, read from the tag's rows."""
    rows = Post.hashtags.through.objects.filter(
        _where(None, only, outer="post_"),
        hashtag_id=tag,
        post__deleted_at__isnull=True,
        post__hidden_at__isnull=True,
        post__parent__isnull=True,
        post__campaign__isnull=True,
    )
    return _between(rows, "post_id", before, after)


def _between(rows, post_id: str, before: int | None, after: int | None):
    """Rows whose post (their field `post_id`) is below `before` and above `after`, newest first."""
    if before is not None:
        rows = rows.filter(**{f"{post_id}__lt": before})
    if after is not None:
        rows = rows.filter(**{f"{post_id}__gt": after})
    return rows.order_by(f"-{post_id}")


def _pulled(user, only: str, before: int | None, after: int | None, size: int) -> dict[int, str]:
    """Posts of the large sources between `after` and `before`, with the reason each is in the feed
    (the sources, then a query per kind of them: authors, hashtags, communities)."""
    found: dict[str, list[int]] = {"author": [], "hashtag": [], "community": []}
    wanted = PULLED_SOURCES.get(only, set(found))
    for source, pk in _large_sources(viewer=user, large=settings.FEED_LARGE_AUDIENCE):
        if source in wanted:
            found[source].append(pk)
    authors, tags, communities = found["author"], found["hashtag"], found["community"]
    if not authors and not tags and not communities:
        return {}
    # Visibility is settled for the whole page by hydrate(), in one query.
    shape = only if only in QUESTION_PHASES else "all"
    rows = sorted(
        {
            row
            for kind, sources in found.items()
            if sources
            for row in _pulled_ids(
                sources=sources,
                before=before,
                after=after,
                size=size,
                only=shape,
                kind=kind,
                per_source=_per_source(kind, len(sources), size),
            )
        },
        reverse=True,
    )[: size + 1]
    other = Reason.COMMUNITY if communities else Reason.HASHTAG
    return {pk: Reason.FOLLOW if author_id in authors else other for pk, author_id in rows}


@prepared("viewer", "before", "after")
def _entries(viewer, before, after, size: int, only: str):
    entries = FeedEntry.objects.filter(
        _where(viewer, only, outer="post_"),
        user=viewer,
        post__deleted_at__isnull=True,
        post__hidden_at__isnull=True,
    )
    return _between(entries, "post_id", before, after).values_list("post_id", "reason")[: size + 1]


def _ids(user, only: str, before: int | None, after: int | None, size: int) -> list[tuple[int, str]]:
    """Up to size + 1 posts of the feed passing the filter, newest first, each with its reason: the
    fanned-out entries, the large sources' posts, and past the entries' horizon the sources' older
    posts. Ids only: the page's posts are loaded once it is known which make it."""
    rows = _entries(viewer=user, before=before, after=after, size=size, only=only)
    reasons: dict[int, str] = dict(rows)
    # A full page of entries already reaches down to its last one: only posts above it can join.
    above = rows[-1][0] if len(rows) > size else after
    for pk, reason in _pulled(user, only, before, above, size).items():
        reasons.setdefault(pk, reason)
    if len(rows) <= size and user.feed_horizon:
        # Past the fanned-out entries (trimmed, or older than a rebuild): pull from the sources.
        below = min(before or user.feed_horizon + 1, user.feed_horizon + 1, *(pk for pk, _ in rows[-1:]))
        older = Post.objects.top_level().filter(sources_q(user), _where(user, only), pk__lt=below)
        if after is not None:
            older = older.filter(pk__gt=after)
        older = visible_posts(user, older.filter(deleted_at__isnull=True, hidden_at__isnull=True))
        for pk in older.distinct().order_by("-id").values_list("id", flat=True)[: size + 1]:
            reasons.setdefault(pk, Reason.FOLLOW)
    return sorted(reasons.items(), reverse=True)[: size + 1]


@prepared("ids")
def _cards(ids):
    """The page's posts, still there and not hidden (a kept ranking may name one since removed)."""
    alive = Post.objects.filter(pk__in=ids, deleted_at__isnull=True, hidden_at__isnull=True)
    return alive.select_related(*CARD_RELATED).order_by("-id")


def home_feed(user, *, before: int | None = None, size: int | None = None) -> Page[Post]:
    """Page of the whole home feed, newest first, each post carrying `feed_reason` (Mastodon's home
    timeline; the home page and the API read `feed_page`, which adds filters and orders)."""
    size = size or settings.FEED_PAGE_SIZE
    rows = _ids(user, "all", before, None, size)
    page = page_from(_load(user, rows), size)
    hydrate(page.items, user)
    return page


def _load(user, rows: list[tuple[int, str]]) -> list[Post]:
    reasons = dict(rows)
    posts = list(_cards(ids=[pk for pk, _ in rows]))
    for post in posts:
        post.feed_reason = reasons[post.pk]
    return posts


# --- The home page's feed: a filter, an order, a cursor (ruche/feed/choices.py) -------------------


@dataclass
class FeedPage:
    items: list[Post]
    next_cursor: str | None
    choice: Choice
    announcements: list | None = None  # the announcements filter's items (receipts), else None
    until: float | None = None  # the most relevant order: when its ranking expires (time.monotonic())

    def __iter__(self):
        return iter(self.items)

    def __len__(self):
        return len(self.items)


def feed_page(user, reading: Reading, *, size: int | None = None, known: Known | None = None) -> FeedPage:
    """A page of the home feed as the person chose it; every post carries `why` (the line its card
    shows). Announcements are not posts: their filter is served by ruche.announcements (web, API).
    `known` tells which cards the caller keeps: those posts come as KeptPost, not loaded."""
    size = size or settings.FEED_PAGE_SIZE
    choice, cursor = reading.choice, reading.cursor
    after = user.feed_unread_after if choice.filter == "unread" else None
    only = choice.filter if choice.filter in {"following", "communities", "questions"} else "all"
    whys: dict[int, relevance.Candidate] = {}
    until = None
    if choice.order == "relevant" and not (cursor and cursor.phase == "o"):
        rows, next_cursor, whys, until = _ranked(user, choice, cursor, size, after)
    elif choice.filter == "questions" and choice.order == "recent":  # (below relevant's window: newest first)
        rows, next_cursor = _questions_first(user, cursor, size, after)
    else:
        rows = _ids(user, only, cursor.id if cursor else None, after, size)
        next_cursor = Cursor(cursor.phase if cursor else "", rows[size - 1][0]) if len(rows) > size else None
        rows = rows[:size]
    position = {pk: i for i, (pk, _reason) in enumerate(rows)}
    roles = community_roles(user)
    kept = _kept(user, rows, known, roles) if known else {}
    loaded = hydrate(_load(user, [row for row in rows if row[0] not in kept]), user, roles=roles)
    posts = sorted([*loaded, *kept.values()], key=lambda p: position[p.pk])
    _explain(user, posts, whys, roles)
    return FeedPage(posts, next_cursor.encode(choice) if next_cursor else None, choice, until=until)


@prepared("viewer", "ids")
def _page_facts(viewer, ids):
    """The page's posts the viewer may read, not hidden: what tells whether a kept card may be given
    (its version, author, whether the viewer has a reply in it that only they see: hidden, or waiting
    for approval) and whether the viewer saved it."""
    saved = Exists(Bookmark.objects.filter(user_id=viewer.pk, post_id=OuterRef("pk")))
    own = Post.objects.filter(parent_id=OuterRef("pk"), author_id=viewer.pk, deleted_at__isnull=True)
    replied = Exists(own.filter(Q(hidden_at__isnull=False) | Q(awaiting_approval=True)))
    readable = visible_posts(viewer, Post.objects.filter(pk__in=ids, hidden_at__isnull=True))
    return readable.annotate(saved=saved, replied=replied).values_list(
        "pk", "created", "version", "author_id", "saved", "replied"
    )


@prepared("viewer", "ids")
def _own_reactions(viewer, ids):
    return Reaction.objects.filter(user_id=viewer.pk, post_id__in=ids).values_list("post_id", "kind")


def _kept(user, rows: list[tuple[int, str]], known: Known, roles: dict[int, str]) -> dict[int, KeptPost]:
    """The page's posts whose card the caller keeps for this reader, with the reader's values (two
    queries, however many; none when no post of the page has a kept card). A card is the reader's
    own, drawn for them, when they wrote the post or a reply it shows (or one only they see),
    administer, or moderate a community it is placed in (ruche/posts/kept.py `keepable`)."""
    reasons = dict(rows)
    if is_admin(user) or not any(known.knows(pk) for pk in reasons):
        return {}
    kept: dict[int, KeptPost] = {}
    for pk, created, version, author_id, saved, replied in _page_facts(viewer=user, ids=list(reasons)):
        facts = None if author_id == user.pk or replied else known.facts(pk, created, version)
        if facts is None or any(roles.get(place.pk) in MODERATORS for place in facts.placed):
            continue
        if any(reply_author == user.pk for _pk, _created, reply_author in facts.replies):
            continue
        shown = tuple(place.pk for place in facts.placed if place.open or place.pk in roles)
        if known.has(pk, created, version, shown):
            replies = [
                KeptReply(reply_pk, reply_created) for reply_pk, reply_created, _author in facts.replies
            ]
            kept[pk] = KeptPost(
                pk, created, version, author_id, facts, shown, saved, reasons[pk], replies=replies
            )
    targets = {**kept, **{r.pk: r for post in kept.values() for r in post.replies}}
    for pk, kind in _own_reactions(viewer=user, ids=list(targets)) if targets else ():
        targets[pk].my_reaction = kind
    return kept


def _questions_first(user, cursor, size, after):
    """Questions: those nobody answered yet, newest first, then the answered ones."""
    phase = cursor.phase if cursor else "u"
    before = cursor.id if cursor else None
    rows: list[tuple[int, str]] = []
    if phase == "u":
        rows = _ids(user, "unanswered", before, after, size)
        if len(rows) > size:
            return rows[:size], Cursor("u", rows[size - 1][0])
        before = None  # then the answered ones, from the newest
    more = _ids(user, "answered", before, after, size - len(rows))
    rows += more
    if len(rows) > size:  # the next page starts at rows[size], an answered one (not below the last shown)
        return rows[:size], Cursor("a", rows[size][0] + 1)
    return rows, None


def _ranked(user, choice: Choice, cursor, size, after):
    """The window of the newest candidates, ranked; past it, the older posts newest first."""
    only = choice.filter if choice.filter in {"following", "communities", "questions"} else "all"
    anchor = cursor.id + 1 if cursor else None  # the same candidates as the first page's
    rows = _ids(user, only, anchor, after, relevance.WINDOW)
    # The ranking of exactly these candidates, kept a minute: the next page reads the same order
    # (no post twice, none skipped), and what its cards show is read fresh all the same.
    key = (
        f"feed:ranked:{user.pk}:{choice.filter}:"
        + hashlib.blake2b(repr(rows).encode(), digest_size=12).hexdigest()
    )
    ranked = _kept_ranking(key)
    if ranked is None:
        ranked = _rank(user, choice, rows[: relevance.WINDOW])
        cache.set(key, ranked, relevance.KEPT_SECONDS)
        _rankings[key] = (time.monotonic() + relevance.KEPT_SECONDS, ranked)
    until = _rankings.get(key, (None,))[0]
    offset = cursor.offset if cursor else 0
    chunk = ranked[offset : offset + size]
    if offset + size < len(ranked):
        next_cursor = Cursor("r", rows[0][0], offset + size)
    elif len(rows) > relevance.WINDOW:  # more than the window: newest first below it
        next_cursor = Cursor("o", rows[relevance.WINDOW - 1][0])
    else:
        next_cursor = None
    reasons = dict(rows)
    ranked_here = {c.id: c for c in chunk if c.author_id}  # older ones: their entry's reason
    return [(c.id, reasons[c.id]) for c in chunk], next_cursor, ranked_here, until


AFFINITY_DAYS = 90

# The rankings this process read or made, as objects: reading one from the shared cache unpickles
# 120 candidates (half a millisecond). The shared cache stays the reference: another process, or
# this one after a restart, finds there the order the first page was given.
_rankings: dict[str, tuple[float, list]] = {}
RANKINGS_KEPT = 1000


def forget_rankings() -> None:
    _rankings.clear()


def _kept_ranking(key: str) -> list | None:
    now = time.monotonic()
    found = _rankings.get(key)
    if found is not None and found[0] > now:
        return found[1]
    ranked = cache.get(key)
    if ranked is not None:
        if len(_rankings) >= RANKINGS_KEPT:
            for old in [k for k, (until, _r) in list(_rankings.items()) if until <= now] or list(_rankings):
                _rankings.pop(old, None)
        _rankings[key] = (now + relevance.KEPT_SECONDS, ranked)
    return ranked


def _rank(user, choice: Choice, rows) -> list[relevance.Candidate]:
    since = timezone.now() - timedelta(days=relevance.WINDOW_DAYS)
    candidates = _candidates(user, rows, since)
    now = timezone.now()
    if choice.filter == "questions":  # unanswered first, in either order
        ranked = relevance.rank([c for c in candidates if c.unanswered], now)
        ranked += relevance.rank([c for c in candidates if not c.unanswered], now)
    else:
        ranked = relevance.rank(candidates, now)
    # The window's posts older than WINDOW_DAYS follow, newest first (ids need not follow dates).
    ranked_ids = {c.id for c in ranked}
    older = [(pk, reason) for pk, reason in rows if pk not in ranked_ids]
    return ranked + [relevance.Candidate(id=pk, author_id=0, created=since, reason=r) for pk, r in older]


def _candidates(user, rows: list[tuple[int, str]], since) -> list[relevance.Candidate]:
    """What ranking needs of the window's posts, for this reader: a fixed number of queries."""
    reasons = dict(rows)
    facts = list(
        Post.objects.filter(pk__in=list(reasons), created__gte=since).values_list(
            "id",
            "author_id",
            "created",
            "reaction_count",
            "reply_count",
            "question__post_id",
            "question__first_answer_at",
        )
    )
    found = {
        pk: relevance.Candidate(
            id=pk,
            author_id=author_id,
            created=created,
            reason=reasons[pk],
            reactions=reactions,
            replies=replies,
            own=author_id == user.pk,
            mentions_me=reasons[pk] == Reason.MENTION,
            unanswered=question is not None and answered_at is None,
        )
        for pk, author_id, created, reactions, replies, question, answered_at in facts
    }
    if not found:
        return []
    ids, authors = list(found), {c.author_id for c in found.values()}
    my_questions = [
        pk for pk, author, *_, replies, question in facts if author == user.pk and replies and question
    ]
    placed = Placement.objects.filter(post_id__in=ids, status=Placement.Status.APPROVED)
    for pk, community_id in placed.values_list("post_id", "community_id"):
        found[pk].communities.append((community_id, ""))
    for pk, name in _followed_tags(viewer=user, ids=ids):
        found[pk].followed_tags.append(name)
    followed = set(
        Follow.objects.filter(follower=user, followed_id__in=authors).values_list("followed_id", flat=True)
    )
    for pk in questions_for(user, ids):
        found[pk].asked_me = True
    answers = (
        Post.objects.filter(parent_id__in=my_questions, deleted_at__isnull=True, hidden_at__isnull=True)
        .exclude(author=user)
        .order_by("id")
        .values_list("parent_id", "author__first_name", "author__last_name")
    )
    for pk, first, last in answers:
        found[pk].answered_by = f"{first} {last}".strip()
    with_author, in_community = _affinities(user, authors)
    for c in found.values():
        c.follows_author = c.author_id in followed
        c.affinity = with_author.get(c.author_id, 0)
        c.community_affinity = sum(in_community.get(cid, 0) for cid, _ in c.communities)
    return list(found.values())


def _affinities(user, authors: set[int]) -> tuple[Counter, Counter]:
    """How often the reader reacted to or replied to each of these authors, and posted or replied
    in each community, in the last AFFINITY_DAYS days (three grouped queries)."""
    since = timezone.now() - timedelta(days=AFFINITY_DAYS)
    with_author: Counter = Counter()
    reactions = Reaction.objects.filter(user=user, created__gte=since, post__author_id__in=authors)
    for author_id, n in reactions.values_list("post__author_id").annotate(n=Count("id")).order_by():
        with_author[author_id] += n
    replies = Post.objects.filter(author=user, created__gte=since, parent__author_id__in=authors)
    for author_id, n in replies.values_list("parent__author_id").annotate(n=Count("id")).order_by():
        with_author[author_id] += n
    written = Placement.objects.filter(
        post__author=user, post__created__gte=since, status=Placement.Status.APPROVED
    )
    in_community = Counter(dict(written.values_list("community_id").annotate(n=Count("id")).order_by()))
    return with_author, in_community


@prepared("viewer", "ids")
def _followed_tags(viewer, ids):
    """(post, tag name) for the tags of these posts the viewer follows."""
    through = Post.hashtags.through.objects.filter(post_id__in=ids, hashtag__follows__user=viewer)
    return through.values_list("post_id", "hashtag__name").order_by("hashtag__name")


def _explain(user, posts: list[Post | KeptPost], ranked: dict[int, relevance.Candidate], roles) -> None:
    """Give each card its `why`: from the ranking's candidate, or from the entry's reason (the most
    recent order). Names come from the cards, communities from those hydrate() let the reader know
    (`roles`: the reader's role in each community they belong to)."""
    tagged = [p.pk for p in posts if p.feed_reason == Reason.HASHTAG and p.pk not in ranked]
    tags: dict[int, list[str]] = {}
    for pk, name in _followed_tags(viewer=user, ids=tagged) if tagged else ():
        tags.setdefault(pk, []).append(name)
    for post in posts:
        c = ranked.get(post.pk) or relevance.Candidate(
            id=post.pk,
            author_id=post.author_id,
            created=post.created,
            reason=post.feed_reason,
            own=post.author_id == user.pk,
            follows_author=post.feed_reason == Reason.FOLLOW,
            mentions_me=post.feed_reason == Reason.MENTION,
            followed_tags=tags.get(post.pk, []),
        )
        c.author_name = post.author_name if isinstance(post, KeptPost) else post.author.full_name
        # Only communities the reader belongs to, among those hydrate() lets them know of.
        c.communities = [(x.pk, x.name) for x in post.communities if x.pk in roles]
        c.shown_in = post.communities[0].name if post.communities else ""
        post.why = relevance.explain(c)


def loaded(user, kept: KeptPost) -> Post | None:
    """The post a KeptPost stands for, loaded and hydrated for the reader, with its reason (a kept
    card forgotten between the feed's look and its drawing); None if it is no longer theirs to read."""
    posts = hydrate(_load(user, [(kept.pk, kept.feed_reason)]), user)
    for post in posts:
        post.why = kept.why
    return posts[0] if posts else None
