"""Erasure: an administrator erases a person (GDPR, right to erasure; docs/processing-register.md).

The person's row stays, emptied of everything personal (names, e-mail, handle, password, profile,
photo), because what they contributed and the company keeps (posts, replies, ideas, reactions,
votes, administrative acts) points at it and is then shown as by "a former colleague". Everything
else that is theirs is deleted; texts of others' rows that named them are rewritten.

`ERASE_RULES` says, for every entry of the personal data registry (ruche/privacy/registry.py: what
a person's data is, keyed by model and field) and for the framework's own links to a person (Django's
admin log, groups, permissions, allauth's accounts), what erasure does with it;
tests/privacy/test_erasure.py fails when a relation to the user model has no rule, so that a new model
cannot be forgotten. The rules are applied by the functions below, in one transaction; stored files
are deleted after it commits.
"""

import re
from dataclasses import dataclass, field
from enum import StrEnum
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Q, TextField
from django.db.models.functions import Cast
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ruche.accounts.events import PeopleChanged
from ruche.accounts.models import ERASED_DOMAIN, AdminLogEntry, DirectorySettings, Follow, Profile, User
from ruche.accounts.services import admin_log
from ruche.analytics.models import SearchDay
from ruche.communities.models import AuditEntry, Membership
from ruche.communities.services.membership import _remove_member
from ruche.core.events import publish
from ruche.core.text import fold
from ruche.files.models import Attachment
from ruche.files.services import _delete as attachments_drop
from ruche.ideas.models import CoAuthor, Idea, Review
from ruche.notifications.models import Email, Notification
from ruche.posts.models import Post, PostRevision
from ruche.posts.services import _render, post_remove
from ruche.privacy import policies
from ruche.worker.models import Task


class Erase(StrEnum):
    DELETE = "delete"  # the person's own rows (settings, links, history): deleted
    CONTRIBUTION = "contribution"  # kept, by "a former colleague", or deleted if the company says so
    KEEP = "keep"  # kept pointing at the emptied row: a count, or an act done for the company
    NULL = "null"  # the link is cut, the row (someone else's) stays
    ANONYMISE = "anonymise"  # the row stays, the texts that named the person are rewritten


