"""Communities through the API: what one may know of, read, join, ask to join, leave."""

import pytest

from ruche.communities.models import Community, Departure, Invitation, JoinRequest, Membership
from ruche.posts.services import post_create
from tests.core.pages import busy_posts

pytestmark = pytest.mark.django_db
Visibility = Community.Visibility

COMMUNITY_FEED_QUERIES = 11
DIRECTORY_QUERIES = 4


def memberships():
    return sorted(Membership.objects.values_list("community_id", "user_id", "role"))


@pytest.fixture
def world(alice, bruno, make_community):
    return {
        "public": make_community("Atelier", members=[bruno]),
        "private": make_community("Direction", visibility=Visibility.PRIVATE, members=[bruno]),
        "secret": make_community("Projet X", visibility=Visibility.SECRET, members=[bruno]),
    }


def test_the_directory_never_lists_a_secret_community_to_outsiders(alice, bruno, world, api_as):
    slugs = [c["slug"] for c in api_as(alice).get("/communities/", sort="name").json()["items"]]
    assert slugs == ["atelier", "direction"]
    slugs = {c["slug"] for c in api_as(bruno).get("/communities/").json()["items"]}
    assert slugs == {"atelier", "direction", "projet-x"}


def test_an_invited_colleague_sees_the_secret_community_in_the_directory(alice, world, api_as):
    Invitation.objects.create(community=world["secret"], user=alice, invited_by=world["secret"].created_by)
    slugs = {c["slug"] for c in api_as(alice).get("/communities/").json()["items"]}
    assert "projet-x" in slugs


def test_directory_filters(alice, bruno, world, api_as):
    api = api_as(bruno)
    assert [c["slug"] for c in api.get("/communities/", visibility="private").json()["items"]] == [
        "direction"
    ]
    mine = api.get("/communities/", mine="true").json()["items"]
    assert {c["my_role"] for c in mine} == {"member"}
    response = api.get("/communities/", sort="biggest")
    assert response.status_code == 422 and response.json()["field"] == "sort"


def test_directory_query_count_does_not_grow(alice, make_community, api_as, queries_of):
    api = api_as(alice)
    for i in range(3):
        make_community(f"Groupe {i}", members=[alice])
    few, _response = queries_of(lambda: api.get("/communities/"))
    for i in range(3, 15):
        make_community(f"Groupe {i}", members=[alice])
    many, response = queries_of(lambda: api.get("/communities/"))
    assert len(response.json()["items"]) == 15
    assert few == many <= DIRECTORY_QUERIES


def test_community_detail_says_what_i_may_do(alice, world, api_as):
    data = api_as(alice).get("/communities/direction").json()
    assert data["visibility"] == "private" and data["my_role"] is None
    assert data["abilities"]["can_request"] and not data["abilities"]["can_read"]
    assert data["pending_request"] is False


def test_a_secret_community_is_a_404_to_outsiders(alice, world, api_as):
    api = api_as(alice)
    for path in ["/communities/projet-x", "/communities/projet-x/posts", "/communities/projet-x/members"]:
        assert api.get(path).status_code == 404, path
    assert api.post("/communities/projet-x/join").status_code == 404
    assert api.post("/communities/projet-x/requests", {}).status_code == 404
    assert api.get("/communities/nowhere").status_code == 404


def test_a_private_communitys_posts_and_members_are_closed_to_outsiders(alice, bruno, world, api_as):
    post_create(author=bruno, body="Entre nous", communities=[world["private"]])
    api = api_as(alice)
    response = api.get("/communities/direction/posts")
    assert response.status_code == 403 and "Entre nous" not in response.content.decode()
    assert api.get("/communities/direction/members").status_code == 403
    assert [p["body"] for p in api_as(bruno).get("/communities/direction/posts").json()["items"]] == [
        "Entre nous"
    ]


