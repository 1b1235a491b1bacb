"""Writes on communities: create, join, requests, invitations, roles, rules, moderation, archive.

Refused attempts that are permission matters are written to the audit log before the refusal.
"""

import functools
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ruche.accounts.models import User
from ruche.communities import policies
from ruche.communities.models import (
    AuditEntry,
    AutoMembershipRule,
    Community,
    CommunitySettings,
    Departure,
    Invitation,
    JoinRequest,
    Membership,
    Placement,
    Report,
)
from ruche.communities.selectors import role_of
from ruche.search.documents import Kind as SearchKind
from ruche.search.tasks import reindex_later, reindex_post_later

Role = Membership.Role
Visibility = Community.Visibility
COMPANY_WIDE_SLUG = "toute-l-entreprise"


def audit(actor, action: str, *, community=None, target=None, post=None, detail: str = "") -> AuditEntry:
    AuditEntry.Action(action)  # a code without a label would show raw in the log: refuse it here
    return AuditEntry.objects.create(
        actor=actor, action=action, community=community, target=target, post=post, detail=detail[:500]
    )


class Refused(PermissionDenied):
    """A refused attempt. Its audit entry is written at once, and written again by `atomic` below
    when the rollback of the refused service took it away (a savepoint is not a transaction of its own).
    A caller that wraps services in its own transaction calls `record()` after its rollback too."""

    def __init__(self, message: str, entry: dict):
        super().__init__(message)
        self.entry = entry
        self.entry_id: int | None = None

    def record(self) -> None:
        if self.entry_id is None or not AuditEntry.objects.filter(pk=self.entry_id).exists():
            self.entry_id = AuditEntry.objects.create(**self.entry).pk


def refuse(actor, action: str, message: str, **where) -> Refused:
    """Record a refused attempt in the audit log, then refuse (raise what this returns)."""
    AuditEntry.Action(action)
    refusal = Refused(
        message, {"actor": actor, "action": f"refused:{action}", "detail": str(message)[:500], **where}
    )
    refusal.record()
    return refusal


def atomic(func):
    """transaction.atomic, and the refusals it rolled back are written again: they stay in the log."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            with transaction.atomic():
                return func(*args, **kwargs)
        except Refused as refusal:
            refusal.record()
            raise

    return wrapper


def _check_private_quota(by: User | None, visibility: str, changing: Community | None = None) -> None:
    """`by` is the creator whose quota is charged; `changing`, a community that would become closed."""
    if visibility == Visibility.PUBLIC:
        return
    rules = CommunitySettings.current()
    closed = [Visibility.PRIVATE, Visibility.SECRET]
    others = Community.objects.filter(archived_at__isnull=True).exclude(pk=changing.pk if changing else None)
    total = others.count() + 1
    private = others.filter(visibility__in=closed).count() + 1
    if private * 100 > rules.private_share_max * total and total > 1:
        raise ValidationError(
            {"visibility": _(
                "Private and secret communities are limited to %(max)d%% of all communities, so that "
                "information stays shared; this one would bring them to %(share)d%%. Make it public, "
                "or ask an administrator."
            ) % {"max": rules.private_share_max, "share": round(private * 100 / total)}}
        )  # fmt: skip
    mine = others.filter(created_by=by, visibility__in=closed).count() if by is not None else 0
    if rules.private_per_creator_max and mine >= rules.private_per_creator_max:
        raise ValidationError(
            {"visibility": _(
                "You already created %(n)d private or secret communities, the most allowed per person. "
                "Make this one public, or archive one of yours."
            ) % {"n": mine}}
        )  # fmt: skip


RESERVED_SLUGS = {"new", "admin", "reports"}  # they are pages under /communities/


def _unique_slug(name: str) -> str:
    slug = slugify(name)[:80] or "communaute"
    if slug in RESERVED_SLUGS or Community.objects.filter(slug=slug).exists():
        raise ValidationError({"name": _("A community with this name already exists.")})
    return slug


@atomic
def community_create(
    *,
    by: User,
    name: str,
    description: str = "",
    kind: str = Community.Kind.WORK,
    visibility: str = Visibility.PUBLIC,
    premoderate_posts: bool = False,
    premoderate_replies: bool = False,
) -> Community:
    """Create a community (or, under the 'request' policy, ask an admin for one). The creator owns it."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Give the community a name.")})
    if visibility not in Visibility.values or kind not in Community.Kind.values:
        raise ValidationError({"visibility": _("Choose a valid visibility and kind.")})
    approved = policies.can_create(by)
    if not approved and not policies.can_request_creation(by):
        raise refuse(by, "community_create", _("You are not allowed to create communities."))
    _check_private_quota(by, visibility)
    community = Community.objects.create(
        name=name[:80],
        slug=_unique_slug(name),
        description=description.strip(),
        kind=kind,
        visibility=visibility,
        premoderate_posts=premoderate_posts,
        premoderate_replies=premoderate_replies,
        created_by=by,
        approved=approved,
        last_activity_at=timezone.now(),
    )
    _add_member(community, by, Role.OWNER)
    reindex_later(SearchKind.COMMUNITY, [community.pk])
    audit(by, "community_create" if approved else "community_request", community=community)
    return community


