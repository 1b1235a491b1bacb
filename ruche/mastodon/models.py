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
