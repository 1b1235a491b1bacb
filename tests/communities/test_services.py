from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ruche.accounts.models import Department, Site
from ruche.accounts.services import profile_update
from ruche.communities import policies, selectors, services
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
from ruche.feed.models import FeedEntry
from ruche.notifications.models import Notification
from ruche.posts import services as posts
from ruche.posts.models import Post
from ruche.posts.policies import can_view_post

pytestmark = pytest.mark.django_db

Role = Membership.Role
Visibility = Community.Visibility


def snapshot() -> dict:
    """What a refused service must leave exactly as it was."""
    return {
        "communities": sorted(
            Community.objects.values_list(
                "pk", "name", "visibility", "member_count", "archived_at", "approved"
            )
        ),
        "memberships": sorted(Membership.objects.values_list("community_id", "user_id", "role", "by_rule")),
        "requests": sorted(JoinRequest.objects.values_list("pk", "status")),
        "invitations": sorted(Invitation.objects.values_list("community_id", "user_id")),
        "placements": sorted(Placement.objects.values_list("post_id", "community_id", "status", "pinned_at")),
        "posts": sorted(Post.objects.values_list("pk", "hidden_at", "deleted_at", "awaiting_approval")),
        "rules": AutoMembershipRule.objects.count(),
        "reports": sorted(Report.objects.values_list("pk", "resolved_at")),
    }


def notified(user, kind: str) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind=kind))


def refused(actor, action: str) -> AuditEntry:
    """The audit entry of a refused attempt (it must have survived the refused service's rollback)."""
    entries = AuditEntry.objects.filter(actor=actor, action=f"refused:{action}")
    assert entries.count() == 1, list(AuditEntry.objects.values_list("actor_id", "action"))
    return entries.get()


@pytest.fixture
def colin(make_user):
    return make_user("Colin", "Colleague")


@pytest.fixture
def mia(make_user):
    return make_user("Mia", "Member")


# Creation ----------------------------------------------------------------------------------------


def test_create_makes_the_creator_owner_and_is_audited(alice, governance, counts_consistent):
    community = services.community_create(
        by=alice, name="  Qualité   Usine ", description=" Nos sujets ", visibility=Visibility.PRIVATE
    )
    assert (community.name, community.slug, community.description) == (
        "Qualité Usine",
        "qualite-usine",
        "Nos sujets",
    )
    assert community.approved
    assert selectors.role_of(alice, community) == Role.OWNER
    community.refresh_from_db()
    assert community.member_count == 1
    counts_consistent()
    entry = AuditEntry.objects.get(action="community_create")
    assert (entry.actor, entry.community) == (alice, community)


@pytest.mark.parametrize("name", ["Qualité", "qualite", "QUALITÉ", "  Qualité  "])
def test_duplicate_name_is_refused_and_nothing_is_created(alice, bruno, governance, name):
    services.community_create(by=alice, name="Qualité")
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        services.community_create(by=bruno, name=name)
    assert "already exists" in error.value.message_dict["name"][0]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"name": "   "}, "name"),
        ({"name": "X", "visibility": "hidden"}, "visibility"),
        ({"name": "X", "kind": "?"}, "visibility"),
    ],
)
def test_bad_creation_input_is_refused(alice, governance, fields, key):
    with pytest.raises(ValidationError) as error:
        services.community_create(by=alice, **fields)
    assert key in error.value.message_dict
    assert Community.objects.count() == 0


def test_creation_reserved_to_animators_refuses_others_audited(alice, make_user, governance):
    governance.creation_policy = CommunitySettings.Creation.ANIMATORS
    governance.save()
    with pytest.raises(PermissionDenied) as error:
        services.community_create(by=alice, name="Qualité")
    assert "not allowed" in str(error.value)
    assert Community.objects.count() == 0 and Membership.objects.count() == 0
    assert refused(alice, "community_create").detail == str(error.value)
    animator = make_user("Anna", "Animator", is_animator=True)
    assert services.community_create(by=animator, name="Qualité").approved


def test_requested_community_waits_for_an_admin_then_is_approved(
    alice, bruno, admin, governance, side_effects
):
    governance.creation_policy = CommunitySettings.Creation.REQUEST
    governance.save()
    community = services.community_create(by=alice, name="Vélo au travail")
    assert not community.approved
    assert AuditEntry.objects.filter(action="community_request", actor=alice).exists()
    assert selectors.creation_requests() == [community]
    assert not policies.can_see_community(bruno, community, None)
    assert community not in selectors.directory(bruno)
    assert not policies.can_post(alice, community, Role.OWNER)

    with pytest.raises(PermissionDenied):
        services.community_approve_creation(community=community, by=bruno, approve=True)
    assert refused(bruno, "community_approve").community == community
    community.refresh_from_db()
    assert not community.approved

    with side_effects():
        services.community_approve_creation(community=community, by=admin, approve=True)
    community.refresh_from_db()
    assert community.approved
    assert community in selectors.directory(bruno)
    assert notified(alice, "community_approved")[0].community == community
    assert AuditEntry.objects.filter(action="community_approve", actor=admin, target=alice).exists()


