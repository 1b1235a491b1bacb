"""The home feed's filters and orders on the home page and through the API: the remembered choice,
htmx fragments, messages for bad input (never an error), announcements, and query counts that do not
grow with the page."""

import pytest

from ruche.accounts.models import User
from ruche.accounts.services import user_follow
from ruche.announcements.services import announcement_publish
from ruche.api import cards as api_cards
from ruche.communities.services.membership import community_join
from ruche.feed import memo
from ruche.feed.choices import FILTERS, ORDERS, Choice
from ruche.posts.services import post_create, reaction_set
from ruche.qa.services import question_ask
from ruche.web import cards as web_cards
from tests.feed.test_views import FLUSH

pytestmark = pytest.mark.django_db


def ids(response) -> list[int]:
    return [p.pk for p in response.context["page"]]


def test_a_choice_made_on_the_page_is_kept_for_the_next_visit_and_the_api(
    alice, bruno, client, api_as, side_effects
):
    user_follow(follower=alice, followed=bruno)
    with side_effects():
        question = question_ask(author=bruno, body="Qui sait ?")
        post_create(author=bruno, body="Pas une question")
    client.force_login(alice)
    response = client.get("/", {"filter": "questions", "order": "relevant"})
    assert response.status_code == 200 and ids(response) == [question.pk]
    again = client.get("/")
    assert again.context["reading"].choice == response.context["reading"].choice
    assert ids(again) == [question.pk]
    page = again.content.decode()
    assert 'aria-current="page">Questions</a>' in page and 'aria-current="page">Most relevant</a>' in page
    data = api_as(alice).get("/feed/").json()
    assert (data["filter"], data["order"], data["notice"]) == ("questions", "relevant", None)
    assert [p["id"] for p in data["items"]] == [question.pk]
    # A choice made through the API is kept too, for the page.
    api_as(alice).get("/feed/", filter="following", order="recent")
    assert client.get("/").context["reading"].choice == Choice("following", "recent")


def test_an_unknown_filter_shows_everything_and_keeps_the_persons_choice(alice, client, api_as):
    client.force_login(alice)
    client.get("/", {"filter": "questions", "order": "relevant"})
    response = client.get("/", {"filter": "nothing"})
    assert response.status_code == 200
    assert "There is no feed filter “nothing”: here is everything." in response.content.decode()
    # The fallback is shown (everything, the remembered order); a mistyped link does not replace
    # the person's own choice.
    assert response.context["reading"].choice == Choice("all", "relevant")
    stored = User.objects.get(pk=alice.pk)
    assert (stored.feed_filter, stored.feed_order) == ("questions", "relevant")
    assert client.get("/").context["reading"].choice == Choice("questions", "relevant")


def test_a_page_link_does_not_change_the_remembered_choice(alice, bruno, client, settings, side_effects):
    settings.FEED_PAGE_SIZE = 1
    user_follow(follower=alice, followed=bruno)
    with side_effects():
        for i in range(3):
            post_create(author=bruno, body=f"Message {i}")
    client.force_login(alice)
    first = client.get("/", {"filter": "following", "order": "recent"})
    cursor = first.context["page"].next_cursor
    assert cursor and f"cursor={cursor.replace(':', '%3A')}" in first.content.decode()
    User.objects.filter(pk=alice.pk).update(feed_filter="all", feed_order="relevant")
    client.get("/", {"cursor": "all:relevant:r5-1"})
    stored = User.objects.get(pk=alice.pk)
    assert (stored.feed_filter, stored.feed_order) == ("all", "relevant")


