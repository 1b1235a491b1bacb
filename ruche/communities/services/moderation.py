"""Posts in communities: where a post may go, pre-moderation, hiding, pinning, activity."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ruche.accounts.models import User
from ruche.communities import policies
from ruche.communities.events import PlacementApproved, ReplyApproved, notify
from ruche.communities.models import Community, Membership, Placement, Report
from ruche.communities.selectors import role_of
from ruche.communities.services.audit import atomic, audit, refuse
from ruche.core.events import publish
from ruche.posts.events import PostVisibilityChanged


def placements_for(*, author: User, communities) -> list[tuple[Community, str]]:
    """Where a new post may go, and whether it waits for a moderator there. Refuses, audited."""
    result = []
    roles = dict(
        Membership.objects.filter(user=author, community__in=communities).values_list("community_id", "role")
    )
    for community in communities:
        role = roles.get(community.pk)
        if not policies.can_post(author, community, role):
            message = (
                _("“%(name)s” is archived: nothing can be posted in it.")
                if community.is_archived
                else _("Join “%(name)s” before posting in it.")
            ) % {"name": community.name}
            raise refuse(author, "post", message, community=community)
        pending = community.premoderate_posts and role not in policies.MODERATORS
        result.append((community, Placement.Status.PENDING if pending else Placement.Status.APPROVED))
    return result


def reply_waits(*, author: User, root) -> bool:
    """Whether a reply in this thread waits for approval (a community of the post pre-moderates replies)."""
    strict = list(
        root.placements.filter(community__premoderate_replies=True).values_list("community_id", flat=True)
    )
    if not strict:
        return False
    moderating = Membership.objects.filter(user=author, community_id__in=strict, role__in=policies.MODERATORS)
    return not moderating.exists()


@atomic
def placement_decide(*, placement: Placement, by: User, approve: bool) -> Placement:
    community = placement.community
    if not policies.can_moderate(by, community, role_of(by, community)):
        raise refuse(by, "moderate", _("You do not moderate this community."), community=community,
                     post=placement.post)  # fmt: skip
    if placement.status != Placement.Status.PENDING:
        raise ValidationError(_("This post was already decided."))
    placement.status = Placement.Status.APPROVED if approve else Placement.Status.REJECTED
    placement.decided_by = by
    placement.save(update_fields=["status", "decided_by"])
    post = placement.post
    audit(
        by, "post_approve" if approve else "post_reject", community=community, post=post, target=post.author
    )
    if approve:
        before = set(post.mentions.values_list("pk", flat=True))  # already told when it was published
        new = tuple(pk for pk in _resolve_mentions(post) if pk not in before)
        publish(PlacementApproved(post=post, new_mention_ids=new))
    kind = "post_approved" if approve else "post_rejected"
    notify(post.author, kind, by, community, post=post, key=f"placement:{placement.pk}")
    return placement


@atomic
def reply_decide(*, reply, by: User, approve: bool) -> None:
    community = policies.moderated_community(by, reply)
    if community is None:
        raise refuse(by, "moderate", _("You do not moderate this conversation."), post=reply)
    if approve:
        type(reply).objects.filter(pk=reply.pk).update(awaiting_approval=False)
        reply.awaiting_approval = False
        publish(ReplyApproved(reply=reply, mentioned_ids=tuple(_resolve_mentions(reply))))
    else:
        type(reply).objects.filter(pk=reply.pk).update(deleted_at=timezone.now())
        type(reply).objects.filter(pk=reply.parent_id).update(reply_count=F("reply_count") - 1)
    publish(PostVisibilityChanged(post=reply))
    audit(
        by,
        "reply_approve" if approve else "reply_reject",
        community=community,
        post=reply,
        target=reply.author,
    )


def _resolve_mentions(post) -> list[int]:
    """Once approved, resolve the mentions again: when written, the post was the author's alone, so
    nobody could be mentioned in it. Returns the ids of the people it mentions now."""
    from ruche.posts.services import _render

    rendered = _render(post, post.body)
    post.body_html = rendered.html
    post.save(update_fields=["body_html"])
    post.mentions.set(rendered.mentioned)
    return [user.pk for user in rendered.mentioned]


@atomic
def post_hide(*, post, by: User, reason: str, hide: bool = True):
    reason = reason.strip()
    if hide and not reason:
        raise ValidationError({"reason": _("Say why: the author will be told.")})
    if not policies.can_moderate_post(by, post):
        raise refuse(by, "hide", _("You do not moderate this post."), post=post)
    post.hidden_at = timezone.now() if hide else None
    post.hidden_by = by if hide else None
    post.hidden_reason = reason[:500] if hide else ""
    post.save(update_fields=["hidden_at", "hidden_by", "hidden_reason"])
    publish(PostVisibilityChanged(post=post))
    community = policies.moderated_community(by, post)
    entry = audit(
        by, "hide" if hide else "restore", community=community, post=post, target=post.author, detail=reason
    )
    Report.objects.filter(post=post, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=by
    )
    kind = "post_hidden" if hide else "post_restored"
    notify(post.author, kind, by, community, post=post, detail=reason, key=f"audit:{entry.pk}")
    return post


@atomic
def placement_pin(*, placement: Placement, by: User, pin: bool = True) -> Placement:
    community = placement.community
    if not policies.can_moderate(by, community, role_of(by, community)):
        raise refuse(by, "pin", _("Only moderators pin posts."), community=community, post=placement.post)
    placement.pinned_at = timezone.now() if pin else None
    placement.save(update_fields=["pinned_at"])
    audit(by, "pin" if pin else "unpin", community=community, post=placement.post)
    return placement


HEALTH_EVERY = timedelta(minutes=10)


def touch(communities) -> None:
    """Note activity (the directory sorts by it; admins find the dead ones by its absence)."""
    ids = [c.pk for c in communities]
    if not ids:
        return
    Community.objects.filter(pk__in=ids).update(last_activity_at=timezone.now())
    # Health is rolled up at most every HEALTH_EVERY per community, after commit, by the worker.
    from ruche.communities.models import CommunityStats
    from ruche.communities.tasks import refresh_health

    fresh = set(
        CommunityStats.objects.filter(
            community_id__in=ids, computed_at__gte=timezone.now() - HEALTH_EVERY
        ).values_list("community_id", flat=True)
    )
    for community_id in set(ids) - fresh:
        refresh_health.enqueue(community_id=community_id)
