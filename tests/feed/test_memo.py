"""The first page of the home feed, kept for its reader (ruche/feed/memo.py): given again only while
nothing it shows has changed, with each request's own values, never to anyone else.

What each change to a card does to a kept page is tested with the cards' changes
(tests/web/test_cards.py, "page kept"); here, what is the page's own: new posts from each kind of
source, the per-request values (CSRF token, one-time form tokens), the notifications' count, the
messages, the time limits, and the JSON API."""

import json
import re
from types import SimpleNamespace

import pytest
from django.test import Client

from ruche.accounts.services import user_follow
from ruche.communities.models import Community, Placement
from ruche.communities.services.membership import community_leave
from ruche.feed import memo
from ruche.feed.selectors import _rankings
from ruche.notifications.services import notifications_mark_all_read
from ruche.posts.models import Hashtag
from ruche.posts.services import hashtag_follow, post_create, post_delete, post_edit, post_share, reaction_set
from ruche.qa.services import answer_accept, answer_vote, question_ask
from tests.feed.test_views import FLUSH

TOKENS = re.compile(r'(name="(?:csrfmiddlewaretoken|client_token)" value=")[^"]+|("X-CSRFToken": ")[^"]+')


@pytest.fixture
def given(kept_pages_given) -> list:
    return kept_pages_given


@pytest.fixture
def w(alice, bruno, chloe, david, make_community, side_effects, settings):
    """Bruno follows Alice and the hashtag #qualite, and belongs to the private community Atelier; his page shows their
    posts, none his own, none a question: it may be kept."""
    settings.FEED_LARGE_AUDIENCE = 1000  # fanned out; a test lowers it to pull at read time
    atelier = make_community("Atelier", visibility=Community.Visibility.PRIVATE, members=[bruno, chloe])
    user_follow(follower=bruno, followed=alice)
    with side_effects():
        first = post_create(author=alice, body="Première note #qualite")
        post_create(author=chloe, body="Dans la forge", communities=[atelier])
    hashtag_follow(user=bruno, hashtag=Hashtag.objects.get(key="qualite"))
    return SimpleNamespace(alice=alice, bruno=bruno, chloe=chloe, david=david, atelier=atelier, first=first)


def page(client, url="/") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def kept(client, url="/") -> str:
    """The page drawn, and kept."""
    return page(client, url)