@atomic
def community_approve_creation(*, community: Community, by: User, approve: bool) -> Community | None:
    if not policies.can_approve_creation(by):
        raise refuse(
            by, "community_approve", _("Only administrators approve new communities."), community=community
        )
    if community.approved:
        raise ValidationError(_("This community was already approved."))
    reindex_later(SearchKind.COMMUNITY, [community.pk])  # found once approved, gone if declined
    if approve:
        community.approved = True
        community.save(update_fields=["approved"])
        audit(by, "community_approve", community=community, target=community.created_by)
        _notify(community.created_by, "community_approved", by, community, key=f"community:{community.pk}")
        return community
    audit(by, "community_decline", community=community, target=community.created_by, detail=community.name)
    _notify(community.created_by, "community_declined", by, None, key=f"community:{community.pk}")
    community.delete()
    return None


@atomic
def community_update(*, community: Community, by: User, **fields) -> Community:
    role = role_of(by, community)
    if not policies.can_manage(by, community, role):
        raise refuse(
            by, "community_update", _("Only the community's animators can change it."), community=community
        )
    allowed = {"description", "kind", "premoderate_posts", "premoderate_replies", "visibility", "name"}
    if "visibility" in fields and community.visibility == Visibility.PUBLIC:
        _check_private_quota(community.created_by, fields["visibility"], changing=community)
    if "name" in fields and fields["name"] != community.name:
        name = " ".join(fields["name"].split())
        if not name:
            raise ValidationError({"name": _("Give the community a name.")})
        slug = slugify(name)[:80]
        if Community.objects.filter(slug=slug).exclude(pk=community.pk).exists():
            raise ValidationError({"name": _("A community with this name already exists.")})
        fields["name"] = name
    for key, value in fields.items():
        if key not in allowed:
            raise TypeError(key)
        setattr(community, key, value)
    community.save()
    reindex_later(SearchKind.COMMUNITY, [community.pk])
    audit(by, "community_update", community=community, detail=", ".join(sorted(fields)))
    return community


def _add_member(
    community: Community, user: User, role: str = Role.MEMBER, by_rule: bool = False
) -> Membership:
    membership, created = Membership.objects.get_or_create(
        community=community, user=user, defaults={"role": role, "by_rule": by_rule}
    )
    if created:
        Community.objects.filter(pk=community.pk).update(member_count=F("member_count") + 1)
        Invitation.objects.filter(community=community, user=user).delete()
        from ruche.feed.tasks import backfill_community

        backfill_community.enqueue(user_id=user.pk, community_id=community.pk)
    return membership


def _remove_member(community: Community, user: User) -> bool:
    deleted, _rows = Membership.objects.filter(community=community, user=user).delete()
    if deleted:
        Community.objects.filter(pk=community.pk).update(member_count=F("member_count") - 1)
        from ruche.feed.tasks import forget_community

        forget_community.enqueue(user_id=user.pk, community_id=community.pk)
    return bool(deleted)


@atomic
def community_join(*, community: Community, user: User) -> Membership:
    role = role_of(user, community)
    if role is not None:
        return Membership.objects.get(community=community, user=user)
    if not policies.can_join(user, community, role):
        raise refuse(user, "join", _("This community cannot be joined directly."), community=community)
    membership = _add_member(community, user)
    audit(user, "join", community=community)
    return membership


@atomic
def community_leave(*, community: Community, user: User, reason: str = "") -> None:
    role = role_of(user, community)
    if not policies.can_leave(user, community, role):
        raise PermissionDenied(_("You cannot leave this community."))
    if role == Role.OWNER and _owner_count(community) == 1:
        raise ValidationError(_("You are the last owner: name another owner before leaving."))
    _remove_member(community, user)
    Departure.objects.create(community=community, user=user, reason=reason.strip()[:500])
    audit(user, "leave", community=community, detail=reason)