def test_htmx_filter_tabs_get_only_the_feed_part(alice, bruno, client, side_effects):
    user_follow(follower=alice, followed=bruno)
    with side_effects():
        post_create(author=bruno, body="Un message à lire")
    client.force_login(alice)
    response = client.get(
        "/", {"filter": "following", "order": "relevant"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="home-feed"
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page and 'class="feed-choices"' in page and "Un message à lire" in page
    assert 'id="home-feed"' not in page and "composer" not in page
    # "Load more" (htmx, no target): the page's posts only, without the tabs.
    more = client.get(
        "/", {"filter": "following", "order": "recent"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in more and "feed-choices" not in more and "Un message à lire" in more
    # Without htmx: the whole page, the feed in its section.
    full = client.get("/").content.decode()
    assert "<html" in full and 'id="home-feed"' in full and 'class="feed-choices"' in full


BAD = [
    ({"filter": "nothing"}, "There is no feed filter “nothing”: here is everything."),
    ({"order": "best"}, "There is no feed order “best”: here are the most recent posts."),
    ({"cursor": "following:recent:5"}, "That page link is out of date or damaged: here is the first page."),
    ({"cursor": "all:recent:-1"}, "That page link is out of date or damaged: here is the first page."),
    (
        {"filter": "questions", "before": 5},
        "That page link is out of date or damaged: here is the first page.",
    ),
]


@pytest.mark.parametrize(("params", "notice"), BAD, ids=[str(p) for p, _ in BAD])
def test_bad_input_gives_the_first_page_and_a_notice(
    alice, bruno, api_as, client, side_effects, params, notice
):
    user_follow(follower=alice, followed=bruno)
    with side_effects():
        post = post_create(author=bruno, body="Toujours là")
    response = api_as(alice).get("/feed/", **params)
    assert response.status_code == 200
    data = response.json()
    assert data["notice"] == notice and data["filter"] in FILTERS and data["order"] in ORDERS
    assert [p["id"] for p in data["items"]] == [post.pk] or data["filter"] == "questions"
    client.force_login(alice)
    page = client.get("/", params)
    assert page.status_code == 200 and page.context["reading"].problem == notice


@pytest.mark.parametrize(
    "params",
    [
        {"cursor": "all:recent:" + "9" * 48},
        {"cursor": "é" * 60},
        {"filter": "x" * 10_000},
        {"order": "y" * 100},
        {"filter": "", "order": ""},
        {"cursor": ""},
        {"before": "abc"},
        {"before": "-5"},
        {"filter": "questions", "order": "relevant", "cursor": "questions:relevant:r1-9999"},
    ],
)
def test_the_home_page_never_fails_on_bad_input(alice, client, params):
    client.force_login(alice)
    response = client.get("/", params)
    assert response.status_code == 200
    assert response.context["reading"].problem or response.context["page"].items == []


@pytest.mark.parametrize("params", [{"cursor": "\x00"}, {"filter": "a\x00b"}, {"order": "\x00" * 100}])
def test_a_nul_is_refused_before_the_feed_by_the_input_guard(alice, client, api_as, params):
    # ruche.web.middleware.InputGuardMiddleware: 400 on pages, 422 naming the field in the API.
    client.force_login(alice)
    assert client.get("/", params).status_code == 400
    response = api_as(alice).get("/feed/", **params)
    assert response.status_code == 422 and response.json()["field"] == next(iter(params))


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"cursor": "x" * 60}, 200),
        ({"cursor": "x" * 61}, 422),  # the API's schema bounds a cursor's length, naming the field
        ({"filter": "x" * 10_000}, 200),
        ({"filter": "", "order": ""}, 200),
        ({"before": "abc"}, 422),
    ],
)
def test_the_api_never_fails_on_bad_input(alice, api_as, params, status):
    response = api_as(alice).get("/feed/", **params)
    assert response.status_code == status
    if status == 200:
        assert response.json()["notice"]
    else:
        assert response.json()["field"] == next(iter(params))


@pytest.fixture
def announcements(alice, make_user):
    announcer = make_user("Claire", "Comms", is_announcer=True)
    return [
        announcement_publish(author=announcer, title=f"Annonce {i}", body="Détails.", everyone=True).pk
        for i in range(3)
    ]