# (model label, field) -> what erasure does with the rows that point at the person through it; the
# keys are the registry's (a many-to-many is named by its field, on either side). Models of apps not
# installed are allowed (allauth's social accounts come with single sign-on).
ERASE_RULES: dict[tuple[str, str], Erase] = {
    ("admin.LogEntry", "user"): Erase.DELETE,  # Django admin's history of their own edits
    ("accounts.User", "groups"): Erase.DELETE,
    ("accounts.User", "user_permissions"): Erase.DELETE,
    ("accounts.User", "invited_by"): Erase.KEEP,  # others' "invited by a former colleague"
    ("accounts.Profile", "user"): Erase.ANONYMISE,  # emptied, photo file deleted, skills unlinked
    ("accounts.Profile", "manager"): Erase.NULL,  # their reports have no manager any more
    ("accounts.Follow", "follower"): Erase.DELETE,
    ("accounts.Follow", "followed"): Erase.DELETE,
    ("accounts.SignIn", "user"): Erase.DELETE,
    ("accounts.AdminLogEntry", "actor"): Erase.KEEP,  # what an administrator did stays, by a former colleague
    ("accounts.AdminLogEntry", "target_user"): Erase.ANONYMISE,  # the target's name rewritten
    ("account.EmailAddress", "user"): Erase.DELETE,
    ("socialaccount.SocialAccount", "user"): Erase.DELETE,
    ("api.ApiToken", "user"): Erase.DELETE,
    ("oauth2_provider.AccessToken", "user"): Erase.DELETE,
    ("oauth2_provider.Application", "user"): Erase.KEEP,  # an app registered for the company: others use it
    ("oauth2_provider.Grant", "user"): Erase.DELETE,
    ("oauth2_provider.RefreshToken", "user"): Erase.DELETE,
    ("oauth2_provider.IDToken", "user"): Erase.DELETE,
    ("oauth2_provider.DeviceGrant", "user"): Erase.DELETE,
    ("mastodon.Marker", "user"): Erase.DELETE,  # where their Mastodon apps stopped reading
    ("ldap.SyncRun", "requested_by"): Erase.KEEP,  # an administrator's act
    ("ldap.DirectoryPhoto", "user"): Erase.DELETE,
    ("scim.ScimToken", "created_by"): Erase.KEEP,  # an administrator's act
    ("scim.ScimUser", "user"): Erase.DELETE,  # the directory's identifiers (SCIM no longer lists them)
    ("files.Attachment", "uploader"): Erase.CONTRIBUTION,  # files of kept posts stay; unattached ones go
    ("posts.Post", "author"): Erase.CONTRIBUTION,
    ("posts.Post", "hidden_by"): Erase.KEEP,  # a moderation act
    ("posts.Post", "mentions"): Erase.DELETE,  # others' words stay; the mention no longer links
    ("posts.PostRevision", "edited_by"): Erase.CONTRIBUTION,
    ("posts.Reaction", "user"): Erase.KEEP,  # counted on others' posts, by a former colleague
    ("posts.Bookmark", "user"): Erase.DELETE,
    ("posts.HashtagFollow", "user"): Erase.DELETE,
    ("communities.Community", "created_by"): Erase.KEEP,
    ("communities.Membership", "user"): Erase.DELETE,
    ("communities.JoinRequest", "user"): Erase.DELETE,
    ("communities.JoinRequest", "decided_by"): Erase.KEEP,
    ("communities.Invitation", "user"): Erase.DELETE,
    ("communities.Invitation", "invited_by"): Erase.KEEP,  # a colleague's pending invitation stays
    ("communities.Departure", "user"): Erase.DELETE,  # with the reasons they gave
    ("communities.Placement", "decided_by"): Erase.KEEP,
    ("communities.Report", "reporter"): Erase.DELETE,
    ("communities.Report", "person"): Erase.DELETE,
    ("communities.Report", "resolved_by"): Erase.KEEP,
    ("communities.AuditEntry", "actor"): Erase.KEEP,
    ("communities.AuditEntry", "target"): Erase.ANONYMISE,
    ("feed.FeedEntry", "user"): Erase.DELETE,
    ("notifications.Notification", "recipient"): Erase.DELETE,
    ("notifications.Notification", "actor"): Erase.DELETE,  # "X followed you": about them
    ("notifications.KindPreference", "user"): Erase.DELETE,
    ("notifications.CommunityPreference", "user"): Erase.DELETE,
    ("notifications.ThreadMute", "user"): Erase.DELETE,
    ("notifications.DigestPreference", "user"): Erase.DELETE,
    ("notifications.Email", "recipient"): Erase.DELETE,
    ("qa.Question", "accepted_by"): Erase.KEEP,
    ("qa.AnswerVote", "user"): Erase.KEEP,
    ("qa.ExpertRequest", "expert"): Erase.DELETE,
    ("qa.ExpertRequest", "asked_by"): Erase.DELETE,
    ("ideas.InnovationManager", "user"): Erase.DELETE,
    ("ideas.Campaign", "managers"): Erase.DELETE,
    ("ideas.Campaign", "reviewers"): Erase.DELETE,
    ("ideas.Campaign", "created_by"): Erase.KEEP,
    ("ideas.Target", "user"): Erase.DELETE,
    ("ideas.Idea", "author"): Erase.CONTRIBUTION,  # an idea is a post: deleted with their posts
    ("ideas.CoAuthor", "user"): Erase.CONTRIBUTION,
    ("ideas.Vote", "user"): Erase.KEEP,
    ("ideas.IdeaFollow", "user"): Erase.DELETE,
    ("ideas.IdeaTransition", "by"): Erase.KEEP,
    ("ideas.Review", "reviewer"): Erase.CONTRIBUTION,  # their comments and scores
    ("ideas.Review", "assigned_by"): Erase.KEEP,
    ("realtime.RealtimeEvent", "user"): Erase.DELETE,
    ("announcements.Announcement", "author"): Erase.KEEP,  # the company's communication
    ("announcements.Receipt", "user"): Erase.DELETE,
    ("rooms.VideoRoom", "created_by"): Erase.KEEP,
    ("rooms.VideoRoom", "ended_by"): Erase.KEEP,
    ("sources.Source", "added_by"): Erase.KEEP,
    ("alerts.Alert", "user"): Erase.DELETE,  # saved searches, with their terms
    ("integrations.Integration", "created_by"): Erase.KEEP,  # the community's integration stays
    ("integrations.Integration", "bot"): Erase.KEEP,  # a tool's account, not a person
    ("analytics.PersonDay", "user"): Erase.DELETE,
    ("analytics.CommunityPersonDay", "user"): Erase.DELETE,
    ("analytics.PersonWeek", "user"): Erase.DELETE,
    ("analytics.PersonMonth", "user"): Erase.DELETE,
    ("analytics.SummarySubscription", "user"): Erase.DELETE,
    ("activities.Activity", "actor"): Erase.DELETE,  # the log of what they did (their posts: above)
    ("activities.WebhookEndpoint", "owner"): Erase.DELETE,  # with its deliveries
    ("privacy.DataExport", "user"): Erase.DELETE,  # with their ZIP files
}

