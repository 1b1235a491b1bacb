"""Notifications through the API: the list, the unread count, marking read."""

import pytest

from ruche.accounts.services import user_follow
from ruche.communities.models import Community, Membership
from ruche.notifications.models import Notification
from ruche.posts.services import post_create, reaction_set

pytestmark = pytest.mark.django_db

LIST_QUERIES = 5


def test_list_and_unread_count(alice, bruno, api_as, side_effects):
    with side_effects():
        post = post_create(author=alice, body="Mon idée")
        reaction_set(post=post, user=bruno, kind="bravo")
        user_follow(follower=bruno, followed=alice)
    api = api_as(alice)
    data = api.get("/notifications/").json()
    assert [n["kind"] for n in data["items"]] == ["follow", "reaction"]
    reaction = data["items"][1]
    assert reaction["post_id"] == post.pk and reaction["thread_id"] == post.pk
    assert reaction["actor"]["handle"] == bruno.handle and reaction["unread"] is True
    assert reaction["kind_label"] == "Reaction to your post"
    assert api.get("/notifications/unread-count").json() == {"count": 2}


def test_mark_one_then_all_read(alice, bruno, api_as, side_effects):
    with side_effects():
        post = post_create(author=alice, body="Mon idée")
        reaction_set(post=post, user=bruno, kind="bravo")
        user_follow(follower=bruno, followed=alice)
    api = api_as(alice)
    first = Notification.objects.filter(recipient=alice).order_by("id").first()
    assert api.post(f"/notifications/{first.pk}/read").status_code == 204
    assert api.get("/notifications/unread-count").json() == {"count": 1}
    assert api.post("/notifications/read-all").json() == {"count": 1}
    assert api.get("/notifications/unread-count").json() == {"count": 0}


def test_one_cannot_mark_anothers_notification(alice, bruno, api_as, side_effects):
    with side_effects():
        user_follow(follower=alice, followed=bruno)
    theirs = Notification.objects.get(recipient=bruno)
    assert api_as(alice).post(f"/notifications/{theirs.pk}/read").status_code == 204
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_a_notification_about_a_post_one_can_no_longer_see_leaves_the_list(
    alice, bruno, make_community, api_as, side_effects
):
    private = make_community("Direction", visibility=Community.Visibility.PRIVATE, members=[alice, bruno])
    with side_effects():
        post_create(author=bruno, body=f"Bonjour @{alice.handle}", communities=[private])
    api = api_as(alice)
    assert api.get("/notifications/unread-count").json() == {"count": 1}
    Membership.objects.filter(community=private, user=alice).delete()
    assert api.get("/notifications/").json()["items"] == []
    assert api.get("/notifications/unread-count").json() == {"count": 0}


def test_list_query_count_does_not_grow(alice, make_user, api_as, queries_of, side_effects):
    api = api_as(alice)
    post = post_create(author=alice, body="Mon idée")

    def notified_by(n: int, start: int):
        with side_effects():
            for i in range(start, start + n):
                person = make_user("Personne", f"N{i}")
                user_follow(follower=person, followed=alice)
                post_create(author=person, body="Bravo", parent=post)

    notified_by(2, 0)
    few, _response = queries_of(lambda: api.get("/notifications/", limit=20))
    notified_by(10, 2)
    many, response = queries_of(lambda: api.get("/notifications/", limit=20))
    assert len(response.json()["items"]) == 20
    assert few == many <= LIST_QUERIES
    page = api.get("/notifications/", limit=5).json()
    assert len(page["items"]) == 5 and page["next_cursor"] == page["items"][-1]["id"]
