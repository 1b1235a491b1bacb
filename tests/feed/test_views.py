from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from ruche.accounts.models import User
from ruche.accounts.services import user_follow
from ruche.feed import memo
from ruche.feed.models import FeedEntry
from ruche.posts.services import post_create
from tests.core.pages import busy_posts

pytestmark = pytest.mark.django_db


def test_returning_person_gets_their_feed_rebuilt_on_the_next_request(client, alice, bruno, side_effects):
    user_follow(follower=bruno, followed=alice)
    User.objects.filter(pk=bruno.pk).update(last_seen_at=timezone.now() - timedelta(days=45))
    with side_effects():
        post = post_create(author=alice, body="Pendant ton absence")
    assert not FeedEntry.objects.filter(user=bruno).exists()
    client.force_login(bruno)
    response = client.get("/")
    assert response.status_code == 200
    assert [p.pk for p in response.context["page"]] == [post.pk]
    assert "Pendant ton absence" in response.content.decode()
    bruno.refresh_from_db()
    assert bruno.last_seen_at > timezone.now() - timedelta(minutes=1)


def test_empty_home_feed_shows_the_company(client, alice, bruno):
    post_create(author=bruno, body="Quoi de neuf ?")
    client.force_login(alice)
    response = client.get("/")
    assert response.context["page"].items == []
    assert "Quoi de neuf ?" in response.content.decode()


def test_home_htmx_page_2_is_a_fragment(client, alice, settings):
    settings.FEED_PAGE_SIZE = 2
    posts = [post_create(author=alice, body=f"Message numéro {i}") for i in range(3)]
    client.force_login(alice)
    response = client.get(f"/?before={posts[1].pk}", HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "<html" not in page and "Message numéro 0" in page and "Message numéro 1" not in page


HOME_QUERIES = 20  # whatever the page size: the session, the stamps a kept page would be checked against (feed/memo.py), ids first (entries, large sources), then the page's cards (fresh ones loaded, kept ones' facts and the reader's reactions: here both), and the side column's suggestions (2 once cached); lower it when a query goes away
# Inside a test's transaction, PostgreSQL applies the stamps the transaction noted before reading
# them (ruche/feed/stamps.py `flush`): one query that a request, outside any transaction, never makes.
FLUSH = 1 if connection.vendor == "postgresql" else 0
COMPANY_QUERIES = 11  # the attachments of the cards, and the attachment rules (cached, cold here)


@pytest.mark.parametrize("n", [5, 20])
def test_home_feed_query_count(client, alice, busy, settings, side_effects, django_assert_max_num_queries, n):
    settings.FEED_LARGE_AUDIENCE = 0  # bruno and the others are pulled at read time as well
    with side_effects():
        busy_posts(busy, [alice, *busy], n)
    client.force_login(alice)
    client.get("/notifications/")
    client.get("/")  # the suggestions' candidates are computed once every few minutes (web/selectors.py)
    memo.forget()  # the page drawn again, not given as kept
    with django_assert_max_num_queries(HOME_QUERIES + FLUSH):
        response = client.get("/")
    assert len(response.context["page"].items) == n


@pytest.mark.parametrize("n", [5, 20])
def test_company_feed_query_count(client, alice, busy, django_assert_max_num_queries, n):
    busy_posts(busy, [alice, *busy], n)
    client.force_login(alice)
    client.get("/notifications/")
    with django_assert_max_num_queries(COMPANY_QUERIES):
        response = client.get("/company/")
    assert len(response.context["page"].items) == n