def test_declined_community_request_is_deleted_and_the_creator_told(alice, admin, governance, side_effects):
    governance.creation_policy = CommunitySettings.Creation.REQUEST
    governance.save()
    community = services.community_create(by=alice, name="Vélo au travail")
    with side_effects():
        assert services.community_approve_creation(community=community, by=admin, approve=False) is None
    assert not Community.objects.exists() and not Membership.objects.exists()
    assert len(notified(alice, "community_declined")) == 1
    assert AuditEntry.objects.get(action="community_decline").detail == "Vélo au travail"


def test_an_approved_community_cannot_be_declined_away(alice, admin, make_community):
    community = make_community(owner=alice)
    before = snapshot()
    with pytest.raises(ValidationError):
        services.community_approve_creation(community=community, by=admin, approve=False)
    assert snapshot() == before


# Quota of private and secret communities ---------------------------------------------------------


def test_private_share_quota_is_refused_with_an_explanation(alice, bruno, governance, make_community):
    governance.private_share_max = 50
    governance.save()
    make_community("Ouverte")
    make_community("Fermée", visibility=Visibility.PRIVATE)
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        services.community_create(by=alice, name="Projet Alpha", visibility=Visibility.SECRET)
    message = error.value.message_dict["visibility"][0]
    assert "limited to 50%" in message and "67%" in message
    assert snapshot() == before
    services.community_create(by=alice, name="Projet Public")  # public ones are never limited
    assert services.community_create(by=alice, name="Projet Alpha", visibility=Visibility.SECRET)


def test_private_quota_per_creator(alice, bruno, governance):
    governance.private_per_creator_max = 2
    governance.save()
    first = services.community_create(by=alice, name="Un", visibility=Visibility.PRIVATE)
    services.community_create(by=alice, name="Deux", visibility=Visibility.SECRET)
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        services.community_create(by=alice, name="Trois", visibility=Visibility.PRIVATE)
    assert "already created 2" in error.value.message_dict["visibility"][0]
    assert snapshot() == before
    assert services.community_create(by=bruno, name="Trois", visibility=Visibility.PRIVATE)  # his own quota
    services.community_archive(community=first, by=alice)  # archived ones do not count
    assert services.community_create(by=alice, name="Quatre", visibility=Visibility.PRIVATE)


def test_quota_on_update_counts_the_community_once_and_its_creator(alice, admin, governance, make_community):
    governance.private_share_max = 50
    governance.private_per_creator_max = 1
    governance.save()
    make_community("Ouverte")
    closed = make_community("Fermée", visibility=Visibility.PRIVATE, owner=alice)
    # Private to secret: the share of closed communities does not change (1 of 2).
    services.community_update(community=closed, by=alice, visibility=Visibility.SECRET)
    # An admin changing alice's community: alice's quota, not the admin's.
    services.community_update(community=closed, by=admin, visibility=Visibility.PRIVATE)
    other = make_community("Autre", owner=alice)
    with pytest.raises(ValidationError):
        services.community_update(community=other, by=admin, visibility=Visibility.PRIVATE)
    other.refresh_from_db()
    assert other.visibility == Visibility.PUBLIC


# Update and archive ------------------------------------------------------------------------------


def test_update_by_an_animator_is_audited(alice, make_user, make_community):
    anna = make_user("Anna", "Animator")
    community = make_community(owner=alice, animators=[anna])
    services.community_update(community=community, by=anna, description="Nouveau", premoderate_posts=True)
    community.refresh_from_db()
    assert community.description == "Nouveau" and community.premoderate_posts
    assert AuditEntry.objects.get(action="community_update").detail == "description, premoderate_posts"


def test_update_by_a_member_or_to_a_taken_name_is_refused(alice, mia, make_community):
    community = make_community(owner=alice, members=[mia])
    make_community("Achats")
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.community_update(community=community, by=mia, description="Pris")
    assert refused(mia, "community_update").community == community
    with pytest.raises(ValidationError) as error:
        services.community_update(community=community, by=alice, name="achats")
    assert "already exists" in error.value.message_dict["name"][0]
    with pytest.raises(TypeError):
        services.community_update(community=community, by=alice, slug="x")
    assert snapshot() == before


def test_archive_makes_the_community_read_only_then_restore(alice, mia, colin, make_community):
    community = make_community(owner=alice, members=[mia])
    services.community_archive(community=community, by=alice)
    community.refresh_from_db()
    assert community.is_archived
    assert community in selectors.directory(mia, archived=True)
    assert community not in selectors.directory(mia)
    with pytest.raises(PermissionDenied) as error:
        posts.post_create(author=mia, body="Encore là ?", communities=[community])
    assert "archived" in str(error.value)
    with pytest.raises(PermissionDenied):
        services.community_join(community=community, user=colin)
    assert not Post.objects.exists()
    assert selectors.role_of(colin, community) is None

    services.community_archive(community=community, by=alice, archive=False)
    community.refresh_from_db()
    assert posts.post_create(author=mia, body="Rouvert", communities=[community])
    assert AuditEntry.objects.filter(action__in=["archive", "restore"]).count() == 2


def test_archive_by_a_member_or_of_the_company_wide_community_is_refused(alice, mia, admin, make_community):
    community = make_community(owner=alice, members=[mia])
    everyone = services.company_wide_community()
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.community_archive(community=community, by=mia)
    with pytest.raises(PermissionDenied):
        services.community_archive(community=everyone, by=admin)
    assert snapshot() == before
    assert refused(mia, "archive").community == community
    assert refused(admin, "archive").community == everyone


