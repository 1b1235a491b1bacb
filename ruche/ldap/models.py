from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SyncRun(models.Model):
    """One reading of the directory (or a dry run of one), and its report for administrators."""

    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        REFUSED = "refused", _("refused")
        FAILED = "failed", _("failed")

    started = models.DateTimeField(default=timezone.now, db_index=True)
    finished = models.DateTimeField(null=True, blank=True)
    dry_run = models.BooleanField(default=False)
    forced = models.BooleanField(default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    # {"entries": n, "created": n, "updated": n, "deactivated": n, "unchanged": n, "skipped": n}
    counts = models.JSONField(default=dict, blank=True)
    # Per person: {"email", "dn", "action": created|updated|deactivated, "fields": [...]}, capped.
    changes = models.JSONField(default=list, blank=True)
    # Per entry skipped or only partly read: {"dn", "reason": a code of REASONS, "detail"}.
    errors = models.JSONField(default=list, blank=True)
    # Why the whole run failed or was refused.
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-started", "-id"]

    def __str__(self):
        return f"LDAP sync {self.started:%Y-%m-%d %H:%M} ({self.status})"


class DirectoryPhoto(models.Model):
    """The hash of the photo the directory last gave a person: the photo is stored again only when
    the directory's bytes change (re-encoding thousands of photos every hour would be waste)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sha256 = models.CharField(max_length=64)
