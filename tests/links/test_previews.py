"""Link previews, fetched from a real local site: what pages say about themselves, the image brought
home and stripped, one preview per address, and nothing fetched from inside the network."""

import io
import json
from datetime import timedelta

import pytest
from PIL import Image

from ruche.links import services
from ruche.links.addresses import normalised
from ruche.links.models import LinkPreview
from tests.images import spy_jpeg
from tests.local_sites import LocalSite

ARTICLE = b"""<!doctype html><html><head><meta charset="utf-8">
<title>Fallback title</title>
<meta property="og:title" content="Airbus commande  100 robots de soudure">
<meta property="og:description" content="La ligne de Toulouse passe au laser.&#10;Lire la suite">
<meta property="og:site_name" content="L'Usine Nouvelle">
<meta property="og:image" content="/images/robot.jpg">
</head><body><p>...</p></body></html>"""

PLAIN = """<html><head><title> Compte rendu\tdu CODIR </title>
<meta name="description" content="Décisions de décembre"></head><body>x</body></html>""".encode("latin-1")


@pytest.fixture
def site(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    routes = {
        "/article": (200, {"Content-Type": "text/html; charset=utf-8"}, ARTICLE),
        "/plain": (200, {"Content-Type": "text/html; charset=iso-8859-1"}, PLAIN),
        "/images/robot.jpg": (200, {"Content-Type": "image/jpeg"}, spy_jpeg((1600, 1200))),
    }
    with LocalSite(routes) as local:
        settings.FETCH_ALLOWED_HOSTS = [local.allowed]
        yield local


def fetched(url: str) -> LinkPreview:
    preview = services.preview_for(url)  # the fetch runs as the task worker would, after commit
    preview.refresh_from_db()
    return preview


@pytest.mark.django_db
def test_an_article_is_previewed_from_its_opengraph_tags(site):
    preview = fetched(site.url("/article"))
    assert preview.status == LinkPreview.Status.READY
    assert preview.title == "Airbus commande 100 robots de soudure"
    assert preview.description == "La ligne de Toulouse passe au laser. Lire la suite"
    assert preview.site_name == "L'Usine Nouvelle"
    stored = preview.image.storage.open(preview.image.name).read()
    assert preview.image.name.startswith("previews/") and "robot" not in preview.image.name
    assert b"Spycam" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "JPEG" and not dict(image.getexif()) and max(image.size) == 800


@pytest.mark.django_db
def test_a_page_without_opengraph_falls_back_to_its_title_and_description(site):
    preview = fetched(site.url("/plain"))
    assert (preview.title, preview.description) == ("Compte rendu du CODIR", "Décisions de décembre")
    assert preview.site_name == "127.0.0.1" and not preview.image


@pytest.mark.django_db
def test_oembed_completes_what_the_page_does_not_say(site):
    site.routes["/video"] = (
        200,
        {"Content-Type": "text/html"},
        b'<html><head><link rel="alternate" type="application/json+oembed" href="/oembed?u=1"></head></html>',
    )
    answer = {"title": "Visite de l'usine", "provider_name": "VidCo", "thumbnail_url": "/images/robot.jpg"}
    site.routes["/oembed?u=1"] = (200, {"Content-Type": "application/json"}, json.dumps(answer).encode())
    preview = fetched(site.url("/video"))
    assert (preview.title, preview.site_name, bool(preview.image)) == ("Visite de l'usine", "VidCo", True)


@pytest.mark.django_db
def test_a_link_to_an_image_previews_the_image(site):
    preview = fetched(site.url("/images/robot.jpg"))
    assert preview.status == LinkPreview.Status.READY and preview.image


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path,route,reason",
    [
        ("/missing", None, "404"),
        ("/pdf", (200, {"Content-Type": "application/pdf"}, b"%PDF-1.7"), "not a web page"),
        ("/empty", (200, {"Content-Type": "text/html"}, b"<html><body>rien</body></html>"), "says nothing"),
    ],
)
def test_a_page_that_gives_nothing_leaves_no_preview_and_says_why(site, path, route, reason):
    if route:
        site.routes[path] = route
    preview = fetched(site.url(path))
    assert preview.status == LinkPreview.Status.FAILED and not preview.shows_something
    assert reason in preview.error and preview.fetched_at is not None


@pytest.mark.django_db
def test_an_image_inside_the_network_is_never_fetched(site, settings):
    with LocalSite({"/secret.jpg": (200, {"Content-Type": "image/jpeg"}, spy_jpeg())}) as inside:
        settings.FETCH_ALLOWED_PORTS = [80, 443, inside.port]
        site.routes["/lure"] = (
            200,
            {"Content-Type": "text/html"},
            f'<meta property="og:title" content="Lure"><meta property="og:image" content="{inside.url("/secret.jpg")}">'.encode(),
        )
        preview = fetched(site.url("/lure"))
        assert preview.title == "Lure" and not preview.image and inside.connections == 0


@pytest.mark.django_db
def test_an_image_that_is_not_an_image_is_dropped(site):
    site.routes["/fake.jpg"] = (200, {"Content-Type": "image/jpeg"}, b"<script>alert(1)</script>")
    site.routes["/page"] = (
        200,
        {"Content-Type": "text/html"},
        b'<meta property="og:title" content="T"><meta property="og:image" content="/fake.jpg">',
    )
    preview = fetched(site.url("/page"))
    assert preview.status == LinkPreview.Status.READY and not preview.image


@pytest.mark.django_db
def test_an_address_is_previewed_once_whatever_its_spelling(site):
    base = site.url("/article")
    for spelling in (
        base,
        base + "#comments",
        base + "?utm_source=newsletter&utm_medium=mail",
        base.upper()[:7] + base[7:],
    ):
        services.preview_for(spelling)
    assert LinkPreview.objects.count() == 1
    assert [r["path"] for r in site.requests].count("/article") == 1


@pytest.mark.django_db
def test_a_stale_preview_is_fetched_again_and_its_old_image_removed(site, django_capture_on_commit_callbacks):
    preview = fetched(site.url("/article"))
    old_image = preview.image.name
    LinkPreview.objects.filter(pk=preview.pk).update(fetched_at=preview.fetched_at.replace(year=2020))
    with django_capture_on_commit_callbacks(execute=True):
        preview = fetched(site.url("/article"))
    assert preview.fetched_at.year > 2020 and preview.image.name != old_image
    assert not preview.image.storage.exists(old_image)
    assert [r["path"] for r in site.requests].count("/article") == 2


@pytest.mark.parametrize(
    "url,normal",
    [
        ("HTTPS://Example.ORG:443/a?b=1&utm_campaign=x#frag", "https://example.org/a?b=1"),
        ("http://example.org", "http://example.org/"),
        ("http://example.org:8080/x?fbclid=1", "http://example.org:8080/x"),
        ("ftp://example.org/", None),
        ("http://me:pw@example.org/", None),
        ("javascript:alert(1)", None),
    ],
)
def test_addresses_are_normalised(url, normal):
    assert normalised(url) == normal


@pytest.mark.django_db
def test_a_page_that_gave_nothing_is_tried_again_an_hour_later(site):
    site.routes["/flaky"] = (503, {}, b"busy")
    preview = fetched(site.url("/flaky"))
    assert preview.status == LinkPreview.Status.FAILED and not preview.is_stale
    site.routes["/flaky"] = site.routes["/article"]
    LinkPreview.objects.filter(pk=preview.pk).update(fetched_at=preview.fetched_at - timedelta(minutes=61))
    assert fetched(site.url("/flaky")).title == "Airbus commande 100 robots de soudure"
