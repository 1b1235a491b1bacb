"""What a person's data is: every link from a row to a person, and what the export does with it.

ONE entry per (model, field pointing at the user model) in every installed app (Ruche's, allauth's); `tests/privacy/
test_export.py` walks every model and fails when a link to a person has no entry, so a model added
later that holds someone's data cannot be forgotten by the export (nor by the erasure).

Shape of an entry (`PersonalData`, a frozen dataclass):
- `label`: the model, "app_label.ModelName" ("posts.Post");
- `field`: the field that names the person ("author"; a ManyToMany counts: "ideas.Campaign",
  "managers");
- `file`: the JSON file of the export that holds the rows where that field is the person
  ("posts.json"), or "" when these rows are not exported;
- `serialize`: one row -> a JSON-able dict (ISO dates, ids, absolute URLs), or None when `file` is
  written by its own code in services/export.py (profile.json, files/);
- `reason`: why the rows are not exported, or where they are when `serialize` is None;
- `select`: the relations to load with the rows (select_related), `prefetch`: prefetch_related.

The rows of an entry are `Model.objects.filter(<field>=user)`, in id order. A serializer writes only
what is the person's own: other people appear by handle and name where the relation is the
person's (their manager, whom they follow, their followers), other people's content by id and URL
only, never its text.

The erasure (services/erasure.py) adds its own rule per entry here (`on_erase`), so that export and
erasure agree on what a person's data is.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class PersonalData:
    label: str
    field: str
    file: str = ""
    serialize: Callable | None = None
    reason: str = ""
    select: tuple[str, ...] = ()
    prefetch: tuple[str, ...] = ()

    @property
    def key(self) -> tuple[str, str]:
        return (self.label, self.field)

    @property
    def exported(self) -> bool:
        return bool(self.file)


# Helpers for the serializers: the same spelling of a date, a person and a link in every file.


def iso(value):
    return value.isoformat() if value is not None else None


def url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def person(user) -> dict | None:
    """Another person, as the export names them: handle and name, nothing else of theirs."""
    if user is None:
        return None
    return {"handle": user.handle, "name": user.full_name}


def post_ref(post_id) -> dict | None:
    """Someone's post, by id and address only: its text is its author's."""
    if post_id is None:
        return None
    from ruche.core.paths import path_for

    return {"id": post_id, "url": url(path_for("posts:detail", post_id))}


def community_ref(community) -> dict | None:
    if community is None:
        return None
    return {"id": community.pk, "name": community.name, "url": url(community.get_absolute_url())}


def campaign_ref(campaign) -> dict | None:
    if campaign is None:
        return None
    return {"id": campaign.pk, "title": campaign.title, "url": url(campaign.get_absolute_url())}


def idea_ref(idea) -> dict:
    """An idea by id and address: its title is its author's (the person's own ideas are in ideas.json)."""
    return {"id": idea.pk, "url": url(idea.get_absolute_url())}


# Serializers, one per exported entry.


def attachment_name(pk: int, name: str) -> str:
    """Where an uploaded file's bytes are in the ZIP."""
    from django.core.exceptions import SuspiciousFileOperation
    from django.utils.text import get_valid_filename

    try:
        clean = get_valid_filename(name)
    except SuspiciousFileOperation:  # nothing left of the name ("..", "?")
        clean = "file"
    return f"files/attachments/{pk}-{clean}"


def _has(obj, relation: str) -> bool:
    """Whether a reverse one-to-one (loaded with select_related) is there."""
    from django.core.exceptions import ObjectDoesNotExist

    try:
        return getattr(obj, relation) is not None
    except ObjectDoesNotExist:
        return False


def post_kind(post) -> str:
    if post.parent_id:
        return "reply"
    if post.campaign_id:
        return "idea"
    if _has(post, "question"):
        return "question"
    return "share" if post.is_share else "post"


