"""Running a community through the API: the browser's rules, refusals audited, nothing changed by them."""

import pytest

from ruche.communities.models import (
    AuditEntry,
    Community,
    Invitation,
    JoinRequest,
    Membership,
    Placement,
    Report,
)
from ruche.posts.models import Post
from ruche.posts.services import post_create

pytestmark = pytest.mark.django_db
Visibility = Community.Visibility


def role_in(community, user) -> str | None:
    return Membership.objects.filter(community=community, user=user).values_list("role", flat=True).first()


def test_create_and_change_a_community(alice, api_as, governance, side_effects):
    api = api_as(alice)
    with side_effects():
        response = api.post("/communities/", {"name": "  Club   vélo ", "kind": "interest"})
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["name"], body["slug"], body["kind"], body["my_role"]) == (
        "Club vélo",
        "club-velo",
        "interest",
        "owner",
    )
    response = api.patch(
        "/communities/club-velo", {"description": "Sorties du jeudi", "premoderate_posts": True}
    )
    assert response.status_code == 200
    community = Community.objects.get(slug="club-velo")
    assert community.description == "Sorties du jeudi" and community.premoderate_posts
    assert community.kind == "interest"  # not sent: unchanged


@pytest.mark.parametrize(
    ("data", "status", "field"),
    [
        ({"name": "   "}, 400, "name"),
        ({"name": "Club", "visibility": "hidden"}, 422, "visibility"),
        ({}, 422, "name"),
    ],
)
def test_bad_community_input_creates_nothing(alice, api_as, governance, data, status, field):
    response = api_as(alice).post("/communities/", data)
    assert response.status_code == status and response.json()["field"] == field
    assert not Community.objects.exists()


def test_only_animators_change_or_archive_and_refusals_are_audited(alice, bruno, make_community, api_as):
    community = make_community("Atelier", members=[bruno])
    response = api_as(bruno).patch("/communities/atelier", {"name": "Mon atelier"})
    assert response.status_code == 403
    response = api_as(bruno).post("/communities/atelier/archive", {"archive": True})
    assert response.status_code == 403
    community.refresh_from_db()
    assert community.name == "Atelier" and community.archived_at is None
    assert AuditEntry.objects.filter(actor=bruno, action__startswith="refused:").count() == 2
    owner = community.created_by
    response = api_as(owner).post("/communities/atelier/archive", {"archive": True})
    assert response.status_code == 200 and response.json()["archived_at"] is not None


def test_join_requests_are_listed_and_decided_by_animators(alice, bruno, make_community, api_as):
    community = make_community("Direction", visibility=Visibility.PRIVATE, animators=[bruno])
    assert api_as(alice).post("/communities/direction/requests", {"message": "Bonjour"}).status_code == 201
    assert api_as(alice).get("/communities/direction/requests").status_code == 403
    items = api_as(bruno).get("/communities/direction/requests").json()["items"]
    assert [(i["person"]["handle"], i["message"]) for i in items] == [(alice.handle, "Bonjour")]
    path = f"/communities/direction/requests/{items[0]['id']}/decision"
    assert api_as(alice).post(path, {"approve": True}).status_code == 403
    response = api_as(bruno).post(path, {"approve": True})
    assert response.status_code == 200 and response.json()["status"] == JoinRequest.Status.APPROVED
    assert role_in(community, alice) == "member"


