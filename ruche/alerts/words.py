"""The words alerts and posts are compared by: folded like search terms (case and accents gone),
and reduced to a simple singular so that "soudure" finds "soudures" and "robots" finds "robot"."""

from ruche.core.text import fold
from ruche.search.query import MAX_TERM_CHARS, WORD_RE


def stem(word: str) -> str:
    # A crude singular, applied to both sides alike and never shown: "robots" meets "robot".
    if len(word) > 3 and word[-1] in "sx" and word[-2] not in "su":
        return word[:-1]
    return word


def words(text: str) -> set[str]:
    return {stem(word[:MAX_TERM_CHARS]) for word in WORD_RE.findall(fold(text))}