def post_row(post) -> dict:
    return {
        "id": post.pk,
        "url": url(post.get_absolute_url()),
        "kind": post_kind(post),
        "reply_to": post_ref(post.parent_id),
        "accepted_answer": _has(post, "accepted_for"),
        "shared_post": post_ref(post.shared_post_id),
        "text": post.body,
        "created": iso(post.created),
        "edited_at": iso(post.edited_at),
        "deleted_at": iso(post.deleted_at),
        "hidden_at": iso(post.hidden_at),
        "hidden_reason": post.hidden_reason,
        "awaiting_approval": post.awaiting_approval,
        "communities": [community_ref(p.community) for p in post.placements.all()],
        "hashtags": [f"#{tag.name}" for tag in post.hashtags.all()],
        "mentions": [person(user) for user in post.mentions.all()],
        "earlier_versions": [{"text": r.body, "until": iso(r.created)} for r in post.revisions.all()],
    }  # its files are in files.json, "attached_to" the post


def reaction_row(reaction) -> dict:
    return {"post": post_ref(reaction.post_id), "reaction": reaction.kind, "created": iso(reaction.created)}


def bookmark_row(bookmark) -> dict:
    return {"post": post_ref(bookmark.post_id), "created": iso(bookmark.created)}


def hashtag_follow_row(follow) -> dict:
    return {"hashtag": f"#{follow.hashtag.name}", "created": iso(follow.created)}


def following_row(follow) -> dict:
    return {"person": person(follow.followed), "since": iso(follow.created)}


def follower_row(follow) -> dict:
    return {"person": person(follow.follower), "since": iso(follow.created)}


def signin_row(signin) -> dict:
    return {"at": iso(signin.at), "method": signin.method, "ip": signin.ip, "browser": signin.user_agent}


def attachment_row(attachment) -> dict:
    return {
        "id": attachment.pk,
        "name": attachment.name,
        "file": attachment_name(attachment.pk, attachment.name),
        "content_type": attachment.content_type,
        "size": attachment.size,
        "attached_to": {"kind": attachment.holder_kind, "id": attachment.holder_id}
        if attachment.holder_kind
        else None,
        "created": iso(attachment.created),
    }


def membership_row(membership) -> dict:
    return {
        "community": community_ref(membership.community),
        "role": membership.role,
        "since": iso(membership.created),
        "by_rule": membership.by_rule,
    }


def join_request_row(request) -> dict:
    return {
        "community": community_ref(request.community),
        "message": request.message,
        "status": request.status,
        "created": iso(request.created),
        "decided_at": iso(request.decided_at),
    }


def community_invitation_row(invitation) -> dict:
    return {
        "community": community_ref(invitation.community),
        "invited_by": person(invitation.invited_by),
        "created": iso(invitation.created),
    }


def departure_row(departure) -> dict:
    return {
        "community": community_ref(departure.community),
        "reason": departure.reason,
        "created": iso(departure.created),
    }


def community_created_row(community) -> dict:
    return {**community_ref(community), "created": iso(community.created)}


def report_row(report) -> dict:
    return {
        "post": post_ref(report.post_id),
        "person": person(report.person),
        "community": community_ref(report.community),
        "reason": report.reason,
        "created": iso(report.created),
        "resolved_at": iso(report.resolved_at),
    }


def notification_row(notification) -> dict:
    from ruche.notifications.preferences import kind_label

    return {
        "id": notification.pk,
        "kind": notification.kind,
        "label": str(kind_label(notification.kind)),
        "from": person(notification.actor),
        "others": notification.actor_count - 1,
        "detail": notification.detail,
        "url": url(notification.target_url()),
        "created": iso(notification.created),
        "read_at": iso(notification.read_at),
    }


def kind_preference_row(preference) -> dict:
    return {"kind": preference.kind, "channel": preference.channel, "enabled": preference.enabled}


def community_preference_row(preference) -> dict:
    return {"community": community_ref(preference.community), "level": preference.level}


def thread_mute_row(mute) -> dict:
    return {"post": post_ref(mute.post_id), "created": iso(mute.created)}


def digest_preference_row(preference) -> dict:
    return {"digest": preference.frequency}


def email_row(email) -> dict:
    # What was sent and when; the body quotes colleagues' posts, which are theirs.
    return {
        "kind": email.kind,
        "subject": email.subject,
        "state": email.state,
        "created": iso(email.created),
        "sent_at": iso(email.sent_at),
    }


def question_accepted_row(question) -> dict:
    return {
        "question": post_ref(question.pk),
        "answer": post_ref(question.accepted_answer_id),
        "accepted_at": iso(question.accepted_at),
    }


def answer_vote_row(vote) -> dict:
    return {"answer": post_ref(vote.answer_id), "created": iso(vote.created)}


