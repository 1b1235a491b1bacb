import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ruche.accounts.services import profile_update
from ruche.communities.models import Community
from ruche.posts.services import post_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_bruno(client, bruno):
    client.force_login(bruno)
    return client


def page(client, **params):
    response = client.get("/search/", params)
    assert response.status_code == 200
    return response.content.decode()


def test_header_box_on_every_page(as_bruno):
    html = as_bruno.get("/").content.decode()
    assert 'action="/search/"' in html and 'id="header-q"' in html and 'role="search"' in html


def test_results_grouped_highlighted_and_escaped(as_bruno, alice, side_effects):
    with side_effects():
        post_create(author=alice, body="<script>alert(1)</script> Le **réseau** de Lyon")
        profile_update(profile=alice.profile, by=alice, job_title="Animatrice réseau", skills=["Réseaux"])
    html = page(as_bruno, q="reseau")
    assert 'id="group-post"' in html and 'id="group-person"' in html
    assert "<mark>réseau</mark>" in html and "Animatrice <mark>réseau</mark>" in html
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_kind_tab_and_more(as_bruno, alice, side_effects, monkeypatch):
    from ruche.search import selectors

    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    with side_effects():
        for i in range(3):
            post_create(author=alice, body=f"Bilan trimestriel {i}")
    html = page(as_bruno, q="bilan", kind="post")
    assert html.count('class="search-hit"') == 2 and "offset=2" in html
    html = page(as_bruno, q="bilan", kind="post", offset=2)
    assert html.count('class="search-hit"') == 1 and "offset=" not in html.split('id="search-results"')[1]


@pytest.mark.parametrize("q", ["", '"', "x" * 10_240, "'; DROP TABLE posts_post; --", "NEAR AND OR *"])
def test_bad_input_is_a_page_not_an_error(as_bruno, q):
    html = page(as_bruno, q=q)
    assert 'id="search-results"' in html


def test_empty_and_too_long_get_a_message(as_bruno):
    assert "Type a word or two" in page(as_bruno, q="  ")
    assert "too long" in page(as_bruno, q="x" * 10_240)
    assert "Nothing found" in page(as_bruno, q="introuvable")


def test_invalid_filters_are_reported(as_bruno):
    html = page(as_bruno, q="x", since="pas-une-date", community="abc")
    assert 'class="form-error"' in html


def test_experts_tab(as_bruno, alice, side_effects):
    with side_effects():
        profile_update(profile=alice.profile, by=alice, skills=["Soudure"])
        post_create(author=alice, body="Astuces de soudure à l'arc")
    html = page(as_bruno, q="soudure", kind="experts")
    assert "Alice Martin" in html and "1 skill, 1 post on the topic" in html


def test_htmx_gets_the_results_only(as_bruno, alice, side_effects):
    with side_effects():
        post_create(author=alice, body="Fragment htmx")
    response = as_bruno.get("/search/", {"q": "fragment"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'id="search-results"' in html and "<html" not in html


def test_needs_login(client):
    assert client.get("/search/", {"q": "x"}).status_code == 302


def _queries(client, **params) -> int:
    page(client, **params)  # settings read once and cached (the profile rules) are not the page's
    with CaptureQueriesContext(connection) as captured:
        page(client, **params)
    return len(captured)


def test_query_count_does_not_grow_with_results(
    as_bruno, alice, make_user, make_community, side_effects, rebuild
):
    """Pinned: per kind, the index, the visibility check and one page load; plus the page's own."""
    with side_effects():
        post_create(author=alice, body="Inventaire un")
        post_create(author=alice, body="Rien", parent=post_create(author=alice, body="Inventaire deux"))
    small_all, small_posts = (
        _queries(as_bruno, q="inventaire"),
        _queries(as_bruno, q="inventaire", kind="post"),
    )
    people = [make_user("Ines", f"Inventaire{i}") for i in range(6)]
    for i in range(6):
        make_community(f"Inventaire {i}", visibility=Community.Visibility.PUBLIC, owner=people[i])
    with side_effects():
        for i in range(15):
            parent = post_create(author=people[i % 6], body=f"Inventaire {i} #inventaire{i}")
            post_create(author=alice, body=f"Inventaire réponse {i}", parent=parent)
    rebuild()
    # PostgreSQL checks post visibility with a local planner setting: SAVEPOINT, SET, RESET, RELEASE.
    pg = 4 if connection.vendor == "postgresql" else 0
    # Two more (visibility, load) for each kind that now has hits (replies, people, communities,
    # hashtags), none per hit.
    assert _queries(as_bruno, q="inventaire") == small_all + 8 + pg
    assert _queries(as_bruno, q="inventaire", kind="post") == small_posts
    assert _queries(as_bruno, q="inventaire") <= 23 + 2 * pg
    assert _queries(as_bruno, q="inventaire", kind="post") <= 10 + pg
    assert _queries(as_bruno, q="inventaire", kind="experts") <= 13 + 2 * pg
