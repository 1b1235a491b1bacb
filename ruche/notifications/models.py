from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """Something that happened to the recipient. Reactions to one post share one row while unread.

    Tasks run at least once, so telling is idempotent: `key` names the event told (the post that
    mentions, the follow, the idea's transition...), and the database keeps one row per recipient,
    kind and key; the grouped reactions keep one unread row per recipient and post."""

    class Kind(models.TextChoices):
        MENTION = "mention", _("Mention")
        REPLY = "reply", _("Reply to your post")
        THREAD_REPLY = "thread_reply", _("Reply in a conversation you joined")
        REACTION = "reaction", _("Reaction to your post")
        SHARE = "share", _("Share of your post")
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
        CAMPAIGN_OPENED = "campaign_opened", _("An innovation campaign is open to you")
        CAMPAIGN_CLOSING = "campaign_closing", _("An innovation campaign closes soon")
        IDEA_MOVED = "idea_moved", _("An idea you follow moved to another stage")
        IDEA_COAUTHOR = "idea_coauthor", _("Invitation to co-author an idea")
        IDEA_REVIEW = "idea_review", _("An idea to review")
        IDEA_MERGED = "idea_merged", _("An idea you follow was merged into another")
        ANNOUNCEMENT = "announcement", _("Announcement")
        ANNOUNCEMENT_REMINDER = "announcement_reminder", _("Reminder of an announcement")
        ALERT = "alert", _("New content matching one of your alerts")

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
    campaign = models.ForeignKey(
        "ideas.Campaign", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    announcement = models.ForeignKey(
        "announcements.Announcement", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    detail = models.CharField(max_length=500, blank=True)
    # The event told ("post:42", "follow:7", "transition:3"...); empty only on rows older than keys.
    key = models.CharField(max_length=64, null=True, blank=True)
    created = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # The e-mail that tells (or will tell) the recipient about it, if any.
    email = models.ForeignKey(
        "notifications.Email", null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "key"],
                condition=models.Q(key__isnull=False),
                name="notif_event_once",
            ),
            models.UniqueConstraint(
                fields=["recipient", "kind", "post"],
                condition=models.Q(kind="reaction", read_at__isnull=True),
                name="notif_grouped_unread_once",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "-id"], name="notif_recipient_recent"),
            models.Index(fields=["recipient"], condition=models.Q(read_at__isnull=True), name="notif_unread"),
        ]

    @property
    def registered_sentence(self) -> str:
        """The sentence of a kind registered with one (register_kind), else ""."""
        from ruche.notifications.preferences import DEFAULTS

        registered = DEFAULTS.get(self.kind)
        return str(registered.sentence) if registered else ""

    def target_url(self) -> str:
        """Where opening it leads (a path on this site)."""
        from ruche.notifications.preferences import DEFAULTS

        if (registered := DEFAULTS.get(self.kind)) and registered.url:
            return str(registered.url)
        if self.announcement_id:
            return reverse("announcements:detail", args=[self.announcement_id])
        if self.post_id:
            return self.post.get_absolute_url()
        if self.campaign_id:
            return reverse("ideas:campaign", args=[self.campaign_id])
        if self.kind == self.Kind.JOIN_REQUEST and self.community_id:
            return reverse("communities:members", args=[self.community.slug])
        if self.community_id:
            return self.community.get_absolute_url()
        return self.actor.get_absolute_url()

    def thread_key(self) -> str:
        """Notifications with the same key are told in one e-mail while it waits (batching)."""
        if self.post_id:
            return f"post:{self.post.parent_id or self.post_id}"
        if self.community_id:
            return f"community:{self.community_id}:{self.kind}"
        return self.kind


class Channel(models.TextChoices):
    IN_APP = "in_app", _("In the app")
    EMAIL = "email", _("E-mail")
    DIGEST = "digest", _("Digest")


class KindPreference(models.Model):
    """A person's choice for one kind of notification on one channel, stored only where it differs
    from the default (ruche.notifications.preferences.DEFAULTS): no row per person per kind."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=32)
    channel = models.CharField(max_length=8, choices=Channel.choices)
    enabled = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "channel"], name="notif_kind_pref_once"),
        ]


class CommunityPreference(models.Model):
    """How much a person hears from one community; no row means everything (ALL)."""

    class Level(models.TextChoices):
        ALL = "all", _("Everything")
        HIGHLIGHTS = "highlights", _("Highlights")
        MUTE = "mute", _("Muted")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE, related_name="+")
    level = models.CharField(max_length=10, choices=Level.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "community"], name="notif_community_pref_once"),
        ]


class ThreadMute(models.Model):
    """A conversation (a top-level post and its replies) the person no longer hears about."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey("posts.Post", on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "post"], name="notif_thread_muted_once")]


class DigestPreference(models.Model):
    """How often the digest comes; no row means the default (weekly)."""

    class Frequency(models.TextChoices):
        DAILY = "daily", _("Daily")
        WEEKLY = "weekly", _("Weekly")
        OFF = "off", _("Never")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    frequency = models.CharField(max_length=8, choices=Frequency.choices)


class Email(models.Model):
    """The outbox: one row per e-mail, written before anything is sent. The worker claims a due row
    (PENDING -> SENDING in one UPDATE), sends it, then records SENT; a refusal puts it back to
    PENDING with a later due time. So an e-mail is never lost, and never sent twice by two workers."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        SKIPPED = "skipped", _("Not needed")
        FAILED = "failed", _("Failed")

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # What the one-click unsubscribe link turns off: a notification kind, or "digest".
    kind = models.CharField(max_length=32)
    # Notifications about one conversation share an e-mail while it waits (batching).
    thread = models.CharField(max_length=64, blank=True)
    # Idempotence: at most one e-mail per recipient and key (a digest period, an announcement).
    key = models.CharField(max_length=64, null=True, blank=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    due_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Filled when the content is rendered at queue time (digest, announcements); notification e-mails
    # are rendered at send time from their notifications, after the "already seen" check.
    subject = models.CharField(max_length=300, blank=True)
    text = models.TextField(blank=True)
    html = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"], condition=models.Q(key__isnull=False), name="email_key_once"
            ),
            models.UniqueConstraint(
                fields=["recipient", "thread"],
                condition=models.Q(state="pending") & ~models.Q(thread=""),
                name="email_one_waiting_per_thread",
            ),
        ]
        indexes = [
            models.Index(fields=["due_at"], condition=models.Q(state="pending"), name="email_due"),
            models.Index(fields=["recipient", "thread", "-sent_at"], name="email_thread_sent"),
        ]