def expert_asked_row(request) -> dict:
    return {
        "question": post_ref(request.question_id),
        "asked_by": person(request.asked_by),
        "created": iso(request.created),
    }


def expert_request_row(request) -> dict:
    return {
        "question": post_ref(request.question_id),
        "expert": person(request.expert),
        "created": iso(request.created),
    }


def campaign_created_row(campaign) -> dict:
    return {**campaign_ref(campaign), "created": iso(campaign.created)}


def campaign_role_row(campaign) -> dict:
    return campaign_ref(campaign)


def target_row(target) -> dict:
    return {"campaign": campaign_ref(target.campaign)}


def idea_row(idea) -> dict:
    return {
        **idea_ref(idea),
        "title": idea.title,
        "campaign": campaign_ref(idea.campaign),
        "stage": idea.stage.label,
        "text": "see posts.json",
        "post": idea.pk,
        "tags": [f"#{tag.name}" for tag in idea.tags.all()],
        "votes": idea.vote_count,
        "created": iso(idea.created),
        "merged_into": idea.merged_into_id,
    }


def coauthor_row(coauthor) -> dict:
    return {
        "idea": idea_ref(coauthor.idea),
        "status": coauthor.status,
        "invited_at": iso(coauthor.invited_at),
        "answered_at": iso(coauthor.answered_at),
    }


def idea_vote_row(vote) -> dict:
    return {"idea": idea_ref(vote.idea), "created": iso(vote.created)}


def idea_follow_row(follow) -> dict:
    return {"idea": idea_ref(follow.idea), "created": iso(follow.created)}


def idea_transition_row(transition) -> dict:
    return {
        "idea": idea_ref(transition.idea),
        "from": transition.source.label if transition.source_id else None,
        "to": transition.target.label,
        "rationale": transition.rationale,
        "at": iso(transition.at),
    }


def review_row(review) -> dict:
    # A reviewer's scores and comment are their own judgement: theirs.
    return {
        "idea": idea_ref(review.idea),
        "assigned_at": iso(review.assigned_at),
        "submitted_at": iso(review.submitted_at),
        "comment": review.comment,
        "scores": {score.criterion.label: score.value for score in review.scores.all()},
    }


def announcement_row(announcement) -> dict:
    return {
        "id": announcement.pk,
        "url": url(announcement.get_absolute_url()),
        "title": announcement.title,
        "text": announcement.body,
        "requires_ack": announcement.requires_ack,
        "created": iso(announcement.created),
        "expires_at": iso(announcement.expires_at),
        "recipients": announcement.recipient_count,
    }


def receipt_row(receipt) -> dict:
    return {
        "announcement": {"id": receipt.announcement_id, "url": url(receipt.announcement.get_absolute_url())},
        "opened_at": iso(receipt.opened_at),
        "acknowledged_at": iso(receipt.acknowledged_at),
        "dismissed_at": iso(receipt.dismissed_at),
    }


def room_row(room) -> dict:
    return {
        "id": room.pk,
        "topic": room.topic,
        "community": community_ref(room.community),
        "post": post_ref(room.origin_post_id),
        "created": iso(room.created),
        "ended_at": iso(room.ended_at),
    }


def source_row(source) -> dict:
    return {
        "community": community_ref(source.community),
        "address": source.url,
        "name": source.title,
        "keywords": source.keywords,
        "created": iso(source.created_at),
    }


def integration_row(integration) -> dict:
    return {
        "community": community_ref(integration.community),
        "name": integration.name,
        "created": iso(integration.created),
    }


def alert_row(alert) -> dict:
    return {
        "words": alert.query,
        "community": community_ref(alert.community),
        "created": iso(alert.created_at),
    }


def activity_row(activity) -> dict:
    return {
        "type": activity.type,
        "object": {"kind": activity.object_kind, "id": activity.object_id},
        "published": iso(activity.published),
    }


def webhook_row(endpoint) -> dict:
    return {
        "name": endpoint.name,
        "address": endpoint.url,
        "types": endpoint.types,
        "community": community_ref(endpoint.community),
        "active": endpoint.active,
        "created": iso(endpoint.created),
    }  # never the secret


def person_day_row(row) -> dict:
    from ruche.analytics.models import CONTENT_FIELDS, LIVE_FIELDS

    return {"day": iso(row.day), **{name: getattr(row, name) for name in (*LIVE_FIELDS, *CONTENT_FIELDS)}}


