"""Who may do what in a community: one table, read by the tests below."""

import pytest
from django.utils import timezone

from ruche.communities import policies, selectors
from ruche.communities.models import Community, CommunitySettings, Invitation, Membership

pytestmark = pytest.mark.django_db

Role = Membership.Role
Visibility = Community.Visibility
Creation = CommunitySettings.Creation

ACTIONS = ("see_community", "read", "join", "request_to_join", "post", "moderate", "manage", "leave")
VIEWERS = ("owner", "animator", "moderator", "member", "colleague", "invited", "admin", "deactivated")

# One row per viewer, one letter per action, in the order of ACTIONS (Y: allowed, .: refused).
#                                    see read join req post mod manage leave
EXPECTED = {
    Visibility.PUBLIC: {
        "owner": "YY..YYYY",
        "animator": "YY..YYYY",
        "moderator": "YY..YY.Y",
        "member": "YY..Y..Y",
        "colleague": "YYY.....",
        "invited": "YYY.....",
        "admin": "YYY..YY.",
        "deactivated": "........",
    },
    Visibility.PRIVATE: {
        "owner": "YY..YYYY",
        "animator": "YY..YYYY",
        "moderator": "YY..YY.Y",
        "member": "YY..Y..Y",
        "colleague": "Y..Y....",
        "invited": "Y..Y....",
        "admin": "Y..Y.YY.",  # admins moderate everywhere but read only where they belong
        "deactivated": "........",
    },
    Visibility.SECRET: {
        "owner": "YY..YYYY",
        "animator": "YY..YYYY",
        "moderator": "YY..YY.Y",
        "member": "YY..Y..Y",
        "colleague": "........",  # does not even know it exists
        "invited": "Y.......",  # sees the invitation's community, nothing inside
        "admin": "Y....YY.",
        "deactivated": "........",
    },
}


def _answers(user, community) -> dict[str, bool]:
    """Every policy, asked the way the pages ask it: role and invitation looked up once."""
    role = selectors.role_of(user, community)
    invited = selectors.is_invited(user, community)
    return {
        "see_community": policies.can_see_community(user, community, role, invited=invited),
        "read": policies.can_read(user, community, role),
        "join": policies.can_join(user, community, role),
        "request_to_join": policies.can_request_to_join(user, community, role),
        "post": policies.can_post(user, community, role),
        "moderate": policies.can_moderate(user, community, role),
        "manage": policies.can_manage(user, community, role),
        "leave": policies.can_leave(user, community, role),
    }


def _expected(row: str) -> dict[str, bool]:
    assert len(row) == len(ACTIONS)
    return {action: letter == "Y" for action, letter in zip(ACTIONS, row, strict=True)}


@pytest.fixture
def cast(make_user, make_community):
    """A community of each visibility and one person per kind of viewer."""

    def build(visibility: str):
        people = {
            "owner": make_user("Olivia", "Owner"),
            "animator": make_user("Anna", "Animator"),
            "moderator": make_user("Marc", "Moderator"),
            "member": make_user("Mia", "Member"),
            "colleague": make_user("Colin", "Colleague"),
            "invited": make_user("Ines", "Invited"),
            "admin": make_user("Ada", "Admin", staff=True),
            "deactivated": make_user("Denis", "Departed"),
        }
        community = make_community(
            "Projet Alpha",
            visibility=visibility,
            owner=people["owner"],
            animators=[people["animator"]],
            moderators=[people["moderator"]],
            members=[people["member"], people["deactivated"]],
        )
        Invitation.objects.create(community=community, user=people["invited"], invited_by=people["owner"])
        people["deactivated"].is_active = False
        people["deactivated"].save(update_fields=["is_active"])
        return community, people

    return build


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize("visibility", list(EXPECTED))
def test_who_may_do_what(cast, visibility, viewer):
    community, people = cast(visibility)
    assert _answers(people[viewer], community) == _expected(EXPECTED[visibility][viewer])


def test_the_table_covers_every_visibility_and_viewer():
    assert set(EXPECTED) == set(Visibility.values)
    for rows in EXPECTED.values():
        assert tuple(rows) == VIEWERS


@pytest.mark.parametrize("visibility", [Visibility.PUBLIC, Visibility.PRIVATE])
def test_archived_community_is_read_only(cast, visibility):
    community, people = cast(visibility)
    community.archived_at = timezone.now()
    community.save(update_fields=["archived_at"])
    for viewer in ("owner", "animator", "moderator", "member"):
        answers = _answers(people[viewer], community)
        assert answers["read"] and not answers["post"], viewer
    colleague = _answers(people["colleague"], community)
    assert not colleague["join"] and not colleague["request_to_join"]
    assert colleague["see_community"]


def test_a_community_waiting_for_approval_is_known_to_its_creator_and_admins_only(cast):
    community, people = cast(Visibility.PUBLIC)
    community.approved = False
    community.save(update_fields=["approved"])
    assert _answers(people["owner"], community)["see_community"]
    assert _answers(people["admin"], community)["see_community"]
    for viewer in ("member", "colleague", "invited"):
        answers = _answers(people[viewer], community)
        assert not answers["see_community"] and not answers["join"] and not answers["post"], viewer
    assert not _answers(people["owner"], community)["post"]


