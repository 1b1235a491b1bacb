from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ruche.core.uploads import unguessable_name


def export_path(export, filename):
    return unguessable_name(f"exports/{export.user_id}", filename)


class DataExport(models.Model):
    """A person's copy of everything Ruche holds about them (services/export.py), built by the worker
    into a ZIP in the private storage, downloadable by them only, deleted after RUCHE_EXPORT_DAYS."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")
        EXPIRED = "expired", _("Expired")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    file = models.FileField(upload_to=export_path, max_length=200, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("data export")
        constraints = [
            # Asking twice while one is being prepared finds the one being prepared.
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(status="pending"), name="privacy_one_pending_export"
            )
        ]
        indexes = [
            models.Index(fields=["user", "-id"], name="privacy_export_user_recent"),
            models.Index(
                fields=["expires_at"], condition=models.Q(status="ready"), name="privacy_export_due"
            ),
        ]

    def __str__(self):
        return f"export {self.pk} ({self.status})"
