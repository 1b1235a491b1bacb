from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppDetails(models.Model):
    """What Mastodon's `POST /api/v1/apps` says of an app beyond django-oauth-toolkit's Application:
    its website and the scopes it registered (the most it may ask for)."""

    application = models.OneToOneField(
        "oauth2_provider.Application", on_delete=models.CASCADE, related_name="mastodon"
    )
    website = models.URLField(_("website"), max_length=500, blank=True)
    scopes = models.CharField(max_length=1000, default="read")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("Mastodon app")


class Marker(models.Model):
    """Mastodon's read position in a timeline (`/api/v1/markers`), so that a person's apps agree on
    where they stopped reading. `version` grows with each change, as Mastodon's."""

    class Timeline(models.TextChoices):
        HOME = "home", _("Home")
        NOTIFICATIONS = "notifications", _("Notifications")

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    timeline = models.CharField(max_length=16, choices=Timeline.choices)
    last_read_id = models.BigIntegerField()
    version = models.PositiveIntegerField(default=1)
    updated = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("reading marker")
        constraints = [models.UniqueConstraint(fields=["user", "timeline"], name="marker_once")]