def community_person_day_row(row) -> dict:
    return {
        "day": iso(row.day),
        "community": community_ref(row.community),
        **{
            name: getattr(row, name)
            for name in ("posts", "replies", "reactions", "shares", "answers", "votes")
        },
    }


def person_span_row(row) -> dict:
    return {"start": iso(row.start), "contributed": row.contributed, "participated": row.participated}


def summary_subscription_row(row) -> dict:
    return {"weekly_summary_since": iso(row.created), "last_week_sent": row.last_week}


def api_token_row(token) -> dict:
    # Names and dates only: the secret itself is never stored, and its hash is not the person's to hold.
    return {
        "name": token.name,
        "starts_with": token.prefix,
        "created": iso(token.created),
        "last_used_at": iso(token.last_used_at),
        "revoked_at": iso(token.revoked_at),
    }


def authorised_app_row(token) -> dict:
    """An app the person allowed (a Mastodon client, a script): its name, what it may do, since when;
    never the token."""
    return {
        "app": token.application.name if token.application_id else None,
        "scopes": token.scope.split(),
        "created": iso(token.created),
        "expires": iso(token.expires),
    }


def email_address_row(address) -> dict:
    return {"email": address.email, "verified": address.verified, "primary": address.primary}


def sso_identity_row(account) -> dict:
    """The company's identity provider's account linked to the person: which one, its subject, and
    the claims it last sent (the person's own data, as the provider said it)."""
    return {
        "provider": account.provider,
        "subject": account.uid,
        "last_sign_in": iso(account.last_login),
        "linked": iso(account.date_joined),
        "claims": account.extra_data,
    }


OAUTH_TECHNICAL = (
    "a secret of the sign-in of an app, short-lived or technical; the app is in authorised_apps.json"
)
TECHNICAL = "a technical trace of who did what, kept for the moderators' or administrators' record"

