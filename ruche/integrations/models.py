from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Integration(models.Model):
    """An incoming webhook of a community: a business tool (a CI, a CRM, a monitoring alert) posts
    to its address, and the post appears in the community as written by `bot`, the integration's
    own account, with its name and icon (its first name and photo)."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="integrations"
    )
    name = models.CharField(_("name"), max_length=80)
    bot = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="integration")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)
    # The address's public part (/hooks/in/<public_id>/), and the secret's SHA-256: the secret itself
    # is shown once, when made; a random 32-byte secret needs no slow hash.
    public_id = models.CharField(max_length=32, unique=True)
    secret_hash = models.CharField(max_length=64)
    paused_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("integration")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None