def test_inactive_communities_are_listed_for_archiving(make_community):
    quiet = make_community("Calme", last_activity_at=timezone.now() - timedelta(weeks=10))
    make_community("Vivante", last_activity_at=timezone.now())
    make_community(
        "Rangée", last_activity_at=timezone.now() - timedelta(weeks=10), archived_at=timezone.now()
    )
    assert selectors.inactive_communities(weeks=8) == [quiet]


# Joining and leaving ------------------------------------------------------------------------------


def test_join_a_public_community_brings_its_recent_posts(
    alice, colin, make_community, side_effects, counts_consistent
):
    community = make_community(owner=alice)
    post = posts.post_create(author=alice, body="Bienvenue", communities=[community])
    with side_effects():
        membership = services.community_join(community=community, user=colin)
    assert membership.role == Role.MEMBER and not membership.by_rule
    assert FeedEntry.objects.filter(user=colin, post=post, reason="community").exists()
    assert AuditEntry.objects.filter(action="join", actor=colin, community=community).exists()
    assert services.community_join(community=community, user=colin).pk == membership.pk  # twice: once
    counts_consistent()
    community.refresh_from_db()
    assert community.member_count == 2


@pytest.mark.parametrize("visibility", [Visibility.PRIVATE, Visibility.SECRET])
def test_joining_a_closed_community_directly_is_refused_and_audited(alice, colin, make_community, visibility):
    community = make_community(owner=alice, visibility=visibility)
    before = snapshot()
    with pytest.raises(PermissionDenied) as error:
        services.community_join(community=community, user=colin)
    assert "cannot be joined" in str(error.value)
    assert snapshot() == before
    assert refused(colin, "join").community == community


def test_leave_records_why_and_the_feed_forgets(alice, mia, make_community, side_effects, counts_consistent):
    community = make_community(owner=alice, members=[mia], visibility=Visibility.PRIVATE)
    with side_effects():
        post = posts.post_create(author=alice, body="Réservé", communities=[community])
    assert FeedEntry.objects.filter(user=mia, post=post).exists()
    with side_effects():
        services.community_leave(community=community, user=mia, reason=" Trop de messages ")
    assert selectors.role_of(mia, community) is None
    assert Departure.objects.get().reason == "Trop de messages"
    assert AuditEntry.objects.get(action="leave").detail == " Trop de messages "
    assert not FeedEntry.objects.filter(user=mia, post=post).exists()
    counts_consistent()


def test_the_last_owner_cannot_leave_but_one_of_two_can(alice, bruno, make_community):
    community = make_community(owner=alice)
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        services.community_leave(community=community, user=alice)
    assert "last owner" in error.value.messages[0]
    assert snapshot() == before
    services.member_set_role(
        community=community,
        by=alice,
        user=services.community_join(community=community, user=bruno).user,
        role=Role.OWNER,
    )
    services.community_leave(community=community, user=alice)
    assert selectors.role_of(alice, community) is None


def test_nobody_leaves_the_company_wide_community_or_a_community_they_are_not_in(
    alice, bruno, make_community
):
    everyone = services.company_wide_community()
    other = make_community(owner=alice)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.community_leave(community=everyone, user=bruno)
    with pytest.raises(PermissionDenied):
        services.community_leave(community=other, user=bruno)
    assert snapshot() == before


# Join requests ------------------------------------------------------------------------------------


@pytest.fixture
def private(alice, make_user, make_community):
    """A private community: alice owns it, Anna animates, Marc moderates, Mia is a member."""
    return make_community(
        "Projet Alpha",
        visibility=Visibility.PRIVATE,
        owner=alice,
        animators=[make_user("Anna", "Animator")],
        moderators=[make_user("Marc", "Moderator")],
        members=[make_user("Mia", "Member")],
    )


def people(community, role):
    return [m.user for m in community.memberships.filter(role=role).select_related("user")]


def test_join_request_notifies_the_animators_and_approval_notifies_back(
    private, colin, side_effects, counts_consistent
):
    anna, marc, mia = (
        people(private, Role.ANIMATOR)[0],
        people(private, Role.MODERATOR)[0],
        people(private, Role.MEMBER)[0],
    )
    with side_effects():
        request = services.join_request_create(community=private, user=colin, message=" Je travaille dessus ")
    assert request.status == JoinRequest.Status.PENDING and request.message == "Je travaille dessus"
    assert services.join_request_create(community=private, user=colin).pk == request.pk  # once
    assert selectors.pending_requests(private) == [request]
    for manager in (private.created_by, anna):
        assert [(n.actor, n.community) for n in notified(manager, "join_request")] == [(colin, private)]
    assert not notified(marc, "join_request") and not notified(mia, "join_request")
    assert selectors.role_of(colin, private) is None

    with side_effects():
        services.join_request_decide(request=request, by=anna, approve=True)
    request.refresh_from_db()
    assert (request.status, request.decided_by) == (JoinRequest.Status.APPROVED, anna)
    assert selectors.role_of(colin, private) == Role.MEMBER
    assert [(n.actor, n.community) for n in notified(colin, "join_approved")] == [(anna, private)]
    assert AuditEntry.objects.filter(action="join_approve", actor=anna, target=colin).exists()
    counts_consistent()


