"""Innovation campaigns (challenges put to a population), the ideas they collect, the votes, the
review committee's scores, and the decision workflow the ideas move through.

An idea's description and its discussion are a post and its replies (`Idea.post`): reactions,
mentions and replies come from ruche.posts. `Post.campaign` marks them so that
`ruche.posts.policies.visible_posts` keeps them inside the campaign's audience."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from ruche.core.uploads import unguessable_name


class InnovationManager(models.Model):
    """A colleague who may create campaigns (admins always may)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="innovation_manager",
    )
    created = models.DateTimeField(default=timezone.now)


# The default workflow's names, stored in English and shown translated (a renamed stage shows its name).
DEFAULT_STAGES = [
    # (name, terminal, decision)
    (gettext_noop("Submitted"), False, False),
    (gettext_noop("Shortlisted"), False, False),
    (gettext_noop("Under review"), False, False),
    (gettext_noop("Approved"), False, True),
    (gettext_noop("Rejected"), True, True),
    (gettext_noop("Parked"), False, True),
    (gettext_noop("Implemented"), True, False),
]
DEFAULT_TRANSITIONS = [
    ("Submitted", "Shortlisted"),
    ("Submitted", "Rejected"),
    ("Submitted", "Parked"),
    ("Shortlisted", "Under review"),
    ("Shortlisted", "Rejected"),
    ("Shortlisted", "Parked"),
    ("Under review", "Approved"),
    ("Under review", "Rejected"),
    ("Under review", "Parked"),
    ("Parked", "Shortlisted"),
    ("Approved", "Implemented"),
]
DEFAULT_WORKFLOW_NAME = gettext_noop("Default workflow")


class Workflow(models.Model):
    name = models.CharField(_("name"), max_length=120)
    is_default = models.BooleanField(default=False)
    created = models.DateTimeField(default=timezone.now)

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return gettext(self.name)


class Stage(models.Model):
    """A step of a workflow. The first one (lowest `order`) receives new ideas; a terminal one ends the
    idea's journey; entering a decision stage needs a written rationale."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="stages")
    name = models.CharField(_("name"), max_length=80)
    order = models.PositiveIntegerField(default=0)
    terminal = models.BooleanField(_("terminal"), default=False)
    decision = models.BooleanField(_("decision (rationale required)"), default=False)

    class Meta:
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["workflow", "name"], name="ideas_stage_name_once")]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return gettext(self.name)


class Transition(models.Model):
    """An allowed move from one stage to another: a move not listed here is refused."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="transitions")
    source = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="outgoing")
    target = models.ForeignKey(Stage, on_delete=models.CASCADE, related_name="incoming")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "target"], name="ideas_transition_once")]


def cover_path(campaign, filename):
    return unguessable_name(f"campaigns/{campaign.pk or 'new'}", filename)


class Campaign(models.Model):
    class Audience(models.TextChoices):
        POPULATION = "population", _("The target population only")
        EVERYONE = "everyone", _("Every colleague")

    title = models.CharField(_("title"), max_length=200)
    brief = models.TextField(_("question or brief"))
    brief_html = models.TextField(editable=False, default="")
    cover = models.ImageField(_("cover image"), upload_to=cover_path, blank=True)
    starts_at = models.DateTimeField(_("start"))
    ends_at = models.DateTimeField(_("end"))
    workflow = models.ForeignKey(Workflow, on_delete=models.PROTECT, related_name="campaigns")
    # Target population: everyone, or the union of its Target rows (departments, sites, communities, people).
    everyone = models.BooleanField(_("the whole company"), default=False)
    # Who may see, vote and comment: the population, or wider (every colleague).
    audience = models.CharField(
        _("who may vote and comment"), max_length=12, choices=Audience.choices, default=Audience.POPULATION
    )
    managers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="managed_campaigns", blank=True)
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="reviewed_campaigns", blank=True
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    idea_count = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["opened_at", "ends_at"], name="ideas_campaign_open")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("ideas:campaign", args=[self.pk])

    @property
    def is_open(self) -> bool:
        now = timezone.now()
        return self.opened_at is not None and self.starts_at <= now < self.ends_at

    @property
    def state(self) -> str:
        if self.opened_at is None:
            return "draft"
        now = timezone.now()
        if now < self.starts_at:
            return "scheduled"
        return "open" if now < self.ends_at else "closed"


class Target(models.Model):
    """One part of a campaign's population: a department, a site, a community's members or a person."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    department = models.ForeignKey("accounts.Department", null=True, blank=True, on_delete=models.CASCADE)
    site = models.ForeignKey("accounts.Site", null=True, blank=True, on_delete=models.CASCADE)
    community = models.ForeignKey("communities.Community", null=True, blank=True, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(department__isnull=False, site=None, community=None, user=None)
                    | models.Q(department=None, site__isnull=False, community=None, user=None)
                    | models.Q(department=None, site=None, community__isnull=False, user=None)
                    | models.Q(department=None, site=None, community=None, user__isnull=False)
                ),
                name="ideas_target_one_kind",
            )
        ]


class Criterion(models.Model):
    """What reviewers score an idea on, 1 to 5 (5 is best: for cost, the cheapest)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("name"), max_length=80)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return gettext(self.name)


DEFAULT_CRITERIA = [gettext_noop("Impact"), gettext_noop("Feasibility"), gettext_noop("Cost (5 = cheapest)")]


class Idea(models.Model):
    post = models.OneToOneField("posts.Post", on_delete=models.CASCADE, primary_key=True, related_name="idea")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="ideas")
    title = models.CharField(_("title"), max_length=200)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ideas")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="ideas")
    tags = models.ManyToManyField("posts.Hashtag", blank=True, related_name="ideas")
    vote_count = models.PositiveIntegerField(default=0)
    follower_count = models.PositiveIntegerField(default=0)
    created = models.DateTimeField(default=timezone.now)
    moved_at = models.DateTimeField(default=timezone.now)
    # A duplicate merged into another idea points to it, and leaves the lists.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_ideas"
    )
    # Folded title, for the "similar ideas" suggestions.
    title_key = models.CharField(max_length=200, editable=False, default="")

    class Meta:
        indexes = [
            models.Index(fields=["campaign", "-vote_count", "-post"], name="ideas_idea_votes"),
            models.Index(fields=["campaign", "stage"], name="ideas_idea_stage"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("ideas:idea", args=[self.post_id])


class CoAuthor(models.Model):
    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="coauthors")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.INVITED)
    invited_at = models.DateTimeField(default=timezone.now)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["idea", "user"], name="ideas_coauthor_once")]


class Vote(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idea_votes")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["idea", "user"], name="ideas_one_vote_per_idea")]
        indexes = [
            # Trending (recent votes per idea) and the number of voters read these indexes only.
            models.Index(fields=["campaign", "created", "idea"], name="ideas_vote_recent"),
            models.Index(fields=["campaign", "user"], name="ideas_vote_voters"),
        ]


class IdeaFollow(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["idea", "user"], name="ideas_follow_once")]


class IdeaTransition(models.Model):
    """The idea's history: every move, who made it, when and why."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="history")
    source = models.ForeignKey(Stage, null=True, on_delete=models.PROTECT, related_name="+")
    target = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rationale = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]


class Review(models.Model):
    """A reviewer assigned to an idea, and once done, their scores."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(default=timezone.now)
    comment = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["idea", "reviewer"], name="ideas_review_once")]


class Score(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    value = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="ideas_score_once"),
            models.CheckConstraint(condition=models.Q(value__gte=1, value__lte=5), name="ideas_score_1_to_5"),
        ]
