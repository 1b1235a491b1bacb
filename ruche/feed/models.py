from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class FeedEntry(models.Model):
    """One post in one person's home feed, written by fan-out after the post is committed.

    Ordered by the post id (ids grow with time), so page 1 is one range scan on (user, post)
    and later pages are a keyset `post_id < cursor`, never an OFFSET.
    """

    class Reason(models.TextChoices):
        OWN = "own", _("your post")
        FOLLOW = "follow", _("you follow the author")
        HASHTAG = "hashtag", _("you follow a hashtag")
        MENTION = "mention", _("you are mentioned")
        COMMUNITY = "community", _("a community you belong to")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey("posts.Post", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=10, choices=Reason.choices)
    created = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "post"], name="feed_entry_once")]
        indexes = [models.Index(fields=["user", "-post"], name="feed_user_recent")]


class Stamp(models.Model):
    """A number the database moves whenever what a reader's home feed may show changes: a reader's,
    a source's (author, hashtag, community) or the shared one. Kept by triggers: ruche/feed/stamps.py."""

    kind = models.PositiveSmallIntegerField()
    item = models.BigIntegerField()
    version = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "item"], name="feed_stamp_once")]