def test_declined_request_notifies_and_admits_nobody(private, colin, side_effects):
    request = services.join_request_create(community=private, user=colin)
    with side_effects():
        services.join_request_decide(request=request, by=private.created_by, approve=False)
    assert selectors.role_of(colin, private) is None
    assert len(notified(colin, "join_declined")) == 1
    assert AuditEntry.objects.filter(action="join_decline", target=colin).exists()
    before = snapshot()
    with pytest.raises(ValidationError):  # already decided
        services.join_request_decide(request=request, by=private.created_by, approve=True)
    assert snapshot() == before


def test_deciding_your_own_request_or_without_being_animator_is_refused(private, colin):
    marc, mia = people(private, Role.MODERATOR)[0], people(private, Role.MEMBER)[0]
    request = services.join_request_create(community=private, user=colin)
    before = snapshot()
    for actor in (colin, marc, mia):
        with pytest.raises(PermissionDenied):
            services.join_request_decide(request=request, by=actor, approve=True)
        assert refused(actor, "join_decide").community == private
    assert "own request" in refused(colin, "join_decide").detail
    assert snapshot() == before


@pytest.mark.parametrize("visibility", [Visibility.PUBLIC, Visibility.SECRET])
def test_join_request_only_for_private_communities(alice, colin, make_community, visibility):
    community = make_community(owner=alice, visibility=visibility)
    with pytest.raises(PermissionDenied):
        services.join_request_create(community=community, user=colin)
    assert not JoinRequest.objects.exists()
    assert refused(colin, "join_request").community == community


# Invitations --------------------------------------------------------------------------------------


def test_invitation_to_a_secret_community(alice, colin, make_community, side_effects, counts_consistent):
    community = make_community("Projet Omega", owner=alice, visibility=Visibility.SECRET)
    assert not policies.can_see_community(
        colin, community, None, invited=selectors.is_invited(colin, community)
    )
    with side_effects():
        invitation = services.community_invite(community=community, by=alice, user=colin)
    assert services.community_invite(community=community, by=alice, user=colin) is None  # once
    assert [n.community for n in notified(colin, "community_invitation")] == [community]
    assert policies.can_see_community(colin, community, None, invited=selectors.is_invited(colin, community))
    assert community in selectors.directory(colin)
    services.invitation_answer(invitation=invitation, user=colin, accept=True)
    assert selectors.role_of(colin, community) == Role.MEMBER
    assert not Invitation.objects.exists()
    assert AuditEntry.objects.filter(action__in=["invite", "invitation_accept"]).count() == 2
    assert services.community_invite(community=community, by=alice, user=colin) is None  # already in
    counts_consistent()


def test_declined_invitation_and_someone_elses(alice, bruno, colin, make_community):
    community = make_community("Projet Omega", owner=alice, visibility=Visibility.SECRET)
    invitation = services.community_invite(community=community, by=alice, user=colin)
    with pytest.raises(PermissionDenied):
        services.invitation_answer(invitation=invitation, user=bruno, accept=True)
    assert selectors.role_of(bruno, community) is None
    services.invitation_answer(invitation=invitation, user=colin, accept=False)
    assert selectors.role_of(colin, community) is None and not Invitation.objects.exists()
    assert AuditEntry.objects.filter(action="invitation_decline", actor=colin).exists()


def test_only_animators_invite(private, colin):
    mia = people(private, Role.MEMBER)[0]
    with pytest.raises(PermissionDenied):
        services.community_invite(community=private, by=mia, user=colin)
    assert not Invitation.objects.exists() and not Notification.objects.exists()
    assert refused(mia, "invite").community == private


# Members and roles --------------------------------------------------------------------------------


def test_animator_removes_a_member(private, side_effects, counts_consistent):
    anna, mia = people(private, Role.ANIMATOR)[0], people(private, Role.MEMBER)[0]
    with side_effects():
        post = posts.post_create(author=private.created_by, body="Interne", communities=[private])
    assert FeedEntry.objects.filter(user=mia, post=post).exists()
    with side_effects():
        services.member_remove(community=private, by=anna, user=mia)
    assert selectors.role_of(mia, private) is None
    assert not FeedEntry.objects.filter(user=mia, post=post).exists()
    assert AuditEntry.objects.filter(action="remove_member", actor=anna, target=mia).exists()
    counts_consistent()


def test_removing_the_last_owner_is_refused(private, make_user):
    ada = make_user("Ada", "Admin", staff=True)  # an animator may not remove an owner at all
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        services.member_remove(community=private, by=ada, user=private.created_by)
    assert "last owner" in error.value.messages[0]
    with pytest.raises(ValidationError):
        services.member_set_role(
            community=private, by=private.created_by, user=private.created_by, role=Role.MEMBER
        )
    assert snapshot() == before


def test_moderators_and_members_do_not_manage_members(private):
    marc, mia = people(private, Role.MODERATOR)[0], people(private, Role.MEMBER)[0]
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.member_remove(community=private, by=marc, user=mia)
    with pytest.raises(PermissionDenied):
        services.member_set_role(community=private, by=mia, user=mia, role=Role.OWNER)
    assert snapshot() == before
    assert refused(marc, "remove_member").target == mia
    assert refused(mia, "set_role").community == private