def test_the_announcements_filter_through_the_api(alice, api_as, announcements):
    api = api_as(alice)
    first = api.get("/feed/", filter="announcements", order="relevant", limit=2).json()
    assert first["items"] == [] and first["filter"] == "announcements"
    assert [r["announcement"]["id"] for r in first["announcements"]] == announcements[:0:-1]
    assert first["next_cursor"] == f"announcements:relevant:{announcements[1]}"
    second = api.get("/feed/", filter="announcements", order="relevant", cursor=first["next_cursor"], limit=2)
    assert [r["announcement"]["id"] for r in second.json()["announcements"]] == [announcements[0]]
    assert second.json()["next_cursor"] is None
    # Other filters carry no announcements.
    assert api.get("/feed/", filter="all").json()["announcements"] is None


def test_the_announcements_filter_on_the_page(alice, client, announcements, settings):
    settings.FEED_PAGE_SIZE = 2
    client.force_login(alice)
    response = client.get(
        "/", {"filter": "announcements"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="home-feed"
    )
    page = response.content.decode()  # the feed part only (the page above it pins what is unread)
    assert "Annonce 2" in page and "Annonce 1" in page and "Annonce 0" not in page
    assert 'class="feed-orders"' not in page  # newest first, whatever the order
    cursor = response.context["page"].next_cursor
    more = client.get("/", {"filter": "announcements", "cursor": cursor}, HTTP_HX_REQUEST="true")
    assert "Annonce 0" in more.content.decode() and "Annonce 2" not in more.content.decode()


def test_nothing_new_since_the_last_visit(alice, client):
    client.force_login(alice)
    response = client.get("/", {"filter": "unread"})
    assert response.status_code == 200 and "Nothing new since your last visit." in response.content.decode()


# --- Query counts: the same for a page of 3 posts and one of 10 ----------------------------------

KINDS = ["like", "bravo", "love", "insightful", "funny"]


def heavy_posts(alice, authors, community, n: int) -> None:
    """`n` posts in Alice's feed by `authors` in turn, every other one in `community`, every third a
    question, each with replies (some answering) and reactions from several people, Alice among them."""
    everyone = [alice, *authors]
    for i in range(n):
        where = [community] if i % 2 else []
        author = authors[i % len(authors)]
        if i % 3 == 1:
            post = question_ask(author=author, body=f"Question {i} ? #qualite", communities=where)
        else:
            post = post_create(author=author, body=f"Message {i} #qualite", communities=where)
        for j in range(3):
            reply = post_create(author=everyone[(i + j) % len(everyone)], body=f"Réponse {j}", parent=post)
            reaction_set(post=reply, user=everyone[(i + j + 1) % len(everyone)], kind=KINDS[j])
        for j, person in enumerate(everyone):
            reaction_set(post=post, user=person, kind=KINDS[(i + j) % len(KINDS)])


@pytest.fixture
def heavy_feed(alice, busy, make_community, settings, side_effects):
    settings.FEED_LARGE_AUDIENCE = 0  # Alice's sources are pulled at read time as well
    atelier = make_community("Atelier", members=busy)
    community_join(community=atelier, user=alice)

    def make(n: int) -> None:
        with side_effects():
            heavy_posts(alice, busy, atelier, n)

    return make


# Whatever the page's length (3 posts or 10, each with replies, reactions, communities, questions).
# Most recent: the choice's ids (entries, large sources, pulled posts: one query per kind of large
# source, here all three; questions read two phases, more), the cards, hydrate()'s queries (one
# more with questions), the reasons' community roles, and the page's side column. Most relevant adds the ranking's facts: the window's posts, placements, followed
# tags and authors, expert requests, answers to my questions, three affinities. The API spares the side
# column and the session. Lower a figure when a query goes away.
PAGE_QUERIES = {
    ("all", "recent"): 22,
    ("communities", "recent"): 21,
    ("questions", "recent"): 26,
    ("all", "relevant"): 28,
    ("communities", "relevant"): 28,
    ("questions", "relevant"): 28,
}
API_QUERIES = {
    ("all", "recent"): 14,
    ("communities", "recent"): 14,
    ("questions", "recent"): 18,
    ("unread", "recent"): 14,
    ("all", "relevant"): 22,
    ("communities", "relevant"): 22,
    ("questions", "relevant"): 22,
    ("unread", "relevant"): 22,
}


def page_queries(client, queries_of, choice: dict) -> tuple[int, int, list[int]]:
    """The queries of the page drawn afresh, then of the same page again (its cards kept)."""
    client.get("/notifications/")

    def fresh_page():
        web_cards.forget_all()
        memo.forget()
        return client.get("/", choice)

    fresh, response = queries_of(fresh_page)
    assert response.status_code == 200
    again, _response = queries_of(lambda: client.get("/", choice))
    return fresh, again, [p.pk for p in response.context["page"]]


# A page whose posts all have a kept card spares the cards and hydrate(), and reads the posts' facts
# and the reader's reactions instead; a page with some kept cards reads both: at most two more.
KEPT_MORE = 2


@pytest.mark.parametrize("order", list(ORDERS))
@pytest.mark.parametrize("filter", ["all", "communities", "questions"])
def test_home_page_query_count_does_not_grow_with_the_page(
    alice, client, heavy_feed, queries_of, settings, filter, order
):
    settings.FEED_PAGE_SIZE = 10
    client.force_login(alice)
    heavy_feed(3)
    small, small_kept, shown = page_queries(client, queries_of, {"filter": filter, "order": order})
    assert 1 <= len(shown) <= 3
    heavy_feed(9)
    large, large_kept, shown = page_queries(client, queries_of, {"filter": filter, "order": order})
    assert len(shown) >= 4 if filter != "all" else len(shown) == 10
    assert small == large <= PAGE_QUERIES[filter, order] + FLUSH
    assert max(small_kept, large_kept) <= large + KEPT_MORE


@pytest.mark.parametrize("order", list(ORDERS))
@pytest.mark.parametrize("filter", ["all", "communities", "questions", "unread"])
def test_api_query_count_does_not_grow_with_the_page(alice, api_as, heavy_feed, queries_of, filter, order):
    api = api_as(alice)

    def fresh_page():
        api_cards.store.forget_all()
        memo.forget()
        return api.get("/feed/", filter=filter, order=order, limit=10)

    def counts() -> tuple[int, int, dict]:
        fresh, response = queries_of(fresh_page)
        again, _response = queries_of(lambda: api.get("/feed/", filter=filter, order=order, limit=10))
        return fresh, again, response.json()

    heavy_feed(3)
    small, small_kept, answer = counts()
    assert 1 <= len(answer["items"]) <= 3
    heavy_feed(9)
    large, large_kept, answer = counts()
    assert len(answer["items"]) >= 4
    assert small == large <= API_QUERIES[filter, order] + FLUSH
    assert max(small_kept, large_kept) <= large + KEPT_MORE


def test_a_page_of_kept_cards_loads_no_post(bruno, client, api_as, alice, queries_of, settings, side_effects):
    """Posts by others, nothing personal in them: drawn once, then read from their kept cards."""
    settings.FEED_PAGE_SIZE = 10
    user_follow(follower=bruno, followed=alice)
    with side_effects():
        for n in range(6):
            post_create(author=alice, body=f"Note {n} #atelier")
    client.force_login(bruno)
    fresh, again, shown = page_queries(client, queries_of, {"filter": "all", "order": "recent"})
    assert len(shown) == 6 and again <= fresh - 4
    api = api_as(bruno)
    api_fresh, _ = queries_of(
        lambda: (api_cards.store.forget_all(), memo.forget(), api.get("/feed/", limit=10))[2]
    )
    api_again, response = queries_of(lambda: api.get("/feed/", limit=10))
    assert len(response.json()["items"]) == 6 and api_again <= api_fresh - 4
