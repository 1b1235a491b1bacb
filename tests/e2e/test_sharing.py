"""Issue 13 in Chromium: a pasted link shows its preview (and its author removes it), an animator's
news source fills the community, a saved search notifies."""

import pytest
from playwright.sync_api import expect

from tests.e2e.pages import loaded_width
from tests.links.test_post_previews import jpeg
from tests.links.test_post_previews import page as article
from tests.local_sites import LocalSite
from tests.sources.feeds import rss

pytestmark = [pytest.mark.e2e, pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning")]


@pytest.fixture
def site(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    routes = {
        "/article": article("Robots de soudure"),
        "/cover.jpg": (200, {"Content-Type": "image/jpeg"}, jpeg()),
        "/feed.xml": (200, {"Content-Type": "application/rss+xml"}, rss(("1", "Soudure laser à Toulouse"))),
    }
    with LocalSite(routes) as local:
        settings.FETCH_ALLOWED_HOSTS = [local.allowed]
        yield local


def test_a_pasted_link_shows_its_preview_and_its_author_removes_it(live_server, login, page, site, alice):
    login(page, alice)
    page.get_by_role("textbox", name="Share with your colleagues").fill(f"À lire : {site.url('/article')}")
    page.get_by_role("button", name="Publish").click()
    card = page.locator("#feed-items > article.post").first
    expect(card.locator(".post-body a")).to_have_text(f"127.0.0.1:{site.port}/article")
    page.reload()  # the worker fetched the page after the post was saved
    preview = page.locator("#feed-items > article.post").first.locator(".link-preview")
    expect(preview).to_contain_text("Robots de soudure")
    image = preview.locator("img")
    assert image.get_attribute("src").startswith("/media/previews/")
    assert loaded_width(image) > 0  # served by Ruche, to a reader of the post
    preview.get_by_role("button", name="Remove the preview").click()
    expect(page.locator("#feed-items > article.post").first.locator(".link-preview")).to_have_count(0)


def test_an_animator_adds_a_source_and_its_items_appear(
    live_server, login, page, site, alice, make_community
):
    community = make_community("Veille", animators=[alice])
    login(page, alice)
    page.goto(f"{live_server.url}/communities/{community.slug}/sources/")
    page.get_by_label("Feed address (RSS or Atom)").fill(site.url("/feed.xml"))
    page.get_by_role("button", name="Add the source").click()
    expect(page.locator(".messages, [role=status]").first).to_contain_text("added")
    page.goto(f"{live_server.url}{community.get_absolute_url()}")
    expect(page.locator("article.post").first).to_contain_text("Soudure laser à Toulouse")


def test_a_saved_search_notifies_a_new_matching_post(live_server, login, page, new_page, alice, bruno):
    login(page, bruno)
    page.goto(f"{live_server.url}/search/?q=soudure+laser")
    page.get_by_role("button", name="Tell me of new posts about “soudure laser”").click()
    page.goto(f"{live_server.url}/alerts/")
    expect(page.locator(".alerts")).to_contain_text("soudure laser")
    other = login(new_page(), alice)
    other.get_by_role("textbox", name="Share with your colleagues").fill("La soudure laser arrive à Lyon")
    other.get_by_role("button", name="Publish").click()
    expect(other.locator("#feed-items > article.post").first).to_contain_text("La soudure laser arrive")
    page.goto(f"{live_server.url}/notifications/")
    expect(page.locator("main")).to_contain_text("which you watch")