def test_roles_change_and_ownership_passes_on(private, colin):
    mia = people(private, Role.MEMBER)[0]
    owner = private.created_by
    services.member_set_role(community=private, by=owner, user=mia, role=Role.OWNER)
    services.member_set_role(community=private, by=mia, user=owner, role=Role.MEMBER)
    assert selectors.role_of(owner, private) == Role.MEMBER
    assert list(AuditEntry.objects.filter(action="set_role").values_list("detail", flat=True)) == [
        "member",
        "owner",
    ]
    before = snapshot()
    with pytest.raises(ValidationError):
        services.member_set_role(community=private, by=mia, user=colin, role=Role.MODERATOR)
    with pytest.raises(ValidationError):
        services.member_set_role(community=private, by=mia, user=owner, role="king")
    assert snapshot() == before


def test_member_counts_are_repaired(private, counts_consistent):
    Community.objects.filter(pk=private.pk).update(member_count=99)
    services.member_counts_refresh()
    counts_consistent()


# Directory rules ----------------------------------------------------------------------------------


@pytest.fixture
def directory(make_user):
    quality, purchasing = Department.objects.create(name="Qualité"), Department.objects.create(name="Achats")
    lyon = Site.objects.create(name="Lyon")

    def person(first, last, department, site=None, active=True):
        user = make_user(first, last, is_active=active)
        user.profile.department, user.profile.site = department, site
        user.profile.save()
        return user

    return {
        "quality": quality,
        "purchasing": purchasing,
        "lyon": lyon,
        "quentin": person("Quentin", "Qualiticien", quality, lyon),
        "quitterie": person("Quitterie", "Partie", quality, active=False),
        "paul": person("Paul", "Acheteur", purchasing, lyon),
    }


def test_rule_adds_the_matching_people(alice, make_community, directory, counts_consistent, side_effects):
    community = make_community(owner=alice)
    with side_effects():
        services.rule_add(community=community, by=alice, department=directory["quality"])
    member = Membership.objects.get(community=community, user=directory["quentin"])
    assert member.by_rule and member.role == Role.MEMBER
    assert selectors.role_of(directory["quitterie"], community) is None  # deactivated
    assert selectors.role_of(directory["paul"], community) is None
    assert AuditEntry.objects.get(action="rule_add").detail == "Qualité"
    counts_consistent()


def test_department_and_site_in_one_rule_must_both_match(alice, make_community, directory):
    community = make_community(owner=alice)
    services.rule_add(
        community=community, by=alice, department=directory["purchasing"], site=directory["lyon"]
    )
    assert selectors.role_of(directory["paul"], community) == Role.MEMBER
    assert selectors.role_of(directory["quentin"], community) is None


def test_directory_changes_move_people_in_and_out(alice, bruno, make_community, directory, counts_consistent):
    quentin, paul = directory["quentin"], directory["paul"]
    community = make_community(owner=alice, members=[bruno])  # bruno joined by hand
    bruno.profile.department = directory["quality"]
    bruno.profile.save()
    services.rule_add(community=community, by=alice, department=directory["quality"])

    profile_update(profile=quentin.profile, by=quentin, department=directory["purchasing"])
    services.rules_apply_to_user(quentin)
    profile_update(profile=paul.profile, by=paul, department=directory["quality"])
    services.rules_apply_to_user(paul)
    profile_update(profile=bruno.profile, by=bruno, department=directory["purchasing"])
    services.rules_apply_to_user(bruno)

    assert selectors.role_of(quentin, community) is None
    assert Membership.objects.get(community=community, user=paul).by_rule
    assert selectors.role_of(bruno, community) == Role.MEMBER  # manual members stay
    assert selectors.role_of(alice, community) == Role.OWNER
    counts_consistent()


def test_removing_a_rule_removes_whom_it_added_only(
    alice, bruno, make_community, directory, counts_consistent
):
    community = make_community(owner=alice, members=[bruno])
    rule = services.rule_add(community=community, by=alice, department=directory["quality"])
    services.rule_remove(rule=rule, by=alice)
    assert selectors.role_of(directory["quentin"], community) is None
    assert selectors.role_of(bruno, community) == Role.MEMBER
    assert AuditEntry.objects.filter(action="rule_remove").exists()
    counts_consistent()


@pytest.mark.parametrize("role", [Role.OWNER, Role.ANIMATOR, Role.MODERATOR])
def test_rules_never_remove_someone_given_a_role(alice, make_community, directory, counts_consistent, role):
    quentin = directory["quentin"]
    community = make_community(owner=alice)
    rule = services.rule_add(community=community, by=alice, department=directory["quality"])
    services.member_set_role(community=community, by=alice, user=quentin, role=role)
    profile_update(profile=quentin.profile, by=quentin, department=directory["purchasing"])
    services.rules_apply_to_user(quentin)  # no longer matches the rule
    assert selectors.role_of(quentin, community) == role
    services.rule_remove(rule=rule, by=alice)  # the rule is gone
    assert selectors.role_of(quentin, community) == role
    counts_consistent()


