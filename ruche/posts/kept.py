"""Posts whose card is kept: what a page needs of them without loading them.

A card (the HTML of ruche/web/cards.py, the JSON of ruche/api/cards.py) is kept under its post's
`version`, which the database moves on every change the card shows (ruche/posts/versions.py). A
feed that finds a kept card for the version it reads loads nothing more of that post: only what is
personal (the reader's reaction, saved mark, the reason it is in their feed) is read for the page.

`Facts` is what the feed must know of a kept card to decide, without the post, whether this reader
may be given it: who wrote it, where it is placed (a moderator of one of those communities, or a
reader who may not know a secret one, gets another card), which replies it shows. `KeptPost`
stands for the post in the page, with the reader's values. A `Store` keeps one kind of cards.
"""

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple, Protocol

from django.conf import settings

from ruche.posts.policies import can_delete_shown


class Place(NamedTuple):
    pk: int
    open: bool  # every colleague may know of the community (its name is shown to all)
    name: str


@dataclass(frozen=True)
class Facts:
    author_id: int
    author_name: str
    placed: tuple[Place, ...]  # every approved placement, whoever reads
    replies: tuple[tuple[int, datetime, int], ...]  # the replies the card shows: (id, created, author)

    @classmethod
    def of(cls, post) -> "Facts":
        """From a post hydrated for a reader who may be given the kept card (posts.selectors.hydrate)."""
        return cls(
            author_id=post.author_id,
            author_name=post.author.full_name,
            placed=post.placed_in,
            replies=tuple((r.pk, r.created, r.author_id) for r in post.shown_replies),
        )


def keepable(post, viewer) -> bool:
    """Whether the card of this hydrated post, as this reader sees it, is the one every reader who
    may read it sees: not when the reader wrote it or a shown reply, administers or moderates; not
    for a hidden post or reply, one waiting for approval; not for a question (votes, acceptance) nor
    a share (its original as the reader may see it)."""
    replies = getattr(post, "shown_replies", None)
    if replies is None or not hasattr(post, "waiting_in"):
        return False  # not a hydrated card
    if post.is_share or getattr(post, "is_question", True) or post.hidden_at or post.waiting_in:
        return False
    if post.can_moderate or can_delete_shown(viewer, post):
        return False
    return not any(r.hidden_at or r.awaiting_approval or can_delete_shown(viewer, r) for r in replies)


class Known(Protocol):
    """What a caller of the feed keeps (a Store)."""

    def knows(self, pk: int) -> bool: ...

    def facts(self, pk: int, created: datetime, version: int) -> Facts | None: ...

    def has(self, pk: int, created: datetime, version: int, shown: tuple[int, ...]) -> bool: ...


@dataclass
class KeptReply:
    pk: int
    created: datetime
    my_reaction: str | None = None
    saved: bool = False  # replies are not saved; the card's slots ask all the same


@dataclass
class KeptPost:
    pk: int
    created: datetime
    version: int
    author_id: int
    facts: Facts
    shown: tuple[int, ...]  # the communities this reader may know of, among those it is placed in
    saved: bool
    feed_reason: str = ""
    my_reaction: str | None = None
    why: object = None
    replies: list[KeptReply] = field(default_factory=list)

    @property
    def author_name(self) -> str:
        return self.facts.author_name

    @property
    def communities(self) -> list[Place]:
        return [place for place in self.facts.placed if place.pk in self.shown]


class Store:
    """The cards of one kind (HTML, JSON) kept in this process: per version of a post, its facts
    and its shared parts per `variant(shown)` (the language, time zone... the drawing depends on)."""

    def __init__(self, variant: Callable[[tuple[int, ...]], tuple]):
        self.variant = variant
        self._kept: dict[tuple, _Entry] = {}
        self._posts: set[int] = set()  # the posts with a kept card, of some version
        self._lock = threading.Lock()

    def knows(self, pk: int) -> bool:
        """Whether a card of some version of this post is kept (else the feed need not ask which)."""
        return pk in self._posts

    def facts(self, pk: int, created: datetime, version: int) -> Facts | None:
        entry = self._kept.get((pk, created, version))
        return entry.facts if entry is not None else None

    def has(self, pk: int, created: datetime, version: int, shown: tuple[int, ...]) -> bool:
        return self.get(pk, created, version, shown) is not None

    def get(self, pk: int, created: datetime, version: int, shown: tuple[int, ...]):
        entry = self._kept.get((pk, created, version))
        return entry.drawn.get(self.variant(shown)) if entry is not None else None

    def keep(self, post, shown: tuple[int, ...], parts) -> None:
        """Keep the shared parts drawn for `post` (hydrated, `keepable` for its reader)."""
        key = (post.pk, post.created, post.version)
        with self._lock:
            entry = self._kept.get(key)
            if entry is None:
                if len(self._kept) >= settings.CARD_CACHE_ENTRIES:  # forget the older half (insertion order)
                    for old in list(self._kept)[: len(self._kept) // 2]:
                        self._kept.pop(old, None)
                    self._posts = {pk for pk, _created, _version in self._kept}
                entry = self._kept[key] = _Entry(Facts.of(post), {})
                self._posts.add(post.pk)
            entry.drawn[self.variant(shown)] = parts

    def forget_all(self) -> None:
        with self._lock:
            self._kept.clear()
            self._posts = set()

    def __len__(self) -> int:
        return len(self._kept)

    def values(self):
        return [parts for entry in list(self._kept.values()) for parts in entry.drawn.values()]


@dataclass
class _Entry:
    facts: Facts
    drawn: dict
