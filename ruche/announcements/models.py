from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

User = settings.AUTH_USER_MODEL


class Announcement(models.Model):
    """News from communications or management to an audience, pinned in its feed, with read receipts.

    The audience is resolved once, at publication, into one Receipt per recipient: reach and read
    state are exact, and someone joining a department later does not receive last month's news."""

    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="announcements")
    title = models.CharField(_("title"), max_length=150)
    body = models.TextField(_("text"))
    body_html = models.TextField(editable=False)
    requires_ack = models.BooleanField(_("ask everyone to confirm “I have read this”"), default=False)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    everyone = models.BooleanField(_("everyone"), default=False)
    departments = models.ManyToManyField(
        "accounts.Department", blank=True, related_name="+", verbose_name=_("departments")
    )
    sites = models.ManyToManyField("accounts.Site", blank=True, related_name="+", verbose_name=_("sites"))
    communities = models.ManyToManyField(
        "communities.Community", blank=True, related_name="+", verbose_name=_("communities")
    )
    created = models.DateTimeField(default=timezone.now)
    # Counted when the receipts are written (at once, or by the worker for a large audience).
    recipient_count = models.PositiveIntegerField(default=0)
    delivered_at = models.DateTimeField(null=True, blank=True)
    last_reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        indexes = [models.Index(fields=["author", "-id"], name="announcement_author_recent")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("announcements:detail", args=[self.pk])

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()


class Receipt(models.Model):
    """One recipient of an announcement, and what they did with it."""

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="receipts")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="announcement_receipts")
    opened_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    dismissed_at = models.DateTimeField(null=True, blank=True)
    # Told in the app and by e-mail (unless already opened): set once per recipient, never twice.
    notified_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["announcement", "user"], name="receipt_once")]
        indexes = [
            # What is still pinned in a person's feed: a few rows, read on every home page.
            models.Index(
                fields=["user", "-announcement"],
                condition=models.Q(acknowledged_at__isnull=True, dismissed_at__isnull=True),
                name="receipt_pinned",
            ),
            models.Index(fields=["user", "-announcement"], name="receipt_user_recent"),
        ]

    @property
    def is_read(self) -> bool:
        return self.opened_at is not None
