"""News sources: added by a community's animators, polled by the task worker, each new item
published once as a post in the community, where it feeds, notifies and is searched like any."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ruche.communities.selectors import role_of
from ruche.core import outbound
from ruche.links.addresses import normalised
from ruche.posts.services import post_create
from ruche.sources import feeds, policies
from ruche.sources.models import Source, SourceItem

FEED_BYTES = 2 * 1024 * 1024
ACCEPT_FEED = "application/atom+xml, application/rss+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.1"
FIRST_ITEMS = 5  # a new source publishes its latest few items; older ones are only marked seen
MAX_BACKOFF = timedelta(hours=24)
INTERVALS = (15, 30, 60, 180, 360, 1440)  # minutes an animator may choose between polls


def _require_manager(user, community) -> None:
    if not policies.can_manage_sources(user, community, role_of(user, community)):
        raise PermissionDenied(policies.NOT_MANAGER)


def source_add(*, community, by, url: str, keywords: str = "", interval_minutes: int = 60) -> Source:
    """Check that `url` is a feed (fetched now, so a typo is told at once), then save the source;
    its latest items are published by the worker."""
    from ruche.sources.tasks import source_poll

    _require_manager(by, community)
    normal = normalised(url)
    if normal is None:
        raise ValidationError({"url": _("Enter a web address starting with http:// or https://.")})
    if interval_minutes not in INTERVALS:
        raise ValidationError({"interval_minutes": _("Choose one of the proposed intervals.")})
    if Source.objects.filter(community=community, url=normal).exists():
        raise ValidationError({"url": _("This feed is already a source of the community.")})
    feed = _fetch_feed(normal, field="url")  # before the transaction: no lock held while waiting
    try:
        with transaction.atomic():
            source = Source.objects.create(
                community=community,
                added_by=by,
                url=normal,
                title=feed.title or normal[:200],  # a feed without a title is named by its address
                keywords=keywords.strip()[:300],
                interval_minutes=interval_minutes,
            )
            source_poll.enqueue(source_id=source.pk)
    except IntegrityError:  # added by someone else while this feed was being fetched
        raise ValidationError({"url": _("This feed is already a source of the community.")}) from None
    return source


def _fetch_feed(url: str, *, field: str, source: Source | None = None):
    """The parsed feed (None when the site says it has not changed), or a ValidationError on
    `field` that says why not."""
    headers = {"Accept": ACCEPT_FEED}
    if source and source.etag:
        headers["If-None-Match"] = source.etag
    if source and source.last_modified:
        headers["If-Modified-Since"] = source.last_modified
    try:
        response = outbound.fetch(url, headers=headers, max_bytes=FEED_BYTES)
    except outbound.FetchError as error:
        raise ValidationError({field: str(error)}) from None
    if response.status == 304 and source is not None:
        return None
    if not response.ok:
        raise ValidationError(
            {field: _("The site answered with the error %(status)s.") % {"status": response.status}}
        )
    try:
        feed = feeds.parse(response.body, response.url, response.content_type)
    except feeds.NotAFeed:
        raise ValidationError({field: _("This address is not an RSS or Atom feed.")}) from None
    if source is not None:
        source.etag = response.headers.get("etag", "")[:300]
        source.last_modified = response.headers.get("last-modified", "")[:100]
    return feed


def source_pause(*, source: Source, by, paused: bool) -> Source:
    _require_manager(by, source.community)
    source.paused = paused
    if not paused:
        source.next_poll_at = timezone.now()
    source.save(update_fields=["paused", "next_poll_at"])
    return source


def source_remove(*, source: Source, by) -> None:
    """The source goes; what it published stays, as posts of the community."""
    _require_manager(by, source.community)
    source.delete()


def source_poll(source_id: int) -> int:
    """Fetch the feed and publish its new items; returns how many. Errors back off (doubling the
    interval, at most a day) and are kept for the animators to see."""
    source = Source.objects.select_related("community", "added_by").filter(pk=source_id, paused=False).first()
    if source is None:
        return 0
    now = timezone.now()
    source.last_polled_at = now
    try:
        feed = _fetch_feed(source.url, field="url", source=source)
        published = _publish_new(source, feed.items) if feed else 0
    except (ValidationError, PermissionDenied) as error:
        return _failed(source, error)
    source.last_success_at, source.last_error, source.failures = now, "", 0
    source.next_poll_at = now + timedelta(minutes=source.interval_minutes)
    source.save(update_fields=[*_POLL_FIELDS, "etag", "last_modified"])
    return published


_POLL_FIELDS = ["last_polled_at", "last_success_at", "last_error", "failures", "next_poll_at"]


def _failed(source: Source, error: Exception) -> int:
    messages = error.messages if isinstance(error, ValidationError) else [str(error)]
    source.last_error = " ".join(messages)[:300]
    source.failures += 1
    backoff = timedelta(minutes=source.interval_minutes) * 2 ** min(source.failures, 10)
    source.next_poll_at = source.last_polled_at + min(backoff, MAX_BACKOFF)
    source.save(update_fields=_POLL_FIELDS)
    return 0


def _publish_new(source: Source, items: list[feeds.Item]) -> int:
    """The feed's items not seen before (by id, or by link when the id changed), oldest first."""
    mine = SourceItem.objects.filter(source=source)
    # A first poll is one before any success (as read when this poll began) or with nothing recorded:
    # a second worker polling the same new feed at the same moment then makes the same choice of
    # what to keep quiet, instead of publishing what the first one has just recorded quietly.
    first_poll = source.last_success_at is None or not mine.exists()
    # Only what this feed holds now is looked up: a source's history grows, a feed does not.
    links = [item.link for item in items if item.link]
    seen = set(
        mine.filter(Q(key__in=[item.key for item in items]) | Q(link__in=links)).values_list("key", "link")
    )
    seen_keys, seen_links = {key for key, _link in seen}, {link for _key, link in seen}
    new = [
        item for item in items if item.key not in seen_keys and (not item.link or item.link not in seen_links)
    ]
    quiet = new[:-FIRST_ITEMS] if first_poll else []  # a new source does not flood the community
    published = 0
    for item in new:
        wanted = item not in quiet and feeds.matches(item, source.keywords)
        published += _publish(source, item, wanted)
    return published


