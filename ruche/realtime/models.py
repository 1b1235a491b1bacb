from django.conf import settings
from django.db import models
from django.utils import timezone


class RealtimeEvent(models.Model):
    """One event pushed to the browsers of one person (`user`) or of everyone subscribed to a
    `channel` ("public", "community:<id>"). Append-only; the id is the SSE event id, so a browser
    that reconnects with `Last-Event-ID` is replayed what came after it. Old rows are trimmed."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    channel = models.CharField(max_length=64, blank=True)
    type = models.CharField(max_length=32)
    data = models.JSONField(default=dict)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [
            models.Index(fields=["user", "id"], name="realtime_user_id"),
            models.Index(fields=["channel", "id"], name="realtime_channel_id"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(user__isnull=True, channel__gt="")
                | models.Q(user__isnull=False, channel=""),
                name="realtime_one_audience",
            )
        ]

    def __str__(self) -> str:
        return f"{self.type} #{self.pk}"
