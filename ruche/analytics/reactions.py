"""What the analytics count of what other apps do (ruche/core/events.py)."""

from ruche.analytics.counters import tally
from ruche.analytics.services import normalised_query
from ruche.core.events import subscribe
from ruche.search.events import SearchRan


def count_search(event: SearchRan) -> None:
    """In memory, written with the next batch of visits: a search writes nothing of its own."""
    tally.search(event.user_id, tally.today(), normalised_query(event.query), found=event.found)


def register() -> None:
    subscribe(SearchRan, count_search)
