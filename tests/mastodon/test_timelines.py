"""The Mastodon timelines' cost: a constant number of queries whatever the page holds (the home
feed's, then the statuses' batches), and the Link header of each page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ruche.accounts.models import Department
from ruche.accounts.services import user_follow
from ruche.api.services import api_token_create
from ruche.posts.services import post_create, reaction_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(client, alice):
    _token, secret = api_token_create(user=alice, name="tests")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    return client


def queries_of(client, url: str) -> tuple[int, list]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries), response.json()


def test_home_timeline_queries_do_not_grow_with_the_page(
    reader, alice, bruno, chloe, make_community, side_effects
):
    user_follow(follower=alice, followed=bruno)
    user_follow(follower=alice, followed=chloe)
    for who, department in ((bruno, "Sales"), (chloe, "Legal")):  # the Account's fields: no query per author
        who.profile.department = Department.objects.create(name=department)
        who.profile.save()
    community = make_community("Qualité", owner=bruno, members=[alice])
    with side_effects():  # fan-out to the home feeds, notifications
        for n in range(3):
            post_create(author=bruno, body=f"Early {n} #tag", communities=[community] if n == 1 else [])
    assert len(queries_of(reader, "/api/v1/timelines/home?limit=20")[1]) == 3
    with side_effects():
        for n in range(20):
            post = post_create(author=[bruno, chloe][n % 2], body=f"Later {n} @{alice.handle} #tag")
            reaction_set(post=post, user=alice, kind="like")
    # Full pages (a short one also looks past the fanned-out entries, as the home page does)
    few, page = queries_of(reader, "/api/v1/timelines/home?limit=5")
    assert len(page) == 5
    many, page = queries_of(reader, "/api/v1/timelines/home?limit=20")
    assert len(page) == 20 and page[0]["favourited"]
    assert many == few
    notifications_few = queries_of(reader, "/api/v1/notifications?limit=2")[0]
    assert queries_of(reader, "/api/v1/notifications?limit=20")[0] == notifications_few


def test_home_timeline_link_header_pages_by_post_id(reader, alice, bruno, side_effects):
    user_follow(follower=alice, followed=bruno)
    with side_effects():
        posts = [post_create(author=bruno, body=f"Post {n}") for n in range(3)]
    response = reader.get("/api/v1/timelines/home?limit=2")
    link = response["Link"]
    assert f"max_id={posts[1].pk}" in link and f"min_id={posts[2].pk}" in link
    assert [s["id"] for s in reader.get(f"/api/v1/timelines/home?max_id={posts[1].pk}").json()] == [
        str(posts[0].pk)
    ]
    assert reader.get("/api/v1/timelines/home", HTTP_AUTHORIZATION="Bearer nope").status_code == 401
