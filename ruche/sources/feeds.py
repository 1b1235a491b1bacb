"""An RSS or Atom document read with feedparser (from bytes the outbound door fetched: feedparser
never opens a connection of its own here)."""

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

import feedparser
from bs4 import BeautifulSoup

from ruche.core.text import fold
from ruche.links.pages import clean, web_address

SUMMARY_MAX = 600
LINK_MAX = 2048  # SourceItem.link


class NotAFeed(ValueError):
    pass


@dataclass(frozen=True)
class Item:
    key: str  # stable: hash of the entry's id, else of its link
    link: str
    title: str
    summary: str
    published: datetime | None


@dataclass(frozen=True)
class Feed:
    title: str
    items: list[Item]  # oldest first


def parse(body: bytes, url: str, content_type: str = "") -> Feed:
    parsed = feedparser.parse(body, response_headers={"content-location": url, "content-type": content_type})
    items = [item for entry in parsed.entries if (item := _item(entry, url))]
    # A slightly broken feed with items is still read (many are); a broken one without is not a feed.
    if not parsed.get("version") or (parsed.get("bozo") and not items):
        raise NotAFeed
    items.sort(key=lambda item: item.published or datetime.min.replace(tzinfo=UTC))
    return Feed(title=clean(parsed.feed.get("title", ""), 200), items=items)


def _item(entry, base: str) -> Item | None:
    link = web_address(entry.get("link", ""), base)
    link = link if len(link) <= LINK_MAX else ""  # kept as the item's key, never stored cut
    identity = entry.get("id") or link
    if not identity:
        return None
    summary_html = entry.get("summary", "")
    summary = BeautifulSoup(summary_html, "html.parser").get_text(" ") if summary_html else ""
    when = entry.get("published_parsed") or entry.get("updated_parsed")
    return Item(
        key=hashlib.sha256(identity.encode()).hexdigest(),
        link=link,
        title=clean(entry.get("title", ""), 300),
        summary=clean(summary, SUMMARY_MAX),
        published=datetime(*when[:6], tzinfo=UTC) if when else None,
    )


def matches(item: Item, keywords: str) -> bool:
    """Whether the item mentions one of the comma-separated keywords (no keywords: every item)."""
    wanted = [fold(word.strip()) for word in keywords.split(",") if word.strip()]
    text = fold(f"{item.title} {item.summary}")
    return not wanted or any(word in text for word in wanted)
