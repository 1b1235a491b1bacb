from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ruche.core.uploads import unguessable_name


def image_path(preview, filename):
    return unguessable_name("previews", filename)


class LinkPreview(models.Model):
    """What a shared web page looks like (title, description, site, image), fetched once per
    normalised address by the task worker and reused by every post that shares it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being fetched")
        READY = "ready", _("Ready")
        FAILED = "failed", _("No preview")

    url = models.URLField(_("address"), max_length=2048)
    # The unique key: a hash, since an address can be longer than a database index allows.
    url_hash = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    title = models.CharField(_("title"), max_length=300, blank=True)
    description = models.TextField(_("description"), max_length=1000, blank=True)
    site_name = models.CharField(_("site"), max_length=200, blank=True)
    # Downloaded, checked, resized and stripped: a reader's browser never contacts the site.
    image = models.ImageField(_("image"), upload_to=image_path, blank=True)
    error = models.CharField(max_length=300, blank=True)
    fetched_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("link preview")
        verbose_name_plural = _("link previews")

    def __str__(self):
        return self.url

    @property
    def is_stale(self) -> bool:
        """Fetched long enough ago (or never) that a new share should look again; a page that gave
        nothing (down, refused) is tried again after an hour."""
        if self.status == self.Status.FAILED:
            refresh = timedelta(hours=1)
        else:
            refresh = timedelta(days=settings.LINK_PREVIEW_REFRESH_DAYS)
        return self.fetched_at is None or self.fetched_at < timezone.now() - refresh

    @property
    def shows_something(self) -> bool:
        return self.status == self.Status.READY and bool(self.title or self.description or self.image)
