from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ruche.core.text import HASHTAG_MAX_LENGTH


class Hashtag(models.Model):
    """`#Qualité` and `#qualite` are one tag: `key` is the folded form, `name` the first spelling."""

    key = models.CharField(max_length=HASHTAG_MAX_LENGTH, unique=True)
    name = models.CharField(max_length=HASHTAG_MAX_LENGTH)
    follower_count = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"#{self.name}"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("posts:tag", args=[self.key])


class PostQuerySet(models.QuerySet):
    def alive(self):
        return self.filter(deleted_at__isnull=True, hidden_at__isnull=True)

    def top_level(self):
        return self.filter(parent__isnull=True)


class Post(models.Model):
    """A post, or a reply when `parent` is set (replies are one level deep, Facebook-style)."""

    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    body = models.TextField(_("message"))
    body_html = models.TextField(editable=False)
    created = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)
    # Hidden by a moderator: gone for everyone but its author, who is told why.
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_reason = models.CharField(max_length=500, blank=True)
    # A reply in a community that pre-moderates replies waits here until a moderator approves it.
    awaiting_approval = models.BooleanField(default=False)
    reply_count = models.PositiveIntegerField(default=0)
    reaction_count = models.PositiveIntegerField(default=0)
    vote_count = models.PositiveIntegerField(default=0)  # votes for an answer to a question (ruche.qa)
    # The composer's one-time token: a double-submitted form finds the post it already made.
    client_token = models.UUIDField(null=True, blank=True)
    hashtags = models.ManyToManyField(Hashtag, blank=True, related_name="posts")
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="mentioned_in")
    # An idea of an innovation campaign, or a reply to one: only the campaign's audience may see it
    # (see visible_posts), and it is not fanned out to home feeds (it lives on the campaign page).
    campaign = models.ForeignKey(
        "ideas.Campaign", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # The preview of the first web address in the text (ruche.links), shared with every post that
    # links there; the author may hide it from this post.
    link_preview = models.ForeignKey(
        "links.LinkPreview", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    link_preview_hidden = models.BooleanField(default=False)
    # A share: the sharer's comment (`body`, which may be empty) above another post, embedded as each
    # reader may see it (selectors.hydrate). `is_share` stays true when the original is deleted for
    # good (`shared_post` then null): the share shows "not available", never passes for a plain post.
    shared_post = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="shares"
    )
    is_share = models.BooleanField(default=False)
    share_count = models.PositiveIntegerField(default=0)  # live shares of this post
    # Moves whenever anything the post's card shows changes; kept by database triggers (posts/versions.py).
    version = models.PositiveBigIntegerField(default=0, editable=False)

    objects = PostQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["author", "client_token"], name="post_client_token_once"),
            models.CheckConstraint(
                condition=models.Q(shared_post__isnull=True) | models.Q(is_share=True),
                name="post_shared_is_share",
            ),
            # A reply is not shared (its thread is), nor is a share a reply.
            models.CheckConstraint(
                condition=models.Q(is_share=False) | models.Q(parent__isnull=True),
                name="post_share_top_level",
            ),
        ]
        indexes = [
            models.Index(fields=["author", "-id"], name="post_author_recent"),
            models.Index(fields=["parent", "id"], name="post_replies"),
            # The newest posts people can read, without the replies, deleted or hidden ones between
            # them: the feed pulls a large hashtag's or community's newest posts by walking ids
            # down until enough are theirs. On the primary key, PostgreSQL stepped over 12,000
            # replies for 63 posts (10 ms, 100,000 people; docs/performance.md, "fourth pass").
            models.Index(
                fields=["-id"],
                name="post_top_level_alive",
                condition=models.Q(parent__isnull=True, deleted_at__isnull=True, hidden_at__isnull=True),
            ),
        ]

    def __str__(self):
        return self.body[:60]

    @property
    def is_reply(self) -> bool:
        return self.parent_id is not None

    def get_absolute_url(self):
        from ruche.core.paths import path_for

        page = "ideas:idea" if self.campaign_id else "posts:detail"  # an idea's post is on its idea's page
        if self.parent_id:
            return path_for(page, self.parent_id) + f"#post-{self.pk}"
        return path_for(page, self.pk)


class PostRevision(models.Model):
    """The text a post had before an edit: edits keep their history."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    created = models.DateTimeField(default=timezone.now)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created"]


class Reaction(models.Model):
    class Kind(models.TextChoices):
        LIKE = "like", _("Like")
        BRAVO = "bravo", _("Bravo")
        LOVE = "love", _("Love")
        INSIGHTFUL = "insightful", _("Insightful")
        FUNNY = "funny", _("Funny")

    EMOJI = {"like": "👍", "bravo": "👏", "love": "❤️", "insightful": "💡", "funny": "😄"}

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reactions")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reactions")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.LIKE)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="one_reaction_per_post")]

    @property
    def emoji(self) -> str:
        return self.EMOJI[self.kind]


class Bookmark(models.Model):
    """A post someone saved for later ("Saved posts"); shown only while they may still read it."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookmarks")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="bookmarks")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "post"], name="bookmark_once")]


class HashtagFollow(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="hashtag_follows"
    )
    hashtag = models.ForeignKey(Hashtag, on_delete=models.CASCADE, related_name="follows")
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "hashtag"], name="follow_hashtag_once")]
        indexes = [models.Index(fields=["hashtag", "user"])]