PERSONAL_DATA: tuple[PersonalData, ...] = (
    # accounts
    PersonalData("accounts.Profile", "user", "profile.json", reason="profile.json and files/photo.*"),
    PersonalData(
        "accounts.Profile",
        "manager",
        reason="the people who report to the person are their own data; the person's own manager is in "
        "profile.json",
    ),
    PersonalData(
        "accounts.User",
        "invited_by",
        reason="the people one invited are their own data; one's own inviter is in profile.json",
    ),
    PersonalData("accounts.Follow", "follower", "following.json", following_row, select=("followed",)),
    # Followers: the relationship is the person's too; followers appear by handle and name only.
    PersonalData("accounts.Follow", "followed", "followers.json", follower_row, select=("follower",)),
    PersonalData("accounts.SignIn", "user", "signins.json", signin_row),
    PersonalData("accounts.AdminLogEntry", "actor", reason=TECHNICAL),
    PersonalData(
        "accounts.AdminLogEntry",
        "target_user",
        reason="the administrators' log of their acts; shown to administrators, erased with the person",
    ),
    PersonalData("account.EmailAddress", "user", "email_addresses.json", email_address_row),
    PersonalData("socialaccount.SocialAccount", "user", "sso_identities.json", sso_identity_row),
    # files
    PersonalData(
        "files.Attachment",
        "uploader",
        "files.json",
        attachment_row,
        reason="with the bytes in files/attachments/",
    ),
    # posts
    PersonalData(
        "posts.Post",
        "author",
        "posts.json",
        post_row,
        select=("question", "accepted_for"),
        prefetch=("placements__community", "hashtags", "mentions", "revisions"),
    ),
    PersonalData("posts.Post", "hidden_by", reason=TECHNICAL),
    PersonalData(
        "posts.Post",
        "mentions",
        reason="the posts that mention the person are their authors'; mentions the person made are in "
        "posts.json",
    ),
    PersonalData(
        "posts.PostRevision",
        "edited_by",
        reason="the earlier versions of the person's posts are in posts.json; an edit of someone else's "
        "post (a moderator's) keeps its author's text",
    ),
    PersonalData("posts.Reaction", "user", "reactions.json", reaction_row),
    PersonalData("posts.Bookmark", "user", "bookmarks.json", bookmark_row),
    PersonalData(
        "posts.HashtagFollow", "user", "hashtags_followed.json", hashtag_follow_row, select=("hashtag",)
    ),
    # communities
    PersonalData("communities.Community", "created_by", "communities_created.json", community_created_row),
    PersonalData("communities.Membership", "user", "memberships.json", membership_row, select=("community",)),
    PersonalData(
        "communities.JoinRequest", "user", "join_requests.json", join_request_row, select=("community",)
    ),
    PersonalData("communities.JoinRequest", "decided_by", reason=TECHNICAL),
    PersonalData(
        "communities.Invitation",
        "user",
        "community_invitations.json",
        community_invitation_row,
        select=("community", "invited_by"),
    ),
    PersonalData("communities.Invitation", "invited_by", reason="an invitation is its invitee's data"),
    PersonalData(
        "communities.Departure", "user", "community_departures.json", departure_row, select=("community",)
    ),
    PersonalData("communities.Placement", "decided_by", reason=TECHNICAL),
    PersonalData(
        "communities.Report", "reporter", "reports_made.json", report_row, select=("person", "community")
    ),
    PersonalData(
        "communities.Report",
        "person",
        reason="a report names its reporter, who is protected; reports are handled by moderators",
    ),
    PersonalData("communities.Report", "resolved_by", reason=TECHNICAL),
    PersonalData("communities.AuditEntry", "actor", reason=TECHNICAL),
    PersonalData("communities.AuditEntry", "target", reason=TECHNICAL),
    # feed, realtime: derived copies of other tables, rebuilt at will
    PersonalData(
        "feed.FeedEntry", "user", reason="the home feed's index of other people's posts, rebuilt at will"
    ),
    PersonalData("realtime.RealtimeEvent", "user", reason="live updates pushed to the browser, kept minutes"),
    # notifications
    PersonalData(
        "notifications.Notification",
        "recipient",
        "notifications.json",
        notification_row,
        select=("actor", "post", "community"),
    ),
    PersonalData(
        "notifications.Notification",
        "actor",
        reason="a notification is its recipient's; what the person did is in the other files",
    ),
    PersonalData("notifications.KindPreference", "user", "notification_settings.json", kind_preference_row),
    PersonalData(
        "notifications.CommunityPreference",
        "user",
        "notification_community_settings.json",
        community_preference_row,
        select=("community",),
    ),
    PersonalData("notifications.ThreadMute", "user", "muted_conversations.json", thread_mute_row),
    PersonalData("notifications.DigestPreference", "user", "digest_settings.json", digest_preference_row),
    PersonalData("notifications.Email", "recipient", "emails.json", email_row),
    # qa
    PersonalData("qa.Question", "accepted_by", "answers_accepted.json", question_accepted_row),
    PersonalData("qa.AnswerVote", "user", "answer_votes.json", answer_vote_row),
    PersonalData(
        "qa.ExpertRequest", "expert", "expertise_asked.json", expert_asked_row, select=("asked_by",)
    ),
    PersonalData(
        "qa.ExpertRequest", "asked_by", "experts_asked.json", expert_request_row, select=("expert",)
    ),
    # ideas
    PersonalData(
        "ideas.InnovationManager", "user", "profile.json", reason="profile.json, roles.innovation_manager"
    ),
    PersonalData("ideas.Campaign", "created_by", "campaigns_created.json", campaign_created_row),
    PersonalData("ideas.Campaign", "managers", "campaigns_managed.json", campaign_role_row),
    PersonalData("ideas.Campaign", "reviewers", "campaigns_reviewed.json", campaign_role_row),
    PersonalData("ideas.Target", "user", "campaigns_targeted.json", target_row, select=("campaign",)),
    PersonalData(
        "ideas.Idea",
        "author",
        "ideas.json",
        idea_row,
        select=("campaign", "stage"),
        prefetch=("tags",),
    ),
    PersonalData("ideas.CoAuthor", "user", "idea_coauthors.json", coauthor_row, select=("idea",)),
    PersonalData("ideas.Vote", "user", "idea_votes.json", idea_vote_row, select=("idea",)),
    PersonalData("ideas.IdeaFollow", "user", "ideas_followed.json", idea_follow_row, select=("idea",)),
    PersonalData(
        "ideas.IdeaTransition",
        "by",
        "idea_decisions.json",
        idea_transition_row,
        select=("idea", "source", "target"),
    ),
    PersonalData(
        "ideas.Review",
        "reviewer",
        "idea_reviews.json",
        review_row,
        select=("idea",),
        prefetch=("scores__criterion",),
    ),
    PersonalData("ideas.Review", "assigned_by", reason="a review is its reviewer's; " + TECHNICAL),
    # announcements
    PersonalData("announcements.Announcement", "author", "announcements.json", announcement_row),
    PersonalData(
        "announcements.Receipt", "user", "announcements_received.json", receipt_row, select=("announcement",)
    ),
    # rooms, sources, alerts
    PersonalData("rooms.VideoRoom", "created_by", "video_rooms.json", room_row, select=("community",)),
    PersonalData("rooms.VideoRoom", "ended_by", reason=TECHNICAL),
    PersonalData("sources.Source", "added_by", "news_sources.json", source_row, select=("community",)),
    PersonalData("alerts.Alert", "user", "alerts.json", alert_row, select=("community",)),
    # integrations: the incoming webhooks a person created; an integration's own account is no person
    PersonalData(
        "integrations.Integration", "created_by", "integrations.json", integration_row, select=("community",)
    ),
    PersonalData("integrations.Integration", "bot", reason="an integration's own account, not a person"),
    # analytics: the person's own facts
    PersonalData("analytics.PersonDay", "user", "activity_days.json", person_day_row),
    PersonalData(
        "analytics.CommunityPersonDay",
        "user",
        "activity_community_days.json",
        community_person_day_row,
        select=("community",),
    ),  # fmt: skip
    PersonalData("analytics.PersonWeek", "user", "activity_weeks.json", person_span_row),
    PersonalData("analytics.PersonMonth", "user", "activity_months.json", person_span_row),
    PersonalData("analytics.SummarySubscription", "user", "analytics_summary.json", summary_subscription_row),
    # activities: what they did, as Activity Streams; the webhooks they registered
    PersonalData("activities.Activity", "actor", "activities.json", activity_row),
    PersonalData("activities.WebhookEndpoint", "owner", "webhooks.json", webhook_row, select=("community",)),
    # api
    PersonalData("api.ApiToken", "user", "api_tokens.json", api_token_row),
    # OAuth (django-oauth-toolkit): the apps a person allowed, through the Mastodon client API
    PersonalData(
        "oauth2_provider.AccessToken",
        "user",
        "authorised_apps.json",
        authorised_app_row,
        select=("application",),
    ),
    PersonalData(
        "oauth2_provider.Application",
        "user",
        reason="an app's registration: apps register themselves, without a person; its tokens are in "
        "authorised_apps.json",
    ),
    *(
        PersonalData(f"oauth2_provider.{name}", "user", reason=OAUTH_TECHNICAL)
        for name in ("Grant", "RefreshToken", "IDToken", "DeviceGrant")
    ),
    PersonalData(
        "mastodon.Marker",
        "user",
        reason="where the person's Mastodon apps stopped reading (a post or notification id): technical",
    ),
    # ldap
    PersonalData("ldap.SyncRun", "requested_by", reason=TECHNICAL),
    PersonalData(
        "ldap.DirectoryPhoto",
        "user",
        reason="a fingerprint of the directory's photo, to store it only when it changes; the photo is in "
        "files/photo.*",
    ),
    # scim
    PersonalData("scim.ScimToken", "created_by", reason=TECHNICAL),
    PersonalData(
        "scim.ScimUser",
        "user",
        reason="the identity provider's userName and employee number for the person, and when their "
        "record last changed: the company's directory holds them",
    ),
    # Django's admin: Ruche's daily administration has its own pages and log (AdminLogEntry)
    PersonalData("admin.LogEntry", "user", reason=TECHNICAL),
    # privacy: the exports themselves
    PersonalData("privacy.DataExport", "user", reason="the export itself: shown on the My data page"),
)

NOT_EXPORTED = {entry.key: entry.reason for entry in PERSONAL_DATA if not entry.exported}


def entries() -> tuple[PersonalData, ...]:
    return PERSONAL_DATA


def entry(label: str, field_name: str) -> PersonalData:
    for candidate in PERSONAL_DATA:
        if candidate.key == (label, field_name):
            return candidate
    raise LookupError(f"{label}.{field_name} is not in the personal data registry")


__all__ = ["NOT_EXPORTED", "PERSONAL_DATA", "PersonalData", "entries", "entry"]
