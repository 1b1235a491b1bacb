"""The home and company pages cost the same number of queries whether their cards carry nothing or a
photo, a PDF and a link preview each (and a reply with a photo): attachments and previews are
fetched for the whole page at once, never card by card."""

import io

import pytest
from PIL import Image

from ruche.feed import memo
from ruche.files.services import attachment_upload
from ruche.posts.services import post_create
from tests.feed.test_views import COMPANY_QUERIES, FLUSH, HOME_QUERIES
from tests.files.conftest import PDF, upload
from tests.local_sites import LocalSite

ARTICLES = 20


def jpeg(colour=(40, 120, 90)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (400, 300), colour).save(out, "JPEG")
    return out.getvalue()


def article(n: int) -> tuple[int, dict, bytes]:
    html = f"""<html><head><meta property="og:title" content="Article {n}">
    <meta property="og:description" content="La vie de l'usine"><meta property="og:image" content="/cover.jpg">
    </head></html>"""
    return 200, {"Content-Type": "text/html; charset=utf-8"}, html.encode()


@pytest.fixture
def site(settings):
    routes = {f"/article/{n}": article(n) for n in range(ARTICLES)}
    routes["/cover.jpg"] = (200, {"Content-Type": "image/jpeg"}, jpeg((200, 120, 30)))
    with LocalSite(routes) as local:
        settings.FETCH_ALLOWED_HOSTS = [local.allowed]
        yield local


def publish(authors, readers, site, numbers) -> None:
    """A post per number, each with a photo, a PDF and a link of its own, and a reply with a photo."""
    for n in numbers:
        author, reader = authors[n % len(authors)], readers[n % len(readers)]
        files = [
            attachment_upload(uploader=author, upload=upload(f"atelier {n}.jpg", jpeg())).pk,
            attachment_upload(uploader=author, upload=upload(f"compte rendu {n}.pdf", PDF)).pk,
        ]
        post = post_create(
            author=author, body=f"Nouvelles {n} : {site.url(f'/article/{n}')}", attachments=files
        )
        photo = attachment_upload(uploader=reader, upload=upload(f"réponse {n}.jpg", jpeg())).pk
        post_create(author=reader, body=f"Réponse {n}", parent=post, attachments=[photo])


def counted(queries_of, client, url: str, cards: int) -> int:
    count, response = queries_of(lambda: (memo.forget(), client.get(url))[1])  # drawn, not given as kept
    html = response.content.decode()
    assert len(response.context["page"].items) == cards
    assert html.count('<div class="link-preview') == cards and html.count('class="document-tile"') == cards
    assert html.count('class="attachment-images') == 2 * cards  # the post's photo and its reply's
    return count


def test_the_home_page_with_files_and_previews_costs_the_same_for_5_and_20_posts(
    client, alice, busy, site, settings, side_effects, queries_of
):
    settings.FEED_LARGE_AUDIENCE = 0  # the authors are pulled at read time as well
    client.force_login(alice)
    client.get("/notifications/")
    counts = []
    for numbers in (range(5), range(5, 20)):
        with side_effects():
            publish(busy, [alice, *busy], site, numbers)
        counts.append(counted(queries_of, client, "/", numbers.stop))
    assert counts[0] == counts[1] <= HOME_QUERIES + FLUSH


def test_the_company_page_with_files_and_previews_costs_the_same_for_5_and_20_posts(
    client, alice, busy, site, side_effects, queries_of
):
    client.force_login(alice)
    client.get("/notifications/")
    counts = []
    for numbers in (range(5), range(5, 20)):
        with side_effects():
            publish(busy, [alice, *busy], site, numbers)
        counts.append(counted(queries_of, client, "/company/", numbers.stop))
    assert counts[0] == counts[1] <= COMPANY_QUERIES