def test_rules_never_remove_the_last_owner(make_user, make_community, directory, counts_consistent):
    quentin = directory["quentin"]
    community = make_community(owner=make_user("Olivia", "Owner"))
    services.rule_add(community=community, by=community.created_by, department=directory["quality"])
    services.member_set_role(community=community, by=community.created_by, user=quentin, role=Role.OWNER)
    services.member_remove(community=community, by=quentin, user=community.created_by)
    assert list(community.memberships.values_list("role", "by_rule")) == [(Role.OWNER, True)]
    profile_update(profile=quentin.profile, by=quentin, department=directory["purchasing"])
    services.rules_apply_to_user(quentin)
    services.rules_apply(community)
    assert selectors.role_of(quentin, community) == Role.OWNER
    counts_consistent()


def test_bad_rules_are_refused(alice, mia, make_community, directory):
    community = make_community(owner=alice, members=[mia])
    with pytest.raises(ValidationError):
        services.rule_add(community=community, by=alice)
    with pytest.raises(PermissionDenied):
        services.rule_add(community=community, by=mia, department=directory["quality"])
    rule = AutoMembershipRule.objects.create(community=community, department=directory["quality"])
    with pytest.raises(PermissionDenied):
        services.rule_remove(rule=rule, by=mia)
    assert AutoMembershipRule.objects.count() == 1
    assert refused(mia, "rule_add").community == community
    assert refused(mia, "rule_remove").community == community
    assert community.memberships.count() == 2


def test_company_wide_community_has_every_active_colleague(alice, bruno, make_user, admin, counts_consistent):
    gone = make_user("Gaston", "Parti", is_active=False)
    everyone = services.company_wide_community()
    assert everyone.is_company_wide and services.company_wide_community().pk == everyone.pk
    assert set(everyone.memberships.values_list("user", flat=True)) == {alice.pk, bruno.pk, admin.pk}
    newcomer = make_user("Nina", "Nouvelle")
    services.rules_apply_to_user(newcomer)
    alice.is_active = False
    alice.save(update_fields=["is_active"])
    services.rules_apply_to_user(alice)
    assert set(everyone.memberships.values_list("user", flat=True)) == {bruno.pk, admin.pk, newcomer.pk}
    assert selectors.role_of(gone, everyone) is None
    counts_consistent()


# Posts in communities ----------------------------------------------------------------------------


@pytest.fixture
def two(alice, make_user, make_community):
    """Two private communities; alice is in both, Mia only in Alpha, Bob only in Beta."""
    mia, bob = make_user("Mia", "Member"), make_user("Bob", "Beta")
    alpha = make_community("Alpha", visibility=Visibility.PRIVATE, owner=alice, members=[mia])
    beta = make_community(
        "Beta", visibility=Visibility.PRIVATE, owner=make_user("Bea", "Owner"), members=[alice, bob]
    )
    return alpha, beta, mia, bob


def test_one_post_in_two_communities_reaches_both(alice, colin, two, side_effects):
    alpha, beta, mia, bob = two
    with side_effects():
        post = posts.post_create(author=alice, body="Pour les deux équipes", communities=[alpha, beta])
    assert Post.objects.count() == 1
    assert set(post.placements.values_list("community", "status")) == {
        (alpha.pk, "approved"),
        (beta.pk, "approved"),
    }
    for member in (mia, bob, beta.created_by):
        assert FeedEntry.objects.get(user=member, post=post).reason == "community"
    assert not FeedEntry.objects.filter(user=colin).exists()
    assert not can_view_post(colin, post)


def test_pre_moderated_in_one_community_published_in_the_other(alice, two, side_effects):
    alpha, beta, mia, bob = two
    Community.objects.filter(pk=beta.pk).update(premoderate_posts=True)
    beta.refresh_from_db()
    with side_effects():
        post = posts.post_create(author=alice, body="Pour les deux équipes", communities=[alpha, beta])
    assert dict(post.placements.values_list("community", "status")) == {
        alpha.pk: "approved",
        beta.pk: "pending",
    }
    assert can_view_post(mia, post) and FeedEntry.objects.filter(user=mia, post=post).exists()
    assert not can_view_post(bob, post) and not FeedEntry.objects.filter(user=bob, post=post).exists()
    assert selectors.moderation_queue(beta)["posts"] == [post]
    assert post not in selectors.community_feed(bob, beta, Role.MEMBER).items

    with side_effects():
        services.placement_decide(
            placement=post.placements.get(community=beta), by=beta.created_by, approve=True
        )
    assert can_view_post(bob, post) and FeedEntry.objects.filter(user=bob, post=post).exists()
    assert [p.pk for p in selectors.community_feed(bob, beta, Role.MEMBER).items] == [post.pk]
    assert selectors.moderation_queue(beta)["posts"] == []
    assert len(notified(alice, "post_approved")) == 1
    assert AuditEntry.objects.filter(action="post_approve", community=beta, post=post, target=alice).exists()


def test_mentions_in_a_pre_moderated_post_are_notified_once_approved(
    alice, mia, make_community, side_effects
):
    community = make_community(owner=alice, members=[mia], premoderate_posts=True)
    with side_effects():
        post = posts.post_create(author=mia, body=f"Avis de @{alice.handle} ?", communities=[community])
    assert not notified(alice, "mention")
    with side_effects():
        services.placement_decide(placement=post.placements.get(), by=alice, approve=True)
    post.refresh_from_db()
    assert list(post.mentions.all()) == [alice]
    assert 'class="mention"' in post.body_html
    assert len(notified(alice, "mention")) == 1