def test_community_feed_pages_and_query_count(
    alice, bruno, make_user, make_community, api_as, queries_of, settings
):
    others = [bruno, make_user("Chloé", "Petit")]
    atelier = make_community("Atelier", members=[alice, *others])
    posts = busy_posts(others, [alice, *others], 8)
    for post in posts:
        from ruche.communities.models import Placement

        Placement.objects.create(post=post, community=atelier, status=Placement.Status.APPROVED)
    api = api_as(alice)
    settings.FEED_PAGE_SIZE = 3
    small, response = queries_of(lambda: api.get("/communities/atelier/posts"))
    first = response.json()
    assert len(first["items"]) == 3 and first["next_cursor"] == posts[5].pk
    settings.FEED_PAGE_SIZE = 8
    large, response = queries_of(lambda: api.get("/communities/atelier/posts"))
    assert len(response.json()["items"]) == 8
    assert small == large <= COMMUNITY_FEED_QUERIES
    settings.FEED_PAGE_SIZE = 3
    second = api.get("/communities/atelier/posts", before=first["next_cursor"]).json()
    assert [p["id"] for p in second["items"]] == [posts[4].pk, posts[3].pk, posts[2].pk]


def test_members(alice, world, api_as):
    items = api_as(alice).get("/communities/atelier/members").json()["items"]
    assert {m["role"] for m in items} == {"owner", "member"}
    assert all(m["person"]["handle"] for m in items)


def test_join_a_public_community(alice, world, api_as, counts_consistent):
    response = api_as(alice).post("/communities/atelier/join")
    assert response.status_code == 200 and response.json() == {"community": "atelier", "role": "member"}
    assert Membership.objects.filter(community=world["public"], user=alice).exists()
    counts_consistent()


def test_a_private_community_cannot_be_joined_directly(alice, world, api_as):
    before = memberships()
    response = api_as(alice).post("/communities/direction/join")
    assert response.status_code == 403 and response.json()["detail"]
    assert memberships() == before


def test_ask_to_join_a_private_community(alice, world, api_as):
    response = api_as(alice).post("/communities/direction/requests", {"message": "Je remplace Bruno"})
    assert response.status_code == 201 and response.json()["status"] == "pending"
    assert JoinRequest.objects.get().message == "Je remplace Bruno"
    assert api_as(alice).get("/communities/direction").json()["pending_request"] is True


def test_a_too_long_request_message_is_refused(alice, world, api_as):
    response = api_as(alice).post("/communities/direction/requests", {"message": "x" * 501})
    assert response.status_code == 422 and response.json()["field"] == "message"
    assert not JoinRequest.objects.exists()


def test_a_public_community_takes_no_request(alice, world, api_as):
    response = api_as(alice).post("/communities/atelier/requests", {})
    assert response.status_code == 403
    assert not JoinRequest.objects.exists()


def test_leave(alice, bruno, world, api_as, counts_consistent):
    response = api_as(bruno).post("/communities/atelier/leave", {"reason": "Changé de site"})
    assert response.status_code == 204
    assert not Membership.objects.filter(community=world["public"], user=bruno).exists()
    assert Departure.objects.get().reason == "Changé de site"
    counts_consistent()


def test_one_cannot_leave_a_community_one_is_not_in(alice, world, api_as):
    before = memberships()
    assert api_as(alice).post("/communities/atelier/leave", {}).status_code == 403
    assert memberships() == before


def test_the_last_owner_cannot_leave(world, api_as):
    owner = world["public"].created_by
    before = memberships()
    response = api_as(owner).post("/communities/atelier/leave", {})
    assert response.status_code == 400 and response.json()["detail"]
    assert memberships() == before


def test_answer_an_invitation_to_a_secret_community(alice, world, api_as, counts_consistent):
    secret = world["secret"]
    api = api_as(alice)
    assert api.post("/communities/projet-x/invitation", {"accept": True}).status_code == 404
    Invitation.objects.create(community=secret, user=alice, invited_by=secret.created_by)
    response = api.post("/communities/projet-x/invitation", {"accept": True})
    assert response.json() == {"community": "projet-x", "role": "member"}
    assert not Invitation.objects.exists()
    counts_consistent()


def test_decline_an_invitation(alice, world, api_as):
    Invitation.objects.create(community=world["private"], user=alice, invited_by=world["private"].created_by)
    response = api_as(alice).post("/communities/direction/invitation", {"accept": False})
    assert response.json() == {"community": "direction", "role": None}
    assert not Membership.objects.filter(user=alice).exists()
    bad = api_as(alice).post("/communities/direction/invitation", {})
    assert bad.status_code == 422 and bad.json()["field"] == "accept"
