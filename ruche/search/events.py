"""What happens in search, for the apps above it (ruche/core/events.py; tests/core/test_seams.py
pins who subscribes)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class SearchRan:
    """Someone ran a search (its first page: the next pages and tabs of the same query are not new
    searches). `found`: whether anything matched."""

    user_id: int
    query: str
    found: bool