def _owner_count(community: Community) -> int:
    return community.memberships.filter(role=Role.OWNER).count()


@atomic
def join_request_create(*, community: Community, user: User, message: str = "") -> JoinRequest:
    role = role_of(user, community)
    if not policies.can_request_to_join(user, community, role):
        raise refuse(user, "join_request", _("You cannot ask to join this community."), community=community)
    existing = community.join_requests.filter(user=user, status=JoinRequest.Status.PENDING).first()
    if existing:
        return existing
    request = JoinRequest.objects.create(community=community, user=user, message=message.strip()[:500])
    audit(user, "join_request", community=community)
    managers = User.objects.filter(
        memberships__community=community, memberships__role__in=policies.MANAGERS, is_active=True
    )
    for manager in managers:
        _notify(manager, "join_request", user, community, key=f"join_request:{request.pk}")
    return request


@atomic
def join_request_decide(*, request: JoinRequest, by: User, approve: bool) -> JoinRequest:
    community = request.community
    if request.user_id == by.pk:
        raise refuse(by, "join_decide", _("You cannot decide on your own request."), community=community)
    if not policies.can_manage(by, community, role_of(by, community)):
        raise refuse(
            by, "join_decide", _("Only the community's animators decide on requests."), community=community
        )
    if request.status != JoinRequest.Status.PENDING:
        raise ValidationError(_("This request was already decided."))
    request.status = JoinRequest.Status.APPROVED if approve else JoinRequest.Status.DECLINED
    request.decided_at, request.decided_by = timezone.now(), by
    request.save(update_fields=["status", "decided_at", "decided_by"])
    if approve:
        _add_member(community, request.user)
    audit(by, "join_approve" if approve else "join_decline", community=community, target=request.user)
    kind = "join_approved" if approve else "join_declined"
    _notify(request.user, kind, by, community, key=f"join_request:{request.pk}")
    return request


@atomic
def community_invite(*, community: Community, by: User, user: User) -> Invitation | None:
    if not policies.can_manage(by, community, role_of(by, community)):
        raise refuse(by, "invite", _("Only the community's animators can invite."), community=community)
    if not user.is_active or role_of(user, community) is not None:
        return None
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(community=community, user=user, invited_by=by)
    except IntegrityError:
        return None
    audit(by, "invite", community=community, target=user)
    _notify(user, "community_invitation", by, community, key=f"invitation:{invitation.pk}")
    return invitation


@atomic
def invitation_answer(*, invitation: Invitation, user: User, accept: bool) -> Membership | None:
    if invitation.user_id != user.pk:
        raise PermissionDenied
    community = invitation.community
    invitation.delete()
    if not accept:
        audit(user, "invitation_decline", community=community)
        return None
    audit(user, "invitation_accept", community=community)
    return _add_member(community, user)


@atomic
def member_remove(*, community: Community, by: User, user: User) -> None:
    role = role_of(user, community)
    by_role = role_of(by, community)
    if not policies.can_manage(by, community, by_role):
        raise refuse(by, "remove_member", _("Only the community's animators can remove members."),
                     community=community, target=user)  # fmt: skip
    if not policies.can_remove_member(by, community, by_role, target_role=role):
        raise refuse(by, "remove_member", _("Only an owner can remove an owner."),
                     community=community, target=user)  # fmt: skip
    if role == Role.OWNER and _owner_count(community) == 1:
        raise ValidationError(_("The last owner cannot be removed: name another owner first."))
    if _remove_member(community, user):
        audit(by, "remove_member", community=community, target=user)


@atomic
def member_set_role(*, community: Community, by: User, user: User, role: str) -> Membership:
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    by_role = role_of(by, community)
    if not policies.can_manage(by, community, by_role):
        raise refuse(by, "set_role", _("Only the community's animators can change roles."),
                     community=community, target=user)  # fmt: skip
    membership = Membership.objects.filter(community=community, user=user).first()
    if membership is None:
        raise ValidationError(_("This person is not a member."))
    if not policies.can_change_role(by, community, by_role, target_role=membership.role, new_role=role):
        raise refuse(by, "set_role", _("Only an owner can make someone an owner or change an owner's role."),
                     community=community, target=user)  # fmt: skip
    if membership.role == Role.OWNER and role != Role.OWNER and _owner_count(community) == 1:
        raise ValidationError(_("The last owner cannot step down: name another owner first."))
    membership.role = role
    membership.save(update_fields=["role"])
    audit(by, "set_role", community=community, target=user, detail=role)
    return membership


