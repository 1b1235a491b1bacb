"""A community's life: created (or requested and approved), changed, archived; the company-wide one."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from ruche.accounts.models import User
from ruche.communities import policies
from ruche.communities.events import CommunityChanged, notify
from ruche.communities.models import Community, CommunitySettings, Membership
from ruche.communities.selectors import role_of
from ruche.communities.services.audit import atomic, audit, refuse
from ruche.communities.services.membership import _add_member, rules_apply
from ruche.core.events import publish

Role = Membership.Role
Visibility = Community.Visibility
COMPANY_WIDE_SLUG = "toute-l-entreprise"


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
    publish(CommunityChanged(community_id=community.pk))
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
    publish(CommunityChanged(community_id=community.pk))  # found once approved, gone if declined
    if approve:
        community.approved = True
        community.save(update_fields=["approved"])
        audit(by, "community_approve", community=community, target=community.created_by)
        notify(community.created_by, "community_approved", by, community, key=f"community:{community.pk}")
        return community
    audit(by, "community_decline", community=community, target=community.created_by, detail=community.name)
    notify(community.created_by, "community_declined", by, None, key=f"community:{community.pk}")
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
    publish(CommunityChanged(community_id=community.pk))
    audit(by, "community_update", community=community, detail=", ".join(sorted(fields)))
    return community


@atomic
def community_archive(*, community: Community, by: User, archive: bool = True) -> Community:
    if community.is_company_wide or not policies.can_manage(by, community, role_of(by, community)):
        raise refuse(by, "archive", _("You cannot archive this community."), community=community)
    community.archived_at = timezone.now() if archive else None
    community.save(update_fields=["archived_at"])
    publish(CommunityChanged(community_id=community.pk))
    audit(by, "archive" if archive else "restore", community=community)
    return community


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
