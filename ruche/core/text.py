"""Text helpers shared by every app: folding for case- and accent-insensitive identity."""

import re
import unicodedata

MENTION_RE = re.compile(r"(?<![\w@/.])@([a-z0-9][a-z0-9._-]{0,62}[a-z0-9]|[a-z0-9])", re.IGNORECASE)
HASHTAG_RE = re.compile(r"(?<![\w&/#])#(\w[\w-]{0,48}\w|\w)", re.UNICODE)


def fold(text: str) -> str:
    """Lower-case, accent-free form: `Qualité` and `qualite` fold to the same key."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.casefold()


def slugify_handle(text: str) -> str:
    """`Élodie Martin-Roux` -> `elodie.martin-roux`: what people type after @."""
    folded = fold(text)
    handle = re.sub(r"[^a-z0-9-]+", ".", folded).strip(".-")
    return re.sub(r"\.{2,}", ".", handle) or "user"