@atomic
def community_archive(*, community: Community, by: User, archive: bool = True) -> Community:
    if community.is_company_wide or not policies.can_manage(by, community, role_of(by, community)):
        raise refuse(by, "archive", _("You cannot archive this community."), community=community)
    community.archived_at = timezone.now() if archive else None
    community.save(update_fields=["archived_at"])
    reindex_later(SearchKind.COMMUNITY, [community.pk])
    audit(by, "archive" if archive else "restore", community=community)
    return community


# Directory rules -------------------------------------------------------------------------------


@atomic
def rule_add(*, community: Community, by: User, department=None, site=None) -> AutoMembershipRule:
    if not policies.can_manage(by, community, role_of(by, community)):
        raise refuse(by, "rule_add", _("Only the community's animators can add rules."), community=community)
    if department is None and site is None:
        raise ValidationError(_("Choose a department, a site, or both."))
    rule = AutoMembershipRule.objects.create(community=community, department=department, site=site)
    audit(by, "rule_add", community=community, detail=f"{department or ''} {site or ''}".strip())
    rules_apply(community)
    return rule


@atomic
def rule_remove(*, rule: AutoMembershipRule, by: User) -> None:
    community = rule.community
    if not policies.can_manage(by, community, role_of(by, community)):
        raise refuse(
            by, "rule_remove", _("Only the community's animators can remove rules."), community=community
        )
    rule.delete()
    audit(by, "rule_remove", community=community)
    rules_apply(community)


def _rule_q(community: Community) -> Q | None:
    if community.is_company_wide:
        return Q()
    condition = None
    for rule in community.rules.all():
        part = Q()
        if rule.department_id:
            part &= Q(profile__department_id=rule.department_id)
        if rule.site_id:
            part &= Q(profile__site_id=rule.site_id)
        condition = part if condition is None else condition | part
    return condition


def rules_apply(community: Community) -> tuple[int, int]:
    """Add the people the rules match, remove those added by a rule who no longer match."""
    condition = _rule_q(community)
    matching = set(
        User.objects.filter(condition, is_active=True).values_list("pk", flat=True)
        if condition is not None
        else []
    )
    current = {user_id: (by_rule, role) for user_id, by_rule, role in
               community.memberships.values_list("user_id", "by_rule", "role")}  # fmt: skip
    added = removed = 0
    for user in User.objects.filter(pk__in=matching - set(current)):
        _add_member(community, user, by_rule=True)
        added += 1
    for user_id, (by_rule, role) in current.items():
        if _rule_may_remove(by_rule, role) and user_id not in matching:
            _remove_member(community, User(pk=user_id))
            removed += 1
    return added, removed


def _rule_may_remove(by_rule: bool, role: str) -> bool:
    """A rule takes away only what it gave: a plain membership. Someone given a role since (owner,
    animator, moderator) was chosen by people, so stays (and an owner, above all the last one)."""
    return by_rule and role == Role.MEMBER


def rules_apply_to_user(user: User) -> None:
    """After a directory change (department, site, new person): fix this person's rule memberships."""
    ruled = Community.objects.filter(Q(rules__isnull=False) | Q(is_company_wide=True)).distinct()
    for community in ruled:
        condition = _rule_q(community)
        matches = (
            condition is not None and user.is_active and User.objects.filter(condition, pk=user.pk).exists()
        )
        membership = Membership.objects.filter(community=community, user=user).first()
        if matches and membership is None:
            _add_member(community, user, by_rule=True)
        elif not matches and membership is not None and _rule_may_remove(membership.by_rule, membership.role):
            _remove_member(community, user)


def company_wide_community() -> Community:
    """'Toute l'entreprise': everyone is a member, the default audience for company-wide posts."""
    community = Community.objects.filter(is_company_wide=True).first()
    if community is None:
        community = Community.objects.create(
            name="Toute l'entreprise",
            slug=COMPANY_WIDE_SLUG,
            description=_("Everyone in the company. News and announcements for all."),
            is_company_wide=True,
            last_activity_at=timezone.now(),
        )
        rules_apply(community)
    return community


