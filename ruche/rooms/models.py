import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

User = settings.AUTH_USER_MODEL


def new_room_name() -> str:
    """What follows the video service's base URL: unguessable (128 bits), URL-safe."""
    return "Ruche-" + secrets.token_urlsafe(16)


class VideoRoom(models.Model):
    """A video meeting started from a community or a post. Ruche holds the link and its access rule;
    the video itself is the configured service's (settings.VIDEO_BASE_URL)."""

    name = models.CharField(max_length=64, unique=True, default=new_room_name, editable=False)
    topic = models.CharField(_("topic"), max_length=120, blank=True)
    community = models.ForeignKey(
        "communities.Community", null=True, blank=True, on_delete=models.CASCADE, related_name="video_rooms"
    )
    # Started from a post (its thread announces the room) when set.
    origin_post = models.ForeignKey(
        "posts.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # The post that announced the room, with its link.
    announcement = models.ForeignKey(
        "posts.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("video room")
        verbose_name_plural = _("video rooms")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(community__isnull=False) | models.Q(origin_post__isnull=False),
                name="room_has_a_place",
            )
        ]

    def __str__(self):
        return self.topic or self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("rooms:detail", args=[self.pk])

    @property
    def video_url(self) -> str:
        """The raw link to the video service: shown and redirected to only after the policy check."""
        return f"{settings.VIDEO_BASE_URL}/{self.name}"

    @property
    def is_ended(self) -> bool:
        return self.ended_at is not None
