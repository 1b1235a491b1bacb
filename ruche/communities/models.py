from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ruche.core.uploads import unguessable_name

User = settings.AUTH_USER_MODEL


def cover_path(community, filename):
    return unguessable_name("covers", filename)


class Community(models.Model):
    """Where work happens: a project, a trade, a site, an interest."""

    class Kind(models.TextChoices):
        WORK = "work", _("Work")
        INTEREST = "interest", _("Interest")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public: anyone can see and join")
        PRIVATE = "private", _("Private: listed, members only, join on request")
        SECRET = "secret", _("Secret: unlisted, by invitation only")

    name = models.CharField(_("name"), max_length=80)
    slug = models.SlugField(max_length=90, unique=True)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    cover = models.ImageField(_("cover image"), upload_to=cover_path, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.WORK)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PUBLIC
    )
    premoderate_posts = models.BooleanField(_("posts wait for a moderator's approval"), default=False)
    premoderate_replies = models.BooleanField(_("replies wait too"), default=False)
    is_company_wide = models.BooleanField(default=False, editable=False)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(default=timezone.now)
    archived_at = models.DateTimeField(null=True, blank=True)
    # False while a requested community waits for an admin (creation policy "request").
    approved = models.BooleanField(default=True)
    # Denormalised: the directory sorts by them, the feed decides fan-out vs pull with member_count.
    member_count = models.PositiveIntegerField(default=0)
    last_activity_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        indexes = [models.Index(fields=["visibility", "archived_at"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        """What reverse() gives (a slug needs no quoting), without resolving it for every card of a feed page."""
        from ruche.core.paths import path_for

        return path_for("communities:detail", self.slug)

    @property
    def is_open(self) -> bool:
        return self.visibility == self.Visibility.PUBLIC

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        ANIMATOR = "animator", _("Animator")
        MODERATOR = "moderator", _("Moderator")
        MEMBER = "member", _("Member")

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    created = models.DateTimeField(default=timezone.now)
    # Added by a directory rule (department, site): removed again when the person no longer matches.
    by_rule = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["community", "user"], name="member_once")]
        indexes = [models.Index(fields=["user", "community"])]


class JoinRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="join_requests")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    message = models.CharField(_("message"), max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["community", "user"], condition=models.Q(status="pending"), name="one_pending_request"
            )
        ]


class Invitation(models.Model):
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="invitations")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="community_invitations")
    invited_by = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["community", "user"], name="invited_once")]