def _publish(source: Source, item: feeds.Item, wanted: bool) -> int:
    """Record the item as seen and, if `wanted`, publish it, in one transaction: the unique key
    makes a second worker polling at the same moment skip it."""
    try:
        with transaction.atomic():
            record = SourceItem.objects.create(source=source, key=item.key, link=item.link)
            if not wanted:
                return 0
            record.post = post_create(
                author=source.added_by, body=item_text(source, item), communities=[source.community]
            )
            record.save(update_fields=["post"])
            Source.objects.filter(pk=source.pk).update(items_published=F("items_published") + 1)
            return 1
    except IntegrityError:
        return 0  # already seen, by another poll


def item_text(source: Source, item: feeds.Item) -> str:
    """The post an item becomes: its title linking to the article (whose preview the card shows),
    its summary, and where it came from. Text from outside mentions nobody: an @ there is not ours."""
    title = _no_mentions(item.title or item.link).replace("[", "\\[").replace("]", "\\]")
    lines = [f"**[{title}](<{item.link}>)**" if item.link else f"**{title}**"]
    if item.summary:
        lines.append(_no_mentions(item.summary))
    lines.append(_("Via the news source “%(name)s”.") % {"name": _no_mentions(source.title)})
    return "\n\n".join(lines)


def _no_mentions(text: str) -> str:
    return text.replace("@", "@\u200b")  # a zero-width space: "@jean" from a feed notifies no Jean


def sources_due(now=None) -> list[int]:
    """The sources to poll now, each moved to its next turn in the same statement, so that a
    second sweep does not poll them again."""
    now = now or timezone.now()
    due = Source.objects.filter(paused=False, next_poll_at__lte=now).values_list("pk", "interval_minutes")
    claimed = []
    for pk, minutes in list(due):
        turn = now + timedelta(minutes=minutes)
        if Source.objects.filter(pk=pk, paused=False, next_poll_at__lte=now).update(next_poll_at=turn):
            claimed.append(pk)
    return claimed