def test_rejected_post_stays_with_its_author(alice, mia, make_community, side_effects):
    community = make_community(owner=alice, members=[mia], premoderate_posts=True)
    post = posts.post_create(author=mia, body="Hors sujet", communities=[community])
    with side_effects():
        services.placement_decide(placement=post.placements.get(), by=alice, approve=False)
    assert post.placements.get().status == Placement.Status.REJECTED
    assert can_view_post(mia, post) and not can_view_post(alice, post)
    assert len(notified(mia, "post_rejected")) == 1


def test_moderators_own_posts_do_not_wait(alice, make_community):
    community = make_community(owner=alice, premoderate_posts=True)
    post = posts.post_create(author=alice, body="Annonce", communities=[community])
    assert post.placements.get().status == Placement.Status.APPROVED


def test_a_moderator_elsewhere_cannot_decide_here(alice, two):
    alpha, beta, mia, bob = two
    Community.objects.filter(pk=beta.pk).update(premoderate_posts=True)
    beta.refresh_from_db()
    post = posts.post_create(author=bob, body="En attente", communities=[beta])
    placement = post.placements.get()
    before = snapshot()
    with pytest.raises(PermissionDenied):  # alice owns Alpha, she is a mere member of Beta
        services.placement_decide(placement=placement, by=alice, approve=True)
    with pytest.raises(PermissionDenied):
        services.post_hide(post=post, by=alice, reason="Non")
    assert snapshot() == before
    assert refused(alice, "moderate").community == beta
    assert refused(alice, "hide").post == post


def test_posting_where_you_are_not_a_member_is_refused_and_nothing_created(alice, colin, two):
    alpha, beta, mia, bob = two
    before = snapshot()
    with pytest.raises(PermissionDenied) as error:
        posts.post_create(author=colin, body="Je m'invite", communities=[alpha])
    assert "Join" in str(error.value) and "Alpha" in str(error.value)
    with pytest.raises(PermissionDenied):  # one community refused: the post goes nowhere
        posts.post_create(author=mia, body="Aux deux", communities=[alpha, beta])
    assert snapshot() == before
    assert not FeedEntry.objects.exists()


def test_posting_where_you_are_not_a_member_is_audited(colin, two):
    alpha = two[0]
    with pytest.raises(PermissionDenied):
        posts.post_create(author=colin, body="Je m'invite", communities=[alpha])
    assert refused(colin, "post").community == alpha


# Replies waiting for a moderator -----------------------------------------------------------------


@pytest.fixture
def thread(alice, mia, make_user, make_community):
    marc = make_user("Marc", "Moderator")
    community = make_community(owner=alice, members=[mia], moderators=[marc], premoderate_replies=True)
    post = posts.post_create(author=alice, body="Question ?", communities=[community])
    return community, post, marc


def test_pre_moderated_reply_waits_then_is_approved(alice, mia, thread, side_effects):
    community, post, marc = thread
    with side_effects():
        reply = posts.post_create(author=mia, body=f"Réponse, @{alice.handle}", parent=post)
    assert reply.awaiting_approval
    assert can_view_post(mia, reply) and not can_view_post(alice, reply) and not can_view_post(marc, reply)
    assert not notified(alice, "reply") and not notified(alice, "mention")
    assert selectors.moderation_queue(community)["replies"] == [reply]

    with side_effects():
        services.reply_decide(reply=reply, by=marc, approve=True)
    reply.refresh_from_db()
    assert not reply.awaiting_approval and can_view_post(alice, reply)
    assert len(notified(alice, "mention")) == 1
    assert AuditEntry.objects.filter(action="reply_approve", actor=marc, target=mia).exists()
    assert selectors.moderation_queue(community)["replies"] == []


def test_pre_moderated_reply_rejected(mia, thread):
    community, post, marc = thread
    reply = posts.post_create(author=mia, body="Hors sujet", parent=post)
    services.reply_decide(reply=reply, by=marc, approve=False)
    reply.refresh_from_db()
    post.refresh_from_db()
    assert reply.deleted_at is not None and post.reply_count == 0
    assert not can_view_post(mia, reply)


def test_moderator_replies_do_not_wait_and_members_cannot_decide(alice, mia, thread):
    community, post, marc = thread
    assert not posts.post_create(author=marc, body="Réponse officielle", parent=post).awaiting_approval
    reply = posts.post_create(author=mia, body="En attente", parent=post)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        services.reply_decide(reply=reply, by=mia, approve=True)
    assert snapshot() == before
    assert refused(mia, "moderate").post == reply


# Reports, hiding, pinning ------------------------------------------------------------------------


