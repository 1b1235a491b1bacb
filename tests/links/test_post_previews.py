"""A post's link preview, end to end: written with the post, fetched after commit, shown on the
card with an image served by Ruche to those who may read the post, hidden by its author."""

import io

import pytest
from PIL import Image

from ruche.communities.models import Community
from ruche.links.models import LinkPreview
from ruche.posts.models import Post
from ruche.posts.services import post_create, post_edit
from tests.feed.test_views import HOME_QUERIES
from tests.local_sites import LocalSite


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (1200, 630), (200, 120, 30)).save(out, "JPEG")
    return out.getvalue()


def page(title: str) -> tuple[int, dict, bytes]:
    html = f"""<html><head><meta property="og:title" content="{title}">
    <meta property="og:description" content="Toute l'actualité de l'usine"><meta property="og:site_name" content="L'Usine">
    <meta property="og:image" content="/cover.jpg"></head></html>"""
    return 200, {"Content-Type": "text/html; charset=utf-8"}, html.encode()


@pytest.fixture
def site(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    routes = {
        "/article": page("Robots de soudure"),
        "/other": page("Nouvelle ligne"),
        "/cover.jpg": (200, {"Content-Type": "image/jpeg"}, jpeg()),
    }
    with LocalSite(routes) as local:
        settings.FETCH_ALLOWED_HOSTS = [local.allowed]
        yield local


def card_of(client, post) -> str:
    return client.get(post.get_absolute_url()).content.decode()


def test_a_post_with_a_link_shows_its_preview_and_the_image_comes_from_ruche(
    client, site, alice, bruno, side_effects
):
    with side_effects():
        post = post_create(author=alice, body=f"À lire : {site.url('/article')}")
    preview = Post.objects.get(pk=post.pk).link_preview
    assert preview.status == LinkPreview.Status.READY
    client.force_login(bruno)
    html = card_of(client, post)
    assert (
        "Robots de soudure" in html and "L&#39;Usine" in html and f'src="/media/{preview.image.name}"' in html
    )
    assert site.url("/cover.jpg") not in html  # the reader's browser never asks the site
    assert client.get(f"/media/{preview.image.name}").status_code == 200


def test_the_preview_image_is_served_only_to_those_who_may_read_a_post_showing_it(
    client, site, alice, bruno, make_community, side_effects
):
    secret = make_community("Fusion", visibility=Community.Visibility.SECRET, members=[alice])
    with side_effects():
        post = post_create(author=alice, body=site.url("/article"), communities=[secret])
    name = Post.objects.get(pk=post.pk).link_preview.image.name
    client.force_login(bruno)
    assert client.get(f"/media/{name}").status_code == 404
    client.force_login(alice)
    assert client.get(f"/media/{name}").status_code == 200


def test_the_author_hides_the_preview_and_nobody_else_can(client, site, alice, bruno, side_effects):
    with side_effects():
        post = post_create(author=alice, body=site.url("/article"))
    client.force_login(bruno)
    assert client.post(f"/posts/{post.pk}/preview/hide/").status_code == 403
    client.force_login(alice)
    response = client.post(f"/posts/{post.pk}/preview/hide/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Robots de soudure" not in response.content.decode()
    assert site.url("/article") in card_of(client, post)  # the address stays a link
    with side_effects():  # another address: its preview shows
        post_edit(post=Post.objects.get(pk=post.pk), by=alice, body=f"Plutôt {site.url('/other')}")
    assert "Nouvelle ligne" in card_of(client, post)


def test_a_page_that_cannot_be_fetched_never_holds_the_post_back(client, site, alice, side_effects):
    with side_effects():
        post = post_create(author=alice, body=f"Voir {site.url('/missing')}")
    client.force_login(alice)
    html = card_of(client, post)
    assert "Voir" in html and "link-preview" not in html


def test_replies_and_posts_without_links_fetch_nothing(site, alice, side_effects):
    with side_effects():
        post = post_create(author=alice, body="Bonjour à tous")
        post_create(author=alice, body=f"Réponse {site.url('/article')}", parent=post)
    assert not LinkPreview.objects.exists() and site.connections == 0


def test_previews_cost_no_query_on_the_home_feed(
    client, site, alice, busy, side_effects, django_assert_max_num_queries
):
    with side_effects():
        for n, person in enumerate(busy * 3):
            post_create(
                author=person, body=f"Article {n} : {site.url('/article') if n % 2 else site.url('/other')}"
            )
    client.force_login(alice)
    client.get("/")
    with django_assert_max_num_queries(HOME_QUERIES):
        html = client.get("/").content.decode()
    assert html.count('class="link-preview') >= 5


def test_an_address_longer_than_any_page_is_a_link_without_preview_and_the_post_is_kept(
    site, alice, side_effects
):
    address = site.url("/article?q=" + "x" * 3000)
    with side_effects():
        post = post_create(author=alice, body=f"Voir {address}")
    assert Post.objects.get(pk=post.pk).link_preview is None and not LinkPreview.objects.exists()
