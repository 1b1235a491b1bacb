"""Keyset pagination: `?before=<id>` instead of OFFSET, so page 50 costs what page 1 costs."""

from dataclasses import dataclass
from typing import TypeVar

from ruche.core.ids import parse_id

T = TypeVar("T")


@dataclass
class Page[T]:
    items: list[T]
    next_cursor: int | None

    def __iter__(self):
        return iter(self.items)

    def __len__(self):
        return len(self.items)


def parse_cursor(raw: str | None) -> int | None:
    """A cursor from the query string; anything that is not a positive id (one that fits a bigint)
    means "first page"."""
    return parse_id(raw)


def page_from[T](items: list[T], size: int, key=lambda item: item.pk) -> Page[T]:
    """`items` holds up to size + 1 rows; the extra one only tells that there is a next page."""
    if len(items) > size:
        items = items[:size]
        return Page(items, key(items[-1]))
    return Page(items, None)