class Departure(models.Model):
    """Why someone left: animators read these to fix what drives people away."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="departures")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    created = models.DateTimeField(default=timezone.now)


class AutoMembershipRule(models.Model):
    """Everyone matching the rule is a member (department and/or site)."""

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="rules")
    department = models.ForeignKey("accounts.Department", null=True, blank=True, on_delete=models.CASCADE)
    site = models.ForeignKey("accounts.Site", null=True, blank=True, on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(department__isnull=False) | models.Q(site__isnull=False),
                name="rule_not_empty",
            )
        ]


class Placement(models.Model):
    """A post published in a community. One post may have several (one post, several audiences)."""

    class Status(models.TextChoices):
        APPROVED = "approved", _("Published")
        PENDING = "pending", _("Awaiting approval")
        REJECTED = "rejected", _("Rejected")

    post = models.ForeignKey("posts.Post", on_delete=models.CASCADE, related_name="placements")
    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="placements")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.APPROVED)
    pinned_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "community"], name="placed_once")]
        indexes = [
            # The community feed: a keyset page (community, status='approved', post_id < cursor).
            models.Index(fields=["community", "status", "-post"], name="placement_community_recent"),
            models.Index(fields=["post", "status"]),
            # The pinned posts of a community, without reading all of its placements.
            models.Index(
                fields=["community", "-pinned_at"],
                condition=models.Q(pinned_at__isnull=False, status="approved"),
                name="placement_community_pinned",
            ),
        ]


class CommunitySettings(models.Model):
    """Company-wide governance, one row, edited by admins."""

    class Creation(models.TextChoices):
        EVERYONE = "everyone", _("Everyone may create communities")
        ANIMATORS = "animators", _("Only animators (and admins) may create communities")
        REQUEST = "request", _("Anyone may request one; an admin approves it")

    creation_policy = models.CharField(max_length=10, choices=Creation.choices, default=Creation.EVERYONE)
    private_share_max = models.PositiveSmallIntegerField(
        _("maximum share of private and secret communities (%)"), default=30
    )
    private_per_creator_max = models.PositiveSmallIntegerField(
        _("maximum private or secret communities per creator (0 = no limit)"), default=3
    )

    @classmethod
    def current(cls) -> "CommunitySettings":
        return cls.objects.get_or_create(pk=1)[0]


class CommunityStats(models.Model):
    """Health figures, rolled up by a task instead of scanning posts on every page view."""

    community = models.OneToOneField(
        Community, on_delete=models.CASCADE, primary_key=True, related_name="stats"
    )
    members = models.PositiveIntegerField(default=0)
    active_members_28d = models.PositiveIntegerField(default=0)
    posts_per_week = models.FloatField(default=0)
    replies_per_week = models.FloatField(default=0)
    participation = models.FloatField(default=0)  # share of members who reacted or replied, 28 days
    unanswered_posts = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(default=timezone.now)

    ACTIVE_THRESHOLD = 0.05

    @property
    def is_active(self) -> bool:
        return self.participation >= self.ACTIVE_THRESHOLD


class Report(models.Model):
    """Someone flagged a post, a reply or a person, with a reason."""

    reporter = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey("posts.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    community = models.ForeignKey(
        Community, null=True, blank=True, on_delete=models.CASCADE, related_name="reports"
    )
    reason = models.CharField(_("reason"), max_length=500)
    created = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")


class AuditEntry(models.Model):
    """Every moderation and membership decision, and every refused attempt at one."""

    class Action(models.TextChoices):
        """Every code written to the log; a refused attempt is stored as `refused:<code>`."""

        COMMUNITY_CREATE = "community_create", _("Community created")
        COMMUNITY_REQUEST = "community_request", _("Community requested")
        COMMUNITY_APPROVE = "community_approve", _("Community approved")
        COMMUNITY_DECLINE = "community_decline", _("Community declined")
        COMMUNITY_UPDATE = "community_update", _("Community edited")
        ARCHIVE = "archive", _("Community archived")
        RESTORE = "restore", _("Restored")
        JOIN = "join", _("Joined")
        LEAVE = "leave", _("Left")
        JOIN_REQUEST = "join_request", _("Asked to join")
        JOIN_APPROVE = "join_approve", _("Request to join approved")
        JOIN_DECLINE = "join_decline", _("Request to join declined")
        JOIN_DECIDE = "join_decide", _("Decision on a request to join")
        INVITE = "invite", _("Invited to the community")
        INVITATION_ACCEPT = "invitation_accept", _("Invitation accepted")
        INVITATION_DECLINE = "invitation_decline", _("Invitation declined")
        REMOVE_MEMBER = "remove_member", _("Member removed")
        SET_ROLE = "set_role", _("Role changed")
        RULE_ADD = "rule_add", _("Automatic membership rule added")
        RULE_REMOVE = "rule_remove", _("Automatic membership rule removed")
        MODERATE = "moderate", _("Moderation")
        POST = "post", _("Post published")
        POST_APPROVE = "post_approve", _("Post approved")
        POST_REJECT = "post_reject", _("Post rejected")
        REPLY_APPROVE = "reply_approve", _("Reply approved")
        REPLY_REJECT = "reply_reject", _("Reply rejected")
        HIDE = "hide", _("Post hidden")
        REPORT = "report", _("Reported")
        REPORT_DISMISS = "report_dismiss", _("Report dismissed")
        PIN = "pin", _("Post pinned")
        UNPIN = "unpin", _("Post unpinned")
        SETTINGS_UPDATE = "settings_update", _("Governance settings changed")

    REFUSED_PREFIX = "refused:"

    @classmethod
    def label_of(cls, code: str) -> str:
        """The translated label of a stored code (`refused:<code>` reads "Refused: <label>")."""
        refused = code.startswith(cls.REFUSED_PREFIX)
        base = code.removeprefix(cls.REFUSED_PREFIX)
        label = str(cls.Action(base).label) if base in cls.Action.values else base
        return _("Refused: %(action)s") % {"action": label} if refused else label

    actor = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=40, db_index=True)
    community = models.ForeignKey(
        Community, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    post = models.ForeignKey("posts.Post", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    detail = models.CharField(max_length=500, blank=True)
    created = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-id"]

    @property
    def action_label(self) -> str:
        return self.label_of(self.action)

    @property
    def refused(self) -> bool:
        return self.action.startswith(self.REFUSED_PREFIX)
