# The statement is built from constants and placeholders (%s); no input reaches its text:
# ruff: noqa: S608
"""The first page of a person's home feed, kept for them and given again while nothing it shows has
changed: the home page's HTML (ruche/web/views.py) and the feed's JSON (ruche/api/feed.py).

Whether anything changed is one query: the page's stamps (ruche/feed/stamps.py), read again and
compared with those read before it was drawn. They cover the reader's own rows (follows, hashtags,
memberships, entries, reactions, saved posts, account, profile, and what the page app adds), every
source they follow (a new or changed post of a followed author, hashtag or community, pulled or not),
the shared facts, and the version of each post shown (its card: ruche/posts/versions.py). Stamps are
read before the page is drawn: a change made while it is drawn moves them past what was kept.

A card drawn for its reader rather than kept for every reader (ruche/posts/kept.py `keepable`:
their own post, a moderator's view, a question, a share...) depends on its version and the reader's
own rows, which the stamps follow: a question's state and its answers' votes move its version, the
reader's own votes their stamp; a share shows its original, whose version is read with the page's
posts. A page is kept a minute at most, and no longer than the ranking it shows
(the most relevant order's, kept a minute too): what changes with time alone (relative times, open
campaigns, suggestions) lags by a minute at most, as the ranking already did.

Kept per process (the last `KEPT_PAGES` asked, as bytes: some 50 KB each): the shared cache would
send a page over the network on every request.
"""

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from django.db import connection

from ruche.feed import stamps

KEPT_SECONDS = 60
KEPT_PAGES = 500


@dataclass(frozen=True)
class Kept:
    stamp: tuple
    ids: tuple[int, ...]
    body: bytes | tuple  # the page, or the page cut where each request fills it in (its app's shape)
    until: float  # time.monotonic()


_pages: OrderedDict[tuple, Kept] = OrderedDict()
_lock = threading.Lock()  # pages are drawn in threads


def forget() -> None:
    _pages.clear()


@cache
def _statement(shown: int, also: str = "") -> str:
    """The stamps of a reader's page showing `shown` posts (one row, one query), joined to the row
    of `also` when given (NULLs when it has none)."""
    ids = ", ".join(["%s"] * shown) or "NULL"
    source = (
        "(SELECT sum(s.version) FROM {table} AS f JOIN feed_stamp AS s "
        "ON s.kind = {kind} AND s.item = f.{item} WHERE f.{reader} = %s) AS {table}"
    )
    statement = (
        "SELECT "
        f"(SELECT version FROM feed_stamp WHERE kind = {stamps.READER} AND item = %s) AS reader, "
        f"(SELECT version FROM feed_stamp WHERE kind = {stamps.SHARED} AND item = 0) AS shared, "
        + ", ".join(
            source.format(table=table, kind=kind, item=item, reader=reader)
            for table, kind, item, reader in (
                ("accounts_follow", stamps.AUTHOR, "followed_id", "follower_id"),
                ("posts_hashtagfollow", stamps.HASHTAG, "hashtag_id", "user_id"),
                ("communities_membership", stamps.COMMUNITY, "community_id", "user_id"),
            )
        )
        + f", (SELECT sum(version) FROM posts_post WHERE id IN ({ids})) AS versions, "
        f"(SELECT count(*) FROM posts_post WHERE id IN ({ids})) AS shown"
    )
    return f"SELECT * FROM ({statement}) AS stamps LEFT JOIN ({also}) AS also ON 1 = 1" if also else statement


# The columns of the statement before `also`'s: the page's own stamps, then what it shows of posts.
OWN, SHOWN = slice(0, 5), slice(5, 7)


def read_stamp(reader_id: int, ids: tuple[int, ...] = (), also: tuple[str, list] = ("", [])) -> tuple:
    """The stamps as they are now: the reader's, the shared one, the sums of their sources', the
    sum and number of the versions of the posts `ids`, then the values of `also`: the SQL and
    parameters of a query of one row at most, that the page shows too (the web page's unread count)."""
    stamps.flush(connection)  # this transaction's own changes (PostgreSQL moves stamps at commit)
    sql, params = also
    with connection.cursor() as cursor:
        cursor.execute(_statement(len(ids), sql), [reader_id] * 4 + [*ids, *ids] + list(params))
        row = cursor.fetchone()
    return tuple(int(value) if isinstance(value, Decimal) else value for value in row)  # PostgreSQL's sums


def find(key: tuple, reader_id: int, also: tuple[str, list] = ("", [])) -> Kept | None:
    """The page kept under `key`, if nothing it shows changed since (`also`: as `read_stamp`'s)."""
    kept = _pages.get(key)
    if kept is None:
        return None
    if kept.until <= time.monotonic() or read_stamp(reader_id, kept.ids, also) != kept.stamp:
        with _lock:
            if _pages.get(key) is kept:
                del _pages[key]
        return None
    with _lock:
        if key in _pages:
            _pages.move_to_end(key)
    return kept


def keepable(items) -> bool:
    """A page may be kept when it shows posts (see above for what its stamps follow)."""
    return bool(items)


def _shown(items) -> dict[int, int]:
    """The version of each post the page shows, by id: its cards' posts and the originals of its
    shares (a share's card shows its original, as the reader may see it)."""
    shown = {post.pk: post.version for post in items}
    for post in items:
        original = getattr(post, "shared_post", None) if getattr(post, "is_share", False) else None
        if original is not None:
            shown.setdefault(original.pk, original.version)
    return shown


def keep(key: tuple, before: tuple, items, body, until: float | None = None) -> None:
    """Keep `body`, the page of `items` drawn after `before` was read (`read_stamp(reader)`)."""
    versions = _shown(items)
    ids = tuple(versions)
    shown = (sum(versions.values()), len(ids))
    now = time.monotonic()
    kept = Kept(
        before[OWN] + shown + before[SHOWN.stop :],
        ids,
        body,
        min(until or now + KEPT_SECONDS, now + KEPT_SECONDS),
    )
    with _lock:
        _pages[key] = kept
        _pages.move_to_end(key)
        while len(_pages) > KEPT_PAGES:
            _pages.popitem(last=False)
