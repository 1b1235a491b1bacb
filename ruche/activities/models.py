"""What people did (Activity Streams 2.0 activities), and the company's systems told about it."""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Activity(models.Model):
    """One thing someone did, recorded in the transaction that did it (reactions.py). `post`
    and `community` are what the reader's visibility is decided on (policies.visible_activities);
    `detail` holds what the AS2 form needs that may change later (a stage's name)."""

    class Type(models.TextChoices):
        # The Activity Streams 2.0 vocabulary's names, as they appear in the JSON.
        CREATE = "Create", _("A post or a reply is published")
        UPDATE = "Update", _("A post or a reply is edited")
        DELETE = "Delete", _("A post or a reply is deleted")
        LIKE = "Like", _("A reaction to a post")
        ANNOUNCE = "Announce", _("A post is shared")
        FOLLOW = "Follow", _("Someone follows a colleague")
        JOIN = "Join", _("Someone joins a community")
        LEAVE = "Leave", _("Someone leaves a community")
        ACCEPT = "Accept", _("An answer is accepted")
        ADD = "Add", _("An idea is submitted to a campaign")
        MOVE = "Move", _("An idea moves to another stage")

    class Kind(models.TextChoices):
        POST = "post"
        PERSON = "person"
        COMMUNITY = "community"
        IDEA = "idea"

    type = models.CharField(max_length=16, choices=Type.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    object_kind = models.CharField(max_length=16, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    post = models.ForeignKey("posts.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey(
        "communities.Community", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    published = models.DateTimeField(default=timezone.now)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["actor", "-id"], name="activities_actor"),
            models.Index(fields=["community", "-id"], name="activities_community"),
            models.Index(fields=["post"], name="activities_post"),
        ]

    def __str__(self):
        return f"{self.type} {self.object_kind}:{self.object_id}"


def new_secret() -> str:
    return secrets.token_urlsafe(32)


class WebhookEndpoint(models.Model):
    """An address told of activities: company-wide (`community` None, an administrator's) or one
    community's (its owners'). It receives only what `owner` may read, checked again at send time."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey(
        "communities.Community", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    name = models.CharField(_("name"), max_length=80)
    url = models.URLField(_("address"), max_length=500)
    types = models.JSONField(_("activity types"), default=list)  # Activity.Type values
    secret = models.CharField(max_length=64, default=new_secret, editable=False)
    active = models.BooleanField(default=True)
    paused_reason = models.CharField(max_length=200, blank=True)
    failing_since = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["active"], name="activities_endpoint_active")]

    def __str__(self):
        return self.name


class WebhookDelivery(models.Model):
    """One attempt to deliver one activity (or a test event) to one endpoint. Retries of the same
    delivery share `uid` (the X-Ruche-Delivery header receivers deduplicate on) and count `attempt`."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        SUCCEEDED = "succeeded", _("Delivered")
        FAILED = "failed", _("Failed, will retry")
        GAVE_UP = "gave_up", _("Failed, given up")
        SKIPPED = "skipped", _("Not sent")

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    activity = models.ForeignKey(Activity, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    event = models.CharField(max_length=16)  # the activity's type, or "ping" for a test event
    uid = models.UUIDField(default=uuid.uuid4)
    attempt = models.PositiveSmallIntegerField(default=1)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    response_excerpt = models.CharField(max_length=500, blank=True)
    error = models.CharField(max_length=300, blank=True)
    created = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["uid", "attempt"], name="activities_delivery_attempt")]
        indexes = [models.Index(fields=["endpoint", "-id"], name="activities_delivery_endpoint")]