# Rules applied by a function of their own below (counts kept right, files deleted, texts rewritten);
# every other DELETE rule is a plain delete of the rows, and KEEP rules leave the rows as they are.
_HANDLED = {
    ("accounts.Profile", "user"),
    ("accounts.Profile", "manager"),
    ("accounts.Follow", "follower"),
    ("accounts.Follow", "followed"),
    ("accounts.AdminLogEntry", "target_user"),
    ("communities.Membership", "user"),
    ("communities.AuditEntry", "target"),
    ("posts.Post", "mentions"),
    ("privacy.DataExport", "user"),
}


# CONTRIBUTION rules: deleted by _delete_contributions when the company's policy says so (files by
# post_remove with their post, and _drop_drafts); otherwise left pointing at the emptied row.
_CONTRIBUTIONS = {
    ("posts.Post", "author"),
    ("posts.PostRevision", "edited_by"),
    ("ideas.Idea", "author"),
    ("ideas.CoAuthor", "user"),
    ("ideas.Review", "reviewer"),
    ("files.Attachment", "uploader"),
}


def user_relations():
    """{(model label, field name): model} of every link to the user model, Django's and allauth's
    included: a foreign key or one-to-one to it, a many-to-many to it (named on the model that
    declares it), or the user model's own many-to-many (groups, permissions)."""
    found = {}
    for model in apps.get_models():
        for f in model._meta.get_fields():
            if not f.is_relation or f.auto_created:
                continue
            if f.related_model is User or (model is User and f.many_to_many):
                found[(model._meta.label, f.name)] = model
    return found


def _rows(model, name: str, user: User):
    """The rows that link `user` through `model.name`: the model's own, or a many-to-many's links."""
    f = model._meta.get_field(name)
    if not f.many_to_many:
        return model._default_manager.filter(**{name: user})
    through = f.remote_field.through
    column = f.m2m_field_name() if model is User else f.m2m_reverse_field_name()
    return through._default_manager.filter(**{column: user})


@dataclass
class Erased:
    """What an erasure did: rows by rule key (for the confirmation and the tests), no name."""

    user_id: int
    kept_contributions: bool
    counts: dict[str, int] = field(default_factory=dict)


@transaction.atomic
def person_erase(*, user: User, by: User, keep_contributions: bool | None = None) -> Erased:
    """Erase a person's personal data (see the module's docstring). Refused for oneself and for the
    last active administrator; all or nothing; stored files go once the transaction commits."""
    if not policies.can_erase(by, user):
        raise PermissionDenied(policies.erase_refusal(by, user))
    user = User.objects.select_for_update().get(pk=user.pk)
    if keep_contributions is None:
        keep_contributions = DirectorySettings.current().erasure_keeps_contributions
    report = Erased(user_id=user.pk, kept_contributions=keep_contributions)
    needles = _needles(user)
    if not keep_contributions:
        _delete_contributions(user, report)
    _apply_plain_rules(user, report)
    _unfollow(user, report)
    _leave_communities(user, report)
    _drop_drafts(user, report)
    _drop_exports(user, report)
    _forget_mentions(user, report)
    _empty_profile(user, report)
    _sessions_end(user, report)
    _anonymise_user(user)
    _rewrite_texts(user, needles, report)
    publish(PeopleChanged(user_ids=(user.pk,), directory=True))  # search drops them
    admin_log(actor=by, action="person_erase", target_user=user, kept_contributions=keep_contributions)
    return report


def _needles(user: User) -> list[str]:
    """How others' texts may name them: full name (as written and folded), e-mail, handle."""
    name = f"{user.first_name} {user.last_name}".strip()
    found = {name, fold(name), user.email, user.handle}
    return sorted((n for n in found if len(n) >= 3), key=len, reverse=True)


