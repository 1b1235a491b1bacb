"""Who is a member: joining, leaving, requests, invitations, roles, and the directory rules."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ruche.accounts.models import User
from ruche.communities import policies
from ruche.communities.events import MemberAdded, MemberRemoved, notify
from ruche.communities.models import (
    AutoMembershipRule,
    Community,
    Departure,
    Invitation,
    JoinRequest,
    Membership,
)
from ruche.communities.selectors import role_of
from ruche.communities.services.audit import atomic, audit, refuse
from ruche.core.events import publish

Role = Membership.Role


def _add_member(
    community: Community, user: User, role: str = Role.MEMBER, by_rule: bool = False
) -> Membership:
    membership, created = Membership.objects.get_or_create(
        community=community, user=user, defaults={"role": role, "by_rule": by_rule}
    )
    if created:
        Community.objects.filter(pk=community.pk).update(member_count=F("member_count") + 1)
        Invitation.objects.filter(community=community, user=user).delete()
        publish(MemberAdded(community_id=community.pk, user_id=user.pk))
    return membership


def _remove_member(community: Community, user: User) -> bool:
    deleted, _rows = Membership.objects.filter(community=community, user=user).delete()
    if deleted:
        Community.objects.filter(pk=community.pk).update(member_count=F("member_count") - 1)
        publish(MemberRemoved(community_id=community.pk, user_id=user.pk))
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
        notify(manager, "join_request", user, community, key=f"join_request:{request.pk}")
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
    notify(request.user, kind, by, community, key=f"join_request:{request.pk}")
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
    notify(user, "community_invitation", by, community, key=f"invitation:{invitation.pk}")
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


def member_counts_refresh() -> None:
    """Repair the denormalised member counts (a maintenance safety net)."""
    seats = Q(memberships__user__is_bot=False)  # an integration's seat (ruche.integrations) is not counted
    for community in Community.objects.annotate(n=Count("memberships", filter=seats)):
        if community.member_count != community.n:
            Community.objects.filter(pk=community.pk).update(member_count=community.n)