def test_nobody_leaves_the_company_wide_community(make_user, make_community):
    mia = make_user("Mia", "Member")
    community = make_community("Toute l'entreprise", members=[mia], is_company_wide=True)
    assert not policies.can_leave(mia, community, Role.MEMBER)
    assert policies.can_post(mia, community, Role.MEMBER)


# Creation policy × kind of person: (may create outright, may ask an admin for one).
CREATION = {
    Creation.EVERYONE: {"colleague": (True, False), "animator": (True, False), "admin": (True, False)},
    Creation.ANIMATORS: {"colleague": (False, False), "animator": (True, False), "admin": (True, False)},
    Creation.REQUEST: {"colleague": (False, True), "animator": (False, True), "admin": (True, True)},
}


@pytest.mark.parametrize("kind", ["colleague", "animator", "admin", "deactivated"])
@pytest.mark.parametrize("policy", list(CREATION))
def test_creation_policy(make_user, governance, policy, kind):
    governance.creation_policy = policy
    governance.save()
    user = make_user("Paul", "Person", staff=kind == "admin", is_animator=kind == "animator")
    if kind == "deactivated":
        user.is_active = False
        user.save(update_fields=["is_active"])
    expected = CREATION[policy].get(kind, (False, False))
    assert (policies.can_create(user), policies.can_request_creation(user)) == expected


def test_only_admins_approve_creations_and_read_the_audit_log(alice, admin):
    assert policies.can_approve_creation(admin) and policies.can_read_audit(admin)
    assert not policies.can_approve_creation(alice) and not policies.can_read_audit(alice)


# Roles: who may give which role to whom, and remove whom. Owners (and admins) alone grant, take away
# or remove the owner role; animators manage the other members; moderators and members manage nobody.
ACTORS = ("owner", "animator", "moderator", "member", "admin")
ROLES = (Role.OWNER, Role.ANIMATOR, Role.MODERATOR, Role.MEMBER)


def _may_change(actor: str, target_role: str, new_role: str) -> bool:
    if actor in ("owner", "admin"):
        return True
    return actor == "animator" and Role.OWNER not in (target_role, new_role)


def _may_remove(actor: str, target_role: str) -> bool:
    return actor in ("owner", "admin") or (actor == "animator" and target_role != Role.OWNER)


@pytest.fixture
def crew(make_user, make_community):
    """Two owners (so that the last-owner rule never decides), and one target per role."""
    people = {
        "owner": make_user("Olivia", "Owner"),
        "animator": make_user("Anna", "Animator"),
        "moderator": make_user("Marc", "Moderator"),
        "member": make_user("Mia", "Member"),
        "admin": make_user("Ada", "Admin", staff=True),
    }
    targets = {role: make_user("Target", role.capitalize()) for role in ROLES}
    community = make_community(
        "Projet Beta",
        owner=people["owner"],
        animators=[people["animator"], targets[Role.ANIMATOR]],
        moderators=[people["moderator"], targets[Role.MODERATOR]],
        members=[people["member"], targets[Role.MEMBER]],
    )
    Membership.objects.create(community=community, user=targets[Role.OWNER], role=Role.OWNER)
    return community, people, targets


@pytest.mark.parametrize("new_role", ROLES)
@pytest.mark.parametrize("target_role", ROLES)
@pytest.mark.parametrize("actor", ACTORS)
def test_who_may_change_whose_role(crew, actor, target_role, new_role):
    from django.core.exceptions import PermissionDenied

    from ruche.communities import services

    community, people, targets = crew
    by, target = people[actor], targets[target_role]
    role = selectors.role_of(by, community)
    allowed = _may_change(actor, target_role, new_role)
    assert (
        policies.can_change_role(by, community, role, target_role=target_role, new_role=new_role) is allowed
    )
    if allowed:
        services.member_set_role(community=community, by=by, user=target, role=new_role)
    else:
        with pytest.raises(PermissionDenied):
            services.member_set_role(community=community, by=by, user=target, role=new_role)
    assert selectors.role_of(target, community) == (new_role if allowed else target_role)


@pytest.mark.parametrize("target_role", ROLES)
@pytest.mark.parametrize("actor", ACTORS)
def test_who_may_remove_whom(crew, actor, target_role):
    from django.core.exceptions import PermissionDenied

    from ruche.communities import services

    community, people, targets = crew
    by, target = people[actor], targets[target_role]
    allowed = _may_remove(actor, target_role)
    role = selectors.role_of(by, community)
    assert policies.can_remove_member(by, community, role, target_role=target_role) is allowed
    if allowed:
        services.member_remove(community=community, by=by, user=target)
    else:
        with pytest.raises(PermissionDenied):
            services.member_remove(community=community, by=by, user=target)
    assert selectors.role_of(target, community) == (None if allowed else target_role)


def test_an_animator_cannot_promote_themselves_to_owner(crew):
    from django.core.exceptions import PermissionDenied

    from ruche.communities import services
    from ruche.communities.models import AuditEntry

    community, people, _targets = crew
    anna = people["animator"]
    with pytest.raises(PermissionDenied):
        services.member_set_role(community=community, by=anna, user=anna, role=Role.OWNER)
    assert selectors.role_of(anna, community) == Role.ANIMATOR
    assert AuditEntry.objects.filter(actor=anna, action="refused:set_role").count() == 1