def _apply_plain_rules(user: User, report: Erased) -> None:
    for (label, name), rule in ERASE_RULES.items():
        if rule != Erase.DELETE or (label, name) in _HANDLED:
            continue
        try:
            model = apps.get_model(label)
        except LookupError:
            continue  # an app not installed here
        report.counts[f"{label}.{name}"] = _rows(model, name, user).delete()[0]


def _drop_exports(user: User, report: Erased) -> None:
    """Their copies of their data, rows now and ZIP files once the erasure commits."""
    from ruche.privacy.models import DataExport

    exports = DataExport.objects.filter(user=user)
    names = [name for name in exports.values_list("file", flat=True) if name]
    report.counts["privacy.DataExport.user"] = exports.delete()[0]
    if names:
        storage = DataExport._meta.get_field("file").storage
        transaction.on_commit(lambda: [storage.delete(name) for name in names])


def _delete_contributions(user: User, report: Erased) -> None:
    """The company's policy says their words go: posts, replies and ideas deleted through the posts
    service (feeds, counts and search follow), then their text emptied."""
    posts = list(Post.objects.filter(author=user, deleted_at__isnull=True).order_by("-parent_id", "pk"))
    for post in posts:
        post_remove(post=post)
    Post.objects.filter(author=user).update(body="", body_html="", hidden_reason="", client_token=None)
    report.counts["posts.Post.author"] = len(posts)
    report.counts["posts.PostRevision.edited_by"] = PostRevision.objects.filter(
        Q(edited_by=user) | Q(post__author=user)
    ).delete()[0]
    report.counts["ideas.Idea.author"] = Idea.objects.filter(author=user).update(title="", title_key="")
    report.counts["ideas.CoAuthor.user"] = CoAuthor.objects.filter(user=user).delete()[0]
    report.counts["ideas.Review.reviewer"] = Review.objects.filter(reviewer=user).delete()[0]


def _unfollow(user: User, report: Erased) -> None:
    """Follows both ways; the followed people's counts go down with them."""
    followed = list(Follow.objects.filter(follower=user).values_list("followed_id", flat=True))
    if followed:
        User.objects.filter(pk__in=followed).update(follower_count=F("follower_count") - 1)
    report.counts["accounts.Follow.follower"] = Follow.objects.filter(follower=user).delete()[0]
    report.counts["accounts.Follow.followed"] = Follow.objects.filter(followed=user).delete()[0]
    user.follower_count = 0


def _leave_communities(user: User, report: Erased) -> None:
    memberships = list(Membership.objects.filter(user=user).select_related("community"))
    for membership in memberships:
        _remove_member(membership.community, user)
    report.counts["communities.Membership.user"] = len(memberships)


def _drop_drafts(user: User, report: Erased) -> None:
    """Uploads never attached (a draft's files) are theirs alone, whatever the policy."""
    drafts = list(Attachment.objects.filter(uploader=user, holder_kind=""))
    report.counts["files.Attachment.uploader"] = attachments_drop(drafts)


def _forget_mentions(user: User, report: Erased) -> None:
    """Others' posts that mention them keep their words; the mention no longer links to the person
    nor shows their name (the HTML is rendered again once they can no longer be mentioned)."""
    links = _rows(Post, "mentions", user)
    post_ids = list(links.values_list("post_id", flat=True))
    report.counts["posts.Post.mentions"] = links.delete()[0]
    user.is_active = False
    user.handle = f"former-{user.pk}"
    user.save(update_fields=["is_active", "handle"])
    for post in Post.objects.filter(pk__in=post_ids).exclude(author=user):
        post.body_html = _render(post, post.body).html
        post.save(update_fields=["body_html"])


def _empty_profile(user: User, report: Erased) -> None:
    """Their profile emptied (photo file deleted after commit); their reports have no manager."""
    report.counts["accounts.Profile.manager"] = Profile.objects.filter(manager=user).update(manager=None)
    profile, _created = Profile.objects.get_or_create(user=user)
    photo = profile.photo.name if profile.photo else None
    profile.skills.clear()
    for name in ("job_title", "phone", "bio", "ask_me_about", "languages"):
        setattr(profile, name, "")
    profile.photo = ""
    profile.department = profile.site = profile.manager = None
    profile.save()
    if photo:
        storage = profile.photo.storage
        transaction.on_commit(lambda: storage.delete(photo))
    report.counts["accounts.Profile.user"] = 1


