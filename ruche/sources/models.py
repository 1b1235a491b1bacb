from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Source(models.Model):
    """An RSS or Atom feed a community's animators pipe in (a press feed, a Google Alerts or
    Talkwalker feed, a supplier's blog): the worker polls it and publishes each new item once."""

    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE, related_name="sources")
    # The animator who added it: the items are published in their name, "via" the source.
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    url = models.URLField(_("feed address"), max_length=2048)
    title = models.CharField(_("name"), max_length=200, blank=True)
    # Only items mentioning one of these words (any of them, case and accents ignored) are published.
    keywords = models.CharField(_("keywords"), max_length=300, blank=True)
    interval_minutes = models.PositiveIntegerField(_("checked every (minutes)"), default=60)
    paused = models.BooleanField(default=False)
    # Conditional GET: the site answers "not modified" without sending the feed again.
    etag = models.CharField(max_length=300, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    next_poll_at = models.DateTimeField(default=timezone.now)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    failures = models.PositiveIntegerField(default=0)  # in a row: the next poll backs off
    items_published = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("news source")
        verbose_name_plural = _("news sources")
        constraints = [models.UniqueConstraint(fields=["community", "url"], name="source_once_per_community")]
        indexes = [models.Index(fields=["paused", "next_poll_at"], name="source_due")]

    def __str__(self):
        return self.title or self.url


class SourceItem(models.Model):
    """An item seen in a source: the unique key is what makes it published once, even when two
    workers poll the same feed at the same moment."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="items")
    key = models.CharField(max_length=64)  # hash of the item's id (or link, when it has no id)
    link = models.URLField(max_length=2048, blank=True)
    post = models.ForeignKey("posts.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    seen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "key"], name="source_item_once")]
        indexes = [models.Index(fields=["source", "link"], name="source_item_link")]
