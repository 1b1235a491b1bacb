"""The "most relevant" order: a second sort of the feed's own candidates, and why each post is there.

Ranking never chooses what may be read: it reorders the newest posts of the same filtered feed
(`WINDOW` of them, the last `WINDOW_DAYS` days), which the feed's selectors found with the usual
visibility. Every weight lives in `WEIGHTS` (documented in docs/feed.md); the tests in
tests/feed/test_relevance.py fix the order hand-built candidates must come in.

A post's score adds
- affinity: how much the reader interacted with the author (reactions given, replies written, in the
  last 90 days) and with the post's communities (posts and replies written there), on a log scale;
- engagement: reactions and replies (a reply counts double), on a log scale, decayed with age;
- freshness: a new post, halving every `half_life_hours`;
- must-read: the reader is mentioned, asked as an expert, or their question got an answer;
then, placed one by one, a post loses a share of its score for each post of the same author among
the last few placed (diversity: not five posts in a row from one source).
"""

import math
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from django.utils.translation import get_language
from django.utils.translation import gettext as _

WINDOW = 120  # candidates ranked together: twelve pages, then the older posts, newest first
WINDOW_DAYS = 14
KEPT_SECONDS = 60  # a ranking is kept this long for the same candidates (ruche/feed/selectors.py)


@dataclass(frozen=True)
class Weights:
    affinity: float = 3.0  # × log(1 + interactions with the author)
    community_affinity: float = 1.0  # × log(1 + own posts and replies in the post's communities)
    engagement: float = 1.5  # × log(1 + reactions + 2 × replies) × decay
    freshness: float = 4.0  # × decay
    half_life_hours: float = 24.0  # decay = 0.5 ** (age in hours / half_life_hours)
    must_read: float = 8.0  # mentioned, asked as an expert, my question answered
    diversity: float = 0.5  # × this per post of the same author among the last `diversity_span` placed
    diversity_span: int = 3
    popular: int = 5  # reactions + replies from which a post is "popular in" its community


WEIGHTS = Weights()


@dataclass
class Candidate:
    """What ranking and explaining know of one post, for one reader."""

    id: int
    author_id: int
    created: datetime
    reason: str = "follow"  # why the feed holds it (FeedEntry.Reason)
    author_name: str = ""
    reactions: int = 0
    replies: int = 0
    follows_author: bool = False
    own: bool = False
    followed_tags: list[str] = field(default_factory=list)
    communities: list[tuple[int, str]] = field(default_factory=list)  # (id, name): the reader's own
    shown_in: str = ""  # the first community the card names (one the reader may know of)
    mentions_me: bool = False
    asked_me: bool = False
    answered_by: str = ""  # my question: who answered last
    unanswered: bool = False  # a question nobody but its asker replied to
    affinity: int = 0  # interactions with the author
    community_affinity: int = 0  # own posts and replies in the post's communities

    @property
    def must_read(self) -> bool:
        return self.mentions_me or self.asked_me or bool(self.answered_by)


def score(c: Candidate, now: datetime, w: Weights = WEIGHTS) -> float:
    age_hours = max((now - c.created).total_seconds() / 3600, 0.0)
    decay = 0.5 ** (age_hours / w.half_life_hours)
    return (
        w.affinity * math.log1p(c.affinity)
        + w.community_affinity * math.log1p(c.community_affinity)
        + w.engagement * math.log1p(c.reactions + 2 * c.replies) * decay
        + w.freshness * decay
        + (w.must_read if c.must_read else 0.0)
    )


def rank(candidates: list[Candidate], now: datetime, w: Weights = WEIGHTS) -> list[Candidate]:
    """Highest score first, a post's score lowered for each post of its author among the last few
    placed. Ties go to the newer post."""
    scored = {c.id: score(c, now, w) for c in candidates}
    left = sorted(candidates, key=lambda c: (scored[c.id], c.id), reverse=True)
    placed: list[Candidate] = []
    while left:
        recent = [p.author_id for p in placed[-w.diversity_span :]]

        def adjusted(c: Candidate, recent=recent) -> tuple[float, int]:
            return scored[c.id] * w.diversity ** recent.count(c.author_id), c.id

        best = max(left, key=adjusted)
        left.remove(best)
        placed.append(best)
    return placed


@dataclass(frozen=True)
class Why:
    """The one line a card shows about why it is in the feed."""

    kind: str
    name: str = ""

    def __bool__(self) -> bool:
        return bool(self.kind)

    def __str__(self) -> str:
        return _text(get_language(), self.kind) % {"name": self.name} if self.kind else ""


@lru_cache(maxsize=64)
def _text(language: str | None, kind: str) -> str:
    """The line's words in the active language (`language`), translated once per process."""
    texts = {
        "mention": _("You are mentioned"),
        "asked": _("A question for you, as an expert"),
        "answered": _("%(name)s answered your question"),
        "follow": _("Because you follow %(name)s"),
        "hashtag": _("Because you follow #%(name)s"),
        "popular": _("Popular in %(name)s"),
        "community": _("In %(name)s, one of your communities"),
        "affinity": _("You often interact with %(name)s"),
        "own": _("Your post"),
    }
    return texts.get(kind, "")


def explain(c: Candidate, w: Weights = WEIGHTS) -> Why:
    """The strongest reason first: what asks for the reader, then the sources they chose."""
    if c.mentions_me:
        return Why("mention")
    if c.asked_me:
        return Why("asked")
    if c.answered_by:
        return Why("answered", c.answered_by)
    if c.own:
        return Why("own")
    if c.follows_author:
        return Why("follow", c.author_name)
    if c.followed_tags:
        return Why("hashtag", c.followed_tags[0])
    if c.shown_in and c.reactions + c.replies >= w.popular:
        return Why("popular", c.shown_in)
    if c.communities:
        return Why("community", c.communities[0][1])
    if c.affinity:
        return Why("affinity", c.author_name)
    return Why("")