def test_report_goes_to_the_moderation_queue_and_hiding_tells_the_author(alice, mia, thread, side_effects):
    community, post, marc = thread
    report = services.report_create(by=mia, reason=" Propos blessants ", post=post)
    assert selectors.moderation_queue(community)["reports"] == [report]
    assert report.reason == "Propos blessants"
    assert AuditEntry.objects.filter(action="report", actor=mia, post=post, target=alice).exists()

    with side_effects():
        services.post_hide(post=post, by=marc, reason="Propos blessants envers un collègue")
    post.refresh_from_db()
    assert post.hidden_by == marc and post.hidden_reason == "Propos blessants envers un collègue"
    assert can_view_post(alice, post) and not can_view_post(mia, post)
    told = notified(alice, "post_hidden")
    assert [(n.detail, n.post, n.community) for n in told] == [
        ("Propos blessants envers un collègue", post, community)
    ]
    entry = AuditEntry.objects.get(action="hide")
    assert (entry.actor, entry.community, entry.target, entry.detail) == (
        marc,
        community,
        alice,
        told[0].detail,
    )
    assert selectors.moderation_queue(community)["reports"] == []  # resolved by the decision

    with side_effects():
        services.post_hide(post=post, by=marc, reason="", hide=False)
    post.refresh_from_db()
    assert post.hidden_at is None and can_view_post(mia, post)
    assert len(notified(alice, "post_restored")) == 1


def test_hiding_needs_a_reason_and_a_moderator(alice, mia, colin, thread, admin):
    community, post, marc = thread
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        services.post_hide(post=post, by=marc, reason="  ")
    assert "reason" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        services.post_hide(post=post, by=mia, reason="Je n'aime pas")
    assert snapshot() == before
    assert refused(mia, "hide").post == post
    services.post_hide(post=post, by=admin, reason="Admins moderate everywhere")


def test_reports_bad_input(colin, mia, two):
    alpha = two[0]
    post = posts.post_create(author=alpha.created_by, body="Interne", communities=[alpha])
    with pytest.raises(ValidationError):
        services.report_create(by=mia, reason=" ", post=post)
    with pytest.raises(PermissionDenied):  # a post colin may not see does not exist for him
        services.report_create(by=colin, reason="Curieux", post=post)
    assert not Report.objects.exists()


def test_dismissing_a_report(alice, mia, thread):
    community, post, marc = thread
    report = services.report_create(by=alice, reason="Spam", person=mia)
    assert report.community is None and report in selectors.open_reports()
    in_community = services.report_create(by=mia, reason="Doublon", post=post)
    with pytest.raises(PermissionDenied):
        services.report_dismiss(report=in_community, by=mia)
    assert refused(mia, "report_dismiss").community == community
    services.report_dismiss(report=in_community, by=marc)
    in_community.refresh_from_db()
    assert in_community.resolved_by == marc
    assert selectors.open_reports() == [report]


def test_pinning_is_for_moderators(alice, mia, thread):
    community, post, marc = thread
    placement = post.placements.get()
    with pytest.raises(PermissionDenied):
        services.placement_pin(placement=placement, by=mia)
    assert refused(mia, "pin").post == post
    services.placement_pin(placement=placement, by=marc)
    assert [p.pk for p in selectors.pinned_posts(mia, community, Role.MEMBER)] == [post.pk]
    services.placement_pin(placement=placement, by=marc, pin=False)
    assert selectors.pinned_posts(mia, community, Role.MEMBER) == []
    assert list(AuditEntry.objects.filter(action__in=["pin", "unpin"]).values_list("action", flat=True)) == [
        "unpin",
        "pin",
    ]


def test_audit_log_selector_filters(alice, colin, private):
    with pytest.raises(PermissionDenied):
        services.community_join(community=private, user=colin)
    assert [e.actor for e in selectors.audit_log(action="refused:join")] == [colin]
    assert [e.action for e in selectors.audit_log(actor=colin.pk)] == ["refused:join"]
    assert selectors.audit_log(community=private.pk)[0].action == "refused:join"


# Governance settings ---------------------------------------------------------------------------


def test_governance_is_saved_with_its_audit_entry(admin):
    services.governance_update(by=admin, creation_policy="request", private_share_max=20)
    rules = CommunitySettings.current()
    assert (rules.creation_policy, rules.private_share_max, rules.private_per_creator_max) == (
        "request",
        20,
        3,
    )
    (entry,) = AuditEntry.objects.filter(action="settings_update")
    assert (entry.actor, entry.detail) == (admin, "creation_policy, private_share_max")
    services.governance_update(by=admin, creation_policy="request", private_share_max=20)
    assert AuditEntry.objects.filter(action="settings_update").count() == 1  # nothing changed: no entry


def test_governance_is_the_admins_and_a_refusal_is_audited(alice):
    with pytest.raises(PermissionDenied):
        services.governance_update(by=alice, creation_policy="animators")
    assert CommunitySettings.current().creation_policy == CommunitySettings.Creation.EVERYONE
    assert AuditEntry.objects.filter(actor=alice, action="refused:settings_update").count() == 1
    assert not AuditEntry.objects.filter(action="settings_update").exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"private_share_max": 150}, "private_share_max"),
        ({"creation_policy": "nobody"}, "creation_policy"),
        ({"private_share_max": 10, "private_per_creator_max": -1}, "private_per_creator_max"),
    ],
)
def test_bad_governance_changes_nothing(admin, fields, field):
    with pytest.raises(ValidationError) as error:
        services.governance_update(by=admin, **fields)
    assert field in error.value.message_dict
    rules = CommunitySettings.current()
    assert (rules.creation_policy, rules.private_share_max, rules.private_per_creator_max) == (
        "everyone",
        30,
        3,
    )
    assert not AuditEntry.objects.filter(action="settings_update").exists()
