import pytest
from django.db.models import F

from ruche.communities.models import AuditEntry, Community, CommunitySettings, Membership

Role = Membership.Role
Visibility = Community.Visibility


@pytest.fixture
def governance(db):
    """The company-wide community settings, open enough that fixtures are not refused by quotas."""
    rules = CommunitySettings.current()
    rules.creation_policy = CommunitySettings.Creation.EVERYONE
    rules.private_share_max = 100
    rules.private_per_creator_max = 0
    rules.save()
    return rules


@pytest.fixture
def add_member(db):
    """Make someone a member with a role, keeping the denormalised member_count right."""

    def add(community: Community, user, role: str = Role.MEMBER, *, by_rule: bool = False) -> Membership:
        membership = Membership.objects.create(community=community, user=user, role=role, by_rule=by_rule)
        Community.objects.filter(pk=community.pk).update(member_count=F("member_count") + 1)
        community.refresh_from_db(fields=["member_count"])
        return membership

    return add


@pytest.fixture
def make_community(make_user, add_member, governance):
    """A community straight in the database (no policy, no quota), its owner a member.

    Extra people are given by role: make_community(members=[bruno], moderators=[...], animators=[...]).
    """

    def make(
        name: str = "Qualité",
        *,
        visibility: str = Visibility.PUBLIC,
        owner=None,
        members=(),
        moderators=(),
        animators=(),
        **fields,
    ) -> Community:
        from django.utils.text import slugify

        owner = owner or make_user("Olivia", "Owner")
        community = Community.objects.create(
            name=name, slug=slugify(name), visibility=visibility, created_by=owner, **fields
        )
        add_member(community, owner, Role.OWNER)
        for role, people in (
            (Role.ANIMATOR, animators),
            (Role.MODERATOR, moderators),
            (Role.MEMBER, members),
        ):
            for person in people:
                add_member(community, person, role)
        community.refresh_from_db()
        return community

    return make


@pytest.fixture
def counts_consistent(db):
    """Every community's member_count equals its Membership rows."""

    def check() -> None:
        for community in Community.objects.all():
            assert community.member_count == community.memberships.count(), community.name

    return check


@pytest.fixture
def audit_actions(db):
    """The audit log's actions for an actor (oldest first)."""

    def actions(actor=None) -> list[str]:
        entries = AuditEntry.objects.order_by("id")
        if actor is not None:
            entries = entries.filter(actor=actor)
        return list(entries.values_list("action", flat=True))

    return actions