def _sessions_end(user: User, report: Erased) -> None:
    """Signed in nowhere any more. Database-backed sessions holding their id are deleted (with their
    cached copy); any other engine loses them with the password (Django checks its hash)."""
    engine = import_module(settings.SESSION_ENGINE)
    store_class = engine.SessionStore
    if not hasattr(store_class, "get_model_class"):
        report.counts["sessions"] = 0
        return
    model = store_class.get_model_class()
    rows = model.objects.filter(expire_date__gt=timezone.now()).values_list("session_key", "session_data")
    decode = store_class().decode
    keys = [key for key, data in rows.iterator(2000) if decode(data).get(SESSION_KEY) == str(user.pk)]
    model.objects.filter(session_key__in=keys).delete()  # and their cached copies (accounts/sessions.py)
    report.counts["sessions"] = len(keys)


def _anonymise_user(user: User) -> None:
    user.first_name = user.last_name = user.language = user.directory_id = ""
    user.email = f"erased-{user.pk}@{ERASED_DOMAIN}"
    user.handle = f"former-{user.pk}"
    user.set_unusable_password()
    user.is_active = user.is_staff = user.is_superuser = False
    user.is_animator = user.is_announcer = user.is_analyst = False
    user.deactivated_at = user.deactivated_at or timezone.now()
    user.last_seen_at = user.feed_built_at = user.feed_horizon = None
    user.save()


# Others' texts that may name the person (rule key, model, fields): their name is replaced there.
_NAMED_IN = (
    ("accounts.AdminLogEntry.target_user", AdminLogEntry, ("target",)),
    ("communities.AuditEntry.target", AuditEntry, ("detail",)),
    ("notifications.Notification.detail", Notification, ("detail",)),
    ("notifications.Email.text", Email, ("subject", "text", "html", "last_error")),
    ("worker.Task.error", Task, ("error", "traceback")),  # a mail server's refusal quotes the address
)


def _rewrite_texts(user: User, needles: list[str], report: Erased) -> None:
    with translation.override(settings.LANGUAGE_CODE):
        instead = _("a former colleague")
    # Whole words only: a short handle ("ana") must not eat into another word ("banana").
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(n) for n in needles) + r")(?!\w)", re.IGNORECASE)
    for key, model, fields in _NAMED_IN:
        rewritten = 0
        for row in _containing(model, fields, needles):
            texts = {name: pattern.sub(instead, getattr(row, name)) for name in fields}
            if any(texts[name] != getattr(row, name) for name in fields):
                model.objects.filter(pk=row.pk).update(**texts)
                rewritten += 1
        report.counts[key] = rewritten
    report.counts["accounts.AdminLogEntry.detail"] = _rewrite_log_details(user, needles, pattern, instead)
    # Searches for their name, counted by day with no author: the text itself names them.
    searches = [row.pk for row in _containing(SearchDay, ("query",), needles) if pattern.search(row.query)]
    report.counts["analytics.SearchDay.query"] = SearchDay.objects.filter(pk__in=searches).delete()[0]


def _containing(model, fields, needles):
    """The rows where one of the fields holds one of the needles (the database narrows, the caller
    decides on whole words)."""
    named = Q()
    for name in fields:
        for needle in needles:
            named |= Q(**{f"{name}__icontains": needle})
    return model.objects.filter(named).only("pk", *fields).iterator(500)


def _rewrite_log_details(user: User, needles: list[str], pattern, instead: str) -> int:
    """The administrators' log's details (JSON: what changed, as directories and admins wrote it):
    every text in them that names the person, in the entries about them or that quote them."""
    quoted = Q(target_user=user)
    for needle in needles:
        quoted |= Q(text__icontains=needle)
    rows = (
        AdminLogEntry.objects.annotate(text=Cast("detail", TextField())).filter(quoted).only("pk", "detail")
    )
    rewritten = 0
    for row in rows.iterator(500):
        detail = _scrub(row.detail, pattern, instead)
        if detail != row.detail:
            AdminLogEntry.objects.filter(pk=row.pk).update(detail=detail)
            rewritten += 1
    return rewritten


def _scrub(value, pattern, instead: str):
    if isinstance(value, str):
        return pattern.sub(instead, value)
    if isinstance(value, list):
        return [_scrub(item, pattern, instead) for item in value]
    if isinstance(value, dict):
        return {key: _scrub(item, pattern, instead) for key, item in value.items()}
    return value
