"""Text helpers shared by every app: folding for case- and accent-insensitive identity."""

import re
import unicodedata

MENTION_RE = re.compile(r"(?<![\w@/.])@([a-z0-9][a-z0-9._-]{0,62}[a-z0-9]|[a-z0-9])", re.IGNORECASE)
HASHTAG_MAX_LENGTH = 50  # Hashtag.key and .name; a longer tag is refused, never cut
# A tag is the whole run of word characters after #, however long, so that a long one is seen whole.
HASHTAG_RE = re.compile(r"(?<![\w&/#])#(\w[\w-]*\w|\w)", re.UNICODE)


def fold(text: str) -> str:
    """Lower-case, accent-free form: `Qualité` and `qualite` fold to the same key."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.casefold()


def too_long_tag(name: str) -> bool:
    """Its spelling or its folded key (NFKD may lengthen it: "ﬁ" is "fi") would not fit a Hashtag."""
    return max(len(name), len(fold(name))) > HASHTAG_MAX_LENGTH


def slugify_handle(text: str) -> str:
    """`Élodie Martin-Roux` -> `elodie.martin-roux`: what people type after @."""
    folded = fold(text)
    handle = re.sub(r"[^a-z0-9-]+", ".", folded).strip(".-")
    return re.sub(r"\.{2,}", ".", handle) or "user"
