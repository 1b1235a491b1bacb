from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """Something that happened to the recipient. Reactions to one post share one row while unread."""

    class Kind(models.TextChoices):
        MENTION = "mention", _("Mention")
        REPLY = "reply", _("Reply to your post")
        THREAD_REPLY = "thread_reply", _("Reply in a conversation you joined")
        REACTION = "reaction", _("Reaction to your post")
        FOLLOW = "follow", _("New follower")
        JOIN_REQUEST = "join_request", _("Request to join a community you run")
        JOIN_APPROVED = "join_approved", _("Your request to join was approved")
        JOIN_DECLINED = "join_declined", _("Your request to join was declined")
        COMMUNITY_INVITATION = "community_invitation", _("Invitation to a community")
        COMMUNITY_APPROVED = "community_approved", _("Your community was approved")
        COMMUNITY_DECLINED = "community_declined", _("Your community request was declined")
        POST_APPROVED = "post_approved", _("Your post was approved")
        POST_REJECTED = "post_rejected", _("Your post was not approved")
        POST_HIDDEN = "post_hidden", _("Your post was hidden by a moderator")
        POST_RESTORED = "post_restored", _("Your post was restored")
        ANSWER_ACCEPTED = "answer_accepted", _("Your answer was accepted")
        EXPERT_ASKED = "expert_asked", _("A colleague asks for your expertise")
        ANNOUNCEMENT = "announcement", _("Announcement")
        ANNOUNCEMENT_REMINDER = "announcement_reminder", _("Reminder of an announcement")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # How many people did this (reactions are grouped: "Alice and 3 others reacted").
    actor_count = models.PositiveIntegerField(default=1)
    post = models.ForeignKey("posts.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey(
        "communities.Community", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    announcement = models.ForeignKey(
        "announcements.Announcement", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    detail = models.CharField(max_length=500, blank=True)
    created = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["recipient", "-id"], name="notif_recipient_recent"),
            models.Index(fields=["recipient"], condition=models.Q(read_at__isnull=True), name="notif_unread"),
        ]
