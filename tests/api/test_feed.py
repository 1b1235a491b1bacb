"""Feeds through the API: pages, cursors, visibility, and a query count that does not grow with the page."""

import pytest

from ruche.accounts.services import user_follow
from ruche.api import cards
from ruche.communities.models import Community
from ruche.posts.services import post_create
from tests.core.pages import busy_posts

pytestmark = pytest.mark.django_db

# Token lookup, then what the HTML pages of the same lists cost (tests/feed/test_views.py).
HOME_QUERIES = 12
COMPANY_QUERIES = 8
HASHTAG_QUERIES = 10
KEPT_MORE = 2  # the kept objects' facts and the reader's reactions (tests/feed/test_home_choices.py)


def test_home_feed_pages_with_a_cursor(alice, bruno, api_as, side_effects):
    user_follow(follower=alice, followed=bruno)
    with side_effects():
        posts = [post_create(author=bruno, body=f"Message {i}") for i in range(5)]
    api = api_as(alice)
    first = api.get("/feed/", limit=3).json()
    assert [p["id"] for p in first["items"]] == [p.pk for p in reversed(posts[2:])]
    assert first["items"][0]["feed_reason"] == "follow"
    assert first["items"][0]["why"] == "Because you follow Bruno Lefèvre"
    assert (first["filter"], first["order"], first["notice"]) == ("all", "recent", None)
    assert first["next_cursor"] == f"all:recent:{posts[2].pk}"
    second = api.get("/feed/", limit=3, cursor=first["next_cursor"]).json()
    assert [p["id"] for p in second["items"]] == [posts[1].pk, posts[0].pk]
    assert second["next_cursor"] is None
    # The older `before=<id>` still reads the most recent posts.
    assert [p["id"] for p in api.get("/feed/", limit=3, before=posts[2].pk).json()["items"]] == [
        posts[1].pk,
        posts[0].pk,
    ]


@pytest.mark.parametrize("params", [{"before": "abc"}, {"before": 0}, {"limit": 0}, {"limit": 51}])
def test_bad_paging_parameters_name_the_parameter(alice, api_as, params):
    response = api_as(alice).get("/feed/company", **params)
    assert response.status_code == 422
    assert response.json()["field"] == next(iter(params))


def test_home_feed_query_count_does_not_grow_with_the_page(
    alice, busy, api_as, settings, side_effects, queries_of
):
    settings.FEED_LARGE_AUDIENCE = 0  # pulled at read time as well
    with side_effects():
        busy_posts(busy, [alice, *busy], 20)
    api = api_as(alice)

    def fresh(limit: int):  # no post's object kept yet (ruche/api/cards.py)
        cards.store.forget_all()
        return api.get("/feed/", limit=limit)

    small, response = queries_of(lambda: fresh(5))
    assert len(response.json()["items"]) == 5
    large, response = queries_of(lambda: fresh(20))
    assert len(response.json()["items"]) == 20
    assert small == large <= HOME_QUERIES
    # Kept objects spare loading their posts; a page of some kept and some not reads both.
    kept, response = queries_of(lambda: api.get("/feed/", limit=20))
    assert len(response.json()["items"]) == 20 and kept <= HOME_QUERIES + KEPT_MORE


def test_company_feed_query_count_does_not_grow_with_the_page(alice, busy, api_as, queries_of):
    busy_posts(busy, [alice, *busy], 20)
    api = api_as(alice)
    small, response = queries_of(lambda: api.get("/feed/company", limit=5))
    assert len(response.json()["items"]) == 5
    large, response = queries_of(lambda: api.get("/feed/company", limit=20))
    assert len(response.json()["items"]) == 20
    assert small == large <= COMPANY_QUERIES
    first = response.json()["items"][0]
    assert len(first["replies"]) == 3 and first["more_replies"] == 1 and first["reactions"]


def test_hashtag_feed(alice, busy, api_as, queries_of):
    busy_posts(busy, [alice, *busy], 20)
    post_create(author=alice, body="Sans étiquette")
    api = api_as(alice)
    small, response = queries_of(lambda: api.get("/feed/hashtags/qualite", limit=5))
    large, response = queries_of(lambda: api.get("/feed/hashtags/qualite", limit=20))
    data = response.json()
    assert data["hashtag"] == {"key": "qualite", "name": "qualite", "follower_count": 0, "following": False}
    assert len(data["items"]) == 20
    assert small == large <= HASHTAG_QUERIES
    assert api.get("/feed/hashtags/inconnu").status_code == 404


def test_a_private_communitys_post_never_reaches_an_outsiders_feeds(
    alice, bruno, api_as, make_community, side_effects
):
    private = make_community("Direction", visibility=Community.Visibility.PRIVATE, members=[bruno])
    user_follow(follower=alice, followed=bruno)
    with side_effects():
        hidden = post_create(author=bruno, body="Budget #qualite", communities=[private])
        shown = post_create(author=bruno, body="Pour tous #qualite")
    api = api_as(alice)
    for path in ["/feed/", "/feed/company", "/feed/hashtags/qualite", f"/people/{bruno.handle}/posts"]:
        ids = [p["id"] for p in api.get(path).json()["items"]]
        assert shown.pk in ids and hidden.pk not in ids, path
    member_ids = [p["id"] for p in api_as(bruno).get("/feed/company").json()["items"]]
    assert hidden.pk in member_ids


def test_a_secret_community_is_not_named_on_a_post_shared_with_it(alice, bruno, api_as, make_community):
    public = make_community("Atelier", members=[bruno])
    secret = make_community("Projet X", visibility=Community.Visibility.SECRET, members=[bruno])
    post = post_create(author=bruno, body="Les deux", communities=[public, secret])
    names = [c["slug"] for c in api_as(alice).get(f"/posts/{post.pk}").json()["communities"]]
    assert names == ["atelier"]


def test_follow_and_unfollow_a_hashtag(alice, bruno, api_as, side_effects):
    post_create(author=bruno, body="Audit #qualite")
    api = api_as(alice)
    with side_effects():
        assert api.post("/feed/hashtags/qualite/follow").json() == {"following": True}
    assert api.get("/feed/hashtags/qualite").json()["hashtag"]["following"] is True
    assert [p["feed_reason"] for p in api.get("/feed/").json()["items"]] == ["hashtag"]
    assert api.delete("/feed/hashtags/qualite/follow").status_code == 204
    assert api.get("/feed/hashtags/qualite").json()["hashtag"]["follower_count"] == 0
    assert api.post("/feed/hashtags/inconnu/follow").status_code == 404