def signed_in(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def test_a_kept_page_is_the_page_drawn(w, given, monkeypatch):
    client = signed_in(w.bruno)
    drawn = kept(client)
    again = page(client)
    assert len(given) == 1
    assert TOKENS.sub(r"\1\2…", again) == TOKENS.sub(r"\1\2…", drawn)
    assert "Première note" in again and "Dans la forge" in again


def test_each_request_gets_its_own_tokens_and_they_work(w, given):
    """The CSRF token is the browser's (a kept page may have been drawn for another of the reader's
    browsers); a one-time form token is new on every page, or two posts would be taken for one."""
    first, second = signed_in(w.bruno), signed_in(w.bruno, enforce_csrf_checks=True)
    drawn = kept(first)
    again = page(second)
    assert len(given) == 1
    csrf = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', again)
    assert csrf and csrf[0] not in drawn and len(set(csrf)) == 1
    assert set(re.findall(r'"X-CSRFToken": "([^"]+)"', again)) == {csrf[0]}
    tokens = re.findall(r'name="client_token" value="([^"]+)"', again)
    assert tokens and not set(tokens) & set(re.findall(r'name="client_token" value="([^"]+)"', drawn))
    assert len(set(tokens)) == len(tokens)  # one per form
    answer = second.post("/posts/new/", {"body": "Depuis la page gardée", "csrfmiddlewaretoken": csrf[0]})
    assert answer.status_code in {200, 302}
    assert "Depuis la page gardée" in page(second)


def test_the_notifications_count_on_a_kept_page_is_the_current_one(w, given, side_effects):
    """The count is kept with the page while what decides it holds (its signature, read with the
    stamps): a notification, one read, or its post deleted draws the page again."""
    client = signed_in(w.bruno)
    badge = r'data-testid="unread-badge">{}<span class="visually-hidden"> unread</span>'
    assert 'data-testid="unread-badge"' not in kept(client)
    with side_effects():
        user_follow(follower=w.david, followed=w.bruno)  # tells Bruno; his page does not change
        mention = post_create(author=w.david, body=f"Pour @{w.bruno.handle}")
    assert re.search(badge.format(2), page(client)) and given == []
    assert re.search(badge.format(2), page(client)) and len(given) == 1
    post_delete(post=mention, by=w.david)
    assert re.search(badge.format(1), page(client)) and len(given) == 1
    notifications_mark_all_read(user=w.bruno)
    assert 'data-testid="unread-badge"' not in page(client) and len(given) == 1
    assert 'data-testid="unread-badge"' not in page(client) and len(given) == 2


NEW_POSTS = {
    "from a followed person": lambda w: post_create(author=w.alice, body="Nouvelle"),
    "with a followed hashtag": lambda w: post_create(author=w.david, body="Nouvelle #qualite"),
    "in his community": lambda w: post_create(author=w.chloe, body="Nouvelle", communities=[w.atelier]),
    "mentioning him": lambda w: post_create(author=w.david, body=f"Nouvelle pour @{w.bruno.handle}"),
}


@pytest.mark.parametrize("pulled", [False, True], ids=["fanned out", "pulled"])
@pytest.mark.parametrize("source", NEW_POSTS)
def test_a_new_post_shows_on_the_next_page(w, given, side_effects, settings, source, pulled):
    if pulled:
        settings.FEED_LARGE_AUDIENCE = 0  # every source read when the page is, none fanned out
    client = signed_in(w.bruno)
    kept(client)
    page(client)
    assert len(given) == 1
    with side_effects():
        NEW_POSTS[source](w)
    assert "<p>Nouvelle" in page(client)
    assert len(given) == 1


def test_a_reader_who_leaves_a_community_no_longer_sees_its_posts(w, given, side_effects):
    client = signed_in(w.bruno)
    kept(client)
    assert "Dans la forge" in page(client) and len(given) == 1
    community_leave(community=w.atelier, user=w.bruno)
    assert "Dans la forge" not in page(client)


def test_a_page_is_kept_for_its_reader_only(w, given, side_effects):
    kept(signed_in(w.bruno))
    assert f'<li><a href="{w.david.get_absolute_url()}">' in page(signed_in(w.david))
    assert given == []


def test_a_page_with_a_message_to_show_is_drawn(w, given):
    """A message is shown once, by the page that reads it: that page is drawn, not given."""
    client = signed_in(w.bruno)
    kept(client)
    # Unsaving a post never saved changes nothing the page shows, and says so.
    answer = client.post(f"/posts/{w.first.pk}/save/", {"saved": "0", "next": "/"}, follow=True)
    assert "Removed from your saved posts." in answer.content.decode()
    assert given == []
    assert "Removed from your saved posts." not in page(client)
    assert len(given) == 1


def drawn_afresh(client, url="/") -> str:
    """The page as it would be drawn now, no kept page given (tokens aside)."""
    memo.forget()
    return TOKENS.sub(r"\1\2…", page(client, url))


def given_again(client, given, url="/") -> str:
    """The page, given from the kept one (tokens aside)."""
    count = len(given)
    html = page(client, url)
    assert len(given) == count + 1, "the page was drawn, not given again"
    return TOKENS.sub(r"\1\2…", html)


def test_a_page_with_a_question_is_kept_and_follows_its_answers(w, given, side_effects):
    """A question's card shows its answers, their votes, the reader's own, and the accepted one."""
    with side_effects():
        question = question_ask(author=w.alice, body="Qui connaît l'ISO 9001 ?")
    client = signed_in(w.bruno)
    changes = [
        lambda: post_create(author=w.david, body="Moi, depuis le dernier audit", parent=question),
        lambda: answer_vote(user=w.bruno, answer=question.replies.get()),  # his own vote
        lambda: answer_vote(user=w.chloe, answer=question.replies.get()),
        lambda: answer_accept(by=w.alice, answer=question.replies.get()),
    ]
    shown = ["Moi, depuis le dernier audit", 'aria-pressed="true">▲ 1<', "▲ 2<", "Accepted answer"]
    for change, text in zip(changes, shown, strict=True):
        drawn_afresh(client)
        before = given_again(client, given)
        with side_effects():
            change()
        after = page(client)
        assert text not in before and text in after
        assert TOKENS.sub(r"\1\2…", after) == drawn_afresh(client)


def test_a_page_with_a_share_is_kept_and_follows_its_original(w, given, side_effects):
    """A share's card shows its original as the reader may see it: edited, moved out of the reader's
    reach (a private community), the next page shows it, though neither the original nor its author
    is otherwise on the page."""
    with side_effects():
        original = post_create(author=w.david, body="Nouvelle presse en mars")
        post_share(author=w.alice, original=original, body="À lire")
    secret = Community.objects.create(
        name="Direction", slug="direction", created_by=w.david, visibility=Community.Visibility.PRIVATE
    )
    client = signed_in(w.bruno)
    changes = [
        (lambda: post_edit(post=original, by=w.david, body="Nouvelle presse en avril"), "en avril"),
        (lambda: Placement.objects.create(post=original, community=secret), "en avril"),
    ]
    for number, (change, text) in enumerate(changes):
        drawn_afresh(client)
        before = given_again(client, given)
        with side_effects():
            change()
        after = TOKENS.sub(r"\1\2…", page(client))
        assert after == drawn_afresh(client)
        assert (text in after) != bool(number) and before != after


def test_a_page_with_the_readers_own_post_is_kept_and_follows_it(w, given, side_effects):
    """Drawn for its reader (their own words, their rights on them), from what the stamps follow."""
    with side_effects():
        own = post_create(author=w.bruno, body="Mon message")
    client = signed_in(w.bruno)
    kept(client)
    assert "Mon message" in page(client) and len(given) == 1
    post_edit(post=own, by=w.bruno, body="Mon message corrigé")
    assert "Mon message corrigé" in page(client)
    assert len(given) == 1


def test_a_kept_page_lasts_a_minute_at_most(w, given, monkeypatch):
    client = signed_in(w.bruno)
    kept(client)
    clock = memo.time.monotonic()
    monkeypatch.setattr(memo.time, "monotonic", lambda: clock + memo.KEPT_SECONDS + 1)
    page(client)
    assert given == []


def test_the_most_relevant_order_is_kept_no_longer_than_its_ranking(w, given, side_effects):
    client = signed_in(w.bruno)
    kept(client, "/?order=relevant")
    page(client, "/?order=relevant")
    assert len(given) == 1
    [relevant] = [v for k, v in memo._pages.items() if "relevant" in k[2]]
    assert relevant.until <= max(until for until, _ranked in _rankings.values())


def test_the_api_keeps_its_first_page_too(w, given, api_as, side_effects):
    api = api_as(w.bruno)
    drawn = api.get("/feed/").content
    assert api.get("/feed/").content == drawn and len(given) == 1
    assert api.get("/feed/", cursor=json.loads(drawn)["next_cursor"] or "").status_code == 200
    with side_effects():
        reaction_set(post=w.first, user=w.chloe, kind="like")
    items = {item["id"]: item for item in api.get("/feed/").json()["items"]}
    assert items[w.first.pk]["reaction_count"] == 1
    assert len(given) == 1


def test_the_api_keeps_a_page_with_a_question_and_a_share_and_follows_them(w, given, api_as, side_effects):
    with side_effects():
        question = question_ask(author=w.alice, body="Qui connaît l'ISO 9001 ?")
        answer = post_create(author=w.david, body="Moi", parent=question)
        original = post_create(author=w.david, body="Nouvelle presse en mars")
        post_share(author=w.alice, original=original, body="À lire")
    api = api_as(w.bruno)
    api.get("/feed/")
    for change in (
        lambda: answer_accept(by=w.alice, answer=answer),
        lambda: post_edit(post=original, by=w.david, body="Nouvelle presse en avril"),
    ):
        before = api.get("/feed/").content
        assert len(given) == 1
        with side_effects():
            change()
        after = api.get("/feed/").content
        memo.forget()
        assert after != before and after == api.get("/feed/").content
        given.clear()


# What a page given again costs, whatever it shows: the session, the person, and one query for
# the stamps with the notifications' count's signature. (With Redis, as the PostgreSQL leg runs,
# the session is read from it; PostgreSQL's tests apply their transaction's stamps first: FLUSH.)
KEPT_QUERIES = 3


def test_a_page_given_again_costs_three_queries(w, given, api_as, django_assert_max_num_queries):
    client, api = signed_in(w.bruno), api_as(w.bruno)
    kept(client), api.get("/feed/")
    with django_assert_max_num_queries(KEPT_QUERIES + FLUSH):
        page(client)
    with django_assert_max_num_queries(KEPT_QUERIES + FLUSH):
        assert api.get("/feed/").status_code == 200
    assert len(given) == 2