def test_invite_set_role_and_remove(alice, bruno, make_user, make_community, api_as):
    carla = make_user("Carla", "Petit")
    community = make_community("Projet X", visibility=Visibility.SECRET, owner=alice, members=[bruno])
    api = api_as(alice)
    assert api.post("/communities/projet-x/invitations", {"person": f"@{carla.handle}"}).json() == {
        "invited": True
    }
    assert Invitation.objects.filter(community=community, user=carla).exists()
    assert api.post("/communities/projet-x/invitations", {"person": bruno.handle}).json() == {
        "invited": False
    }
    unknown = api.post("/communities/projet-x/invitations", {"person": "nobody.here"})
    assert unknown.status_code == 400 and unknown.json()["field"] == "person"
    response = api.put(f"/communities/projet-x/members/{bruno.handle}", {"role": "moderator"})
    assert response.status_code == 200 and response.json()["role"] == "moderator"
    response = api.put(f"/communities/projet-x/members/{bruno.handle}", {"role": "king"})
    assert response.status_code == 422 and response.json()["field"] == "role"
    # A member cannot remove the owner; the owner removes a member.
    assert api_as(bruno).delete(f"/communities/projet-x/members/{alice.handle}").status_code == 403
    assert api.delete(f"/communities/projet-x/members/{bruno.handle}").status_code == 204
    assert role_in(community, bruno) is None and role_in(community, alice) == "owner"
    # The secret community does not exist for an outsider; Carla, invited, knows of it but not who
    # belongs to it (members are for its readers): a member is answered as a made-up person.
    path = f"/communities/projet-x/members/{alice.handle}"
    assert api_as(make_user("Denis", "Roy")).put(path, {"role": "member"}).status_code == 404
    assert api_as(carla).put(path, {"role": "member"}).status_code == 404
    assert (
        api_as(carla).put(f"/communities/projet-x/members/{carla.handle}", {"role": "member"}).status_code
        == 404
    )


def test_moderation_queue_and_decisions(alice, bruno, make_user, make_community, api_as, side_effects):
    moderator = make_user("Maud", "Modère")
    community = make_community("Atelier", members=[alice], moderators=[moderator], premoderate_posts=True)
    with side_effects():
        post = post_create(author=alice, body="Nouvelle presse", communities=[community])
    assert Placement.objects.get(post=post).status == Placement.Status.PENDING
    assert api_as(alice).get("/communities/atelier/moderation").status_code == 403
    queue = api_as(moderator).get("/communities/atelier/moderation").json()
    assert [p["id"] for p in queue["posts"]] == [post.pk] and queue["replies"] == [] == queue["reports"]
    path = f"/communities/atelier/moderation/posts/{post.pk}"
    assert api_as(alice).post(path, {"approve": True}).status_code == 403
    with side_effects():
        assert api_as(moderator).post(path, {"approve": True}).status_code == 204
    assert Placement.objects.get(post=post).status == Placement.Status.APPROVED
    again = api_as(moderator).post(path, {"approve": False})
    assert again.status_code == 400
    assert Placement.objects.get(post=post).status == Placement.Status.APPROVED
    assert api_as(moderator).post(f"/communities/atelier/pins/{post.pk}", {"pin": True}).status_code == 204
    assert Placement.objects.get(post=post).pinned_at is not None


def test_report_and_hide(alice, bruno, make_user, make_community, api_as, side_effects):
    moderator = make_user("Maud", "Modère")
    community = make_community("Atelier", members=[alice, bruno], moderators=[moderator])
    with side_effects():
        post = post_create(author=alice, body="Message déplacé", communities=[community])
    response = api_as(bruno).post(f"/posts/{post.pk}/report", {"reason": "Hors sujet"})
    assert response.status_code == 201
    assert api_as(bruno).post(f"/posts/{post.pk}/report", {"reason": "  "}).json()["field"] == "reason"
    assert Report.objects.count() == 1
    queue = api_as(moderator).get("/communities/atelier/moderation").json()
    assert [r["reason"] for r in queue["reports"]] == ["Hors sujet"]
    assert api_as(bruno).post(f"/posts/{post.pk}/hide", {"reason": "Non"}).status_code == 403
    with side_effects():
        response = api_as(moderator).post(f"/posts/{post.pk}/hide", {"reason": "Hors charte"})
    assert response.status_code == 200
    post.refresh_from_db()
    assert post.hidden_reason == "Hors charte" and Report.objects.get().resolved_at is not None
    assert api_as(bruno).get(f"/posts/{post.pk}").status_code == 404
    assert Post.objects.filter(pk=post.pk).exists()
    response = api_as(bruno).post(f"/people/{alice.handle}/report", {"reason": "Propos blessants"})
    assert response.status_code == 201 and Report.objects.filter(person=alice).exists()