# Posts in communities and moderation -----------------------------------------------------------


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
        from ruche.feed.tasks import fan_out_post
        from ruche.notifications.tasks import notify_new_post

        fan_out_post.enqueue(post_id=post.pk)
        before = set(post.mentions.values_list("pk", flat=True))  # already told when it was published
        new = [pk for pk in _resolve_mentions(post) if pk not in before]
        notify_new_post.enqueue(post_id=post.pk, mentioned_ids=new)
    kind = "post_approved" if approve else "post_rejected"
    _notify(post.author, kind, by, community, post=post, key=f"placement:{placement.pk}")
    return placement


@atomic
def reply_decide(*, reply, by: User, approve: bool) -> None:
    community = policies.moderated_community(by, reply)
    if community is None:
        raise refuse(by, "moderate", _("You do not moderate this conversation."), post=reply)
    if approve:
        type(reply).objects.filter(pk=reply.pk).update(awaiting_approval=False)
        reply.awaiting_approval = False
        from ruche.notifications.tasks import notify_new_post

        notify_new_post.enqueue(post_id=reply.pk, mentioned_ids=_resolve_mentions(reply))
    else:
        type(reply).objects.filter(pk=reply.pk).update(deleted_at=timezone.now())
        type(reply).objects.filter(pk=reply.parent_id).update(reply_count=F("reply_count") - 1)
    reindex_post_later(reply)
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

    post.body_html, mentioned, _tags = _render(post, post.body)
    post.save(update_fields=["body_html"])
    post.mentions.set(mentioned)
    return [user.pk for user in mentioned]


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
    reindex_post_later(post)
    community = policies.moderated_community(by, post)
    entry = audit(
        by, "hide" if hide else "restore", community=community, post=post, target=post.author, detail=reason
    )
    Report.objects.filter(post=post, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=by
    )
    kind = "post_hidden" if hide else "post_restored"
    _notify(post.author, kind, by, community, post=post, detail=reason, key=f"audit:{entry.pk}")
    return post


@atomic
def report_create(*, by: User, reason: str, post=None, person: User | None = None) -> Report:
    """Flag a post, a reply or a person. The report goes to the community's moderators and admins."""
    from ruche.posts.policies import can_view_post

    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say what is wrong, so moderators can act.")})
    if post is not None and not can_view_post(by, post):
        raise PermissionDenied
    community = None
    if post is not None:
        root = post.parent or post
        placement = root.placements.select_related("community").first()
        community = placement.community if placement else None
    report = Report.objects.create(
        reporter=by, post=post, person=person, community=community, reason=reason[:500]
    )
    audit(
        by,
        "report",
        community=community,
        post=post,
        target=person or (post.author if post else None),
        detail=reason,
    )
    return report


@atomic
def report_dismiss(*, report: Report, by: User) -> Report:
    community = report.community
    from ruche.accounts.policies import is_admin

    if not (is_admin(by) or (community and policies.can_moderate(by, community, role_of(by, community)))):
        raise refuse(by, "report_dismiss", _("You do not moderate this report."), community=community)
    report.resolved_at, report.resolved_by = timezone.now(), by
    report.save(update_fields=["resolved_at", "resolved_by"])
    audit(by, "report_dismiss", community=community, post=report.post, target=report.person)
    return report


@atomic
def placement_pin(*, placement: Placement, by: User, pin: bool = True) -> Placement:
    community = placement.community
    if not policies.can_moderate(by, community, role_of(by, community)):
        raise refuse(by, "pin", _("Only moderators pin posts."), community=community, post=placement.post)
    placement.pinned_at = timezone.now() if pin else None
    placement.save(update_fields=["pinned_at"])
    audit(by, "pin" if pin else "unpin", community=community, post=placement.post)
    return placement


def _notify(recipient, kind: str, actor, community, *, key: str, post=None, detail: str = "") -> None:
    """Tell someone of a decision, after commit. `key` names it (the request, the invitation, the
    audit entry...): a task run twice tells it once, and a new decision is new news."""
    from ruche.notifications.tasks import notify_community

    if recipient is None:
        return
    notify_community.enqueue(
        recipient_id=recipient.pk,
        kind=kind,
        actor_id=actor.pk,
        community_id=community.pk if community else None,
        post_id=post.pk if post else None,
        detail=detail,
        key=key,
    )


def member_counts_refresh() -> None:
    """Repair the denormalised member counts (a maintenance safety net)."""
    for community in Community.objects.annotate(n=Count("memberships")):
        if community.member_count != community.n:
            Community.objects.filter(pk=community.pk).update(member_count=community.n)


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
