"""Snippets with the matched words marked, built safely: every piece of text is escaped, and only
the <mark> tags we add are markup. The person's HTML (or Markdown) never gets through."""

import re
import unicodedata

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from ruche.core.text import fold


def _folded_with_map(text: str) -> tuple[str, list[int]]:
    """The folded text, and for each of its characters the index of the original character."""
    # The usual case: every character folds to exactly one (é -> e), so positions do not move.
    if all(len(fold(c)) == 1 for c in set(text) if not c.isascii()):
        return fold(text), list(range(len(text)))
    out, where = [], []
    for index, char in enumerate(text):
        folded = fold(char) if ord(char) > 127 or char.isupper() else char
        for piece in folded:
            if not unicodedata.combining(piece):
                out.append(piece)
                where.append(index)
    return "".join(out), where


def _stem(word: str) -> str:
    """A light stem for marking: `réseaux` marks `réseau`, `projects` marks `project` (PostgreSQL
    finds them by stemming; SQLite finds them only by prefix)."""
    for suffix in ("es", "s", "x"):
        if len(word) > 4 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def _pattern(words) -> re.Pattern | None:
    stems = sorted({_stem(w) for w in words if w}, key=len, reverse=True)
    if not stems:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(s) for s in stems) + r")\w*")


def highlight(text: str, words, *, length: int = 0) -> SafeString:
    """`text` escaped, its matches in <mark>; cut to about `length` characters around the first match."""
    text = text or ""
    pattern = _pattern(words)
    spans = []
    if pattern is not None:
        folded, where = _folded_with_map(text)
        for match in pattern.finditer(folded):
            if match.end() > match.start():
                spans.append((where[match.start()], where[match.end() - 1] + 1))
    start, end, before, after = 0, len(text), "", ""
    if length and len(text) > length:
        first = spans[0][0] if spans else 0
        start = max(0, first - length // 4)
        end = min(len(text), start + length)
        start = max(0, min(start, end - length))
        before = "…" if start > 0 else ""
        after = "…" if end < len(text) else ""
    pieces, cursor = [before], start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, cursor), min(span_end, end)
        if span_start >= span_end:
            continue
        pieces.append(escape(text[cursor:span_start]))
        pieces.append("<mark>" + escape(text[span_start:span_end]) + "</mark>")
        cursor = span_end
    pieces.append(escape(text[cursor:end]))
    pieces.append(after)
    return mark_safe("".join(pieces))  # noqa: S308 - every piece above is escaped
