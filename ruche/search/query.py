"""The user's words, parsed by us: the backend never sees the raw string.

Only runs of letters and digits survive, folded (case and accents gone) and truncated; FTS
operators, quotes, stars, parentheses and SQL are separators like any punctuation. Each backend
then builds its own query from these words (quoted terms for FTS5, a tsquery for PostgreSQL).
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ruche.core.text import fold

MAX_QUERY_CHARS = 200
MAX_TERMS = 8
MAX_TERM_CHARS = 40
WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)


class QueryError(ValueError):
    """An input we refuse, with a message for the person who typed it."""


@dataclass(frozen=True)
class Terms:
    words: tuple[str, ...]
    # The last word may be unfinished (the person is still typing): it matches as a prefix.
    prefix_last: bool = True

    def __bool__(self) -> bool:
        return bool(self.words)


def parse(raw: str | None, *, prefix_last: bool = True) -> Terms:
    raw = raw or ""
    if len(raw) > MAX_QUERY_CHARS:
        raise QueryError(_("Your search is too long: %(max)d characters at most.") % {"max": MAX_QUERY_CHARS})
    words: list[str] = []
    for word in WORD_RE.findall(fold(raw)):
        word = word[:MAX_TERM_CHARS]
        if word not in words:
            words.append(word)
    if not words:
        raise QueryError(_("Type a word or two to search for."))
    return Terms(tuple(words[:MAX_TERMS]), prefix_last=prefix_last)


def words_of(raw: str | None) -> tuple[str, ...]:
    """Parse without refusing: no words for empty or too-long input (autocomplete, experts)."""
    try:
        return parse(raw).words
    except QueryError:
        return ()
