"""The social loop in a real browser: post with a mention and a hashtag, get notified, reply, react."""

import re

import pytest
from playwright.sync_api import Page, expect

from ruche.accounts.services import user_follow
from ruche.posts import services as posts
from ruche.posts.models import Post
from tests.e2e.pages import badge, card

pytestmark = [
    pytest.mark.e2e,
    # pytest-base-url (pulled in by pytest-playwright) defines a fixture pytest 9 warns about.
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]


def mark_page(page: Page) -> None:
    """Leave a mark in the page's JavaScript state: it survives htmx swaps, not a page load."""
    page.evaluate("window.__sameDocument = true")


def assert_same_page(page: Page) -> None:
    assert page.evaluate("window.__sameDocument === true"), "the page was reloaded"


def test_publishing_while_suggestions_load_leaves_no_list_open(live_server, login, page, alice):
    """Published before the suggestions for the #word being typed arrived: they must not open
    over the fresh composer (nor for a field the person has left)."""
    login(page, alice)
    composer = page.get_by_role("textbox", name="Share with your colleagues")
    composer.click()
    composer.press_sequentially("Bonjour #Qual")
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("#feed-items > article.post").first.locator(".post-body")).to_have_text(
        "Bonjour #Qual"
    )
    page.wait_for_timeout(600)  # past the suggestions' delay (120 ms) and their answer
    expect(page.locator("ul.autocomplete")).to_have_count(0)


def test_mention_notify_reply_loop(live_server, login, page, new_page, alice, bruno):
    # Alice writes, mentions Bruno through the autocomplete, tags the post, publishes.
    login(page, alice)
    composer = page.get_by_role("textbox", name="Share with your colleagues")
    composer.click()
    composer.press_sequentially("Merci ")
    composer.press_sequentially("@bru")
    option = page.locator("ul.autocomplete li[role=option]", has_text="Bruno Lefèvre")
    expect(option).to_be_visible()
    expect(option).to_have_attribute("aria-selected", "true")
    composer.press("Enter")  # picks the highlighted person, does not submit
    expect(page.locator("ul.autocomplete")).to_have_count(0)
    expect(composer).to_have_value("Merci @bruno.lefevre ")
    composer.press_sequentially("pour l'audit #Qualité !")
    mark_page(page)
    page.get_by_role("button", name="Publish").click()

    first = page.locator("#feed-items > article.post").first
    expect(first.locator(".post-body")).to_have_text("Merci Bruno Lefèvre pour l'audit #Qualité !")
    post = Post.objects.get(author=alice)
    expect(first).to_have_attribute("id", f"post-{post.pk}")
    mention = first.get_by_role("link", name="Bruno Lefèvre")
    expect(mention).to_have_attribute("href", "/people/bruno.lefevre/")
    expect(first.get_by_role("link", name="#Qualité")).to_have_attribute("href", "/tags/qualite/")
    expect(composer).to_have_value("")  # a fresh composer, ready for the next post
    assert_same_page(page)

    # Bruno does not follow Alice: the post reaches him because he is mentioned.
    bruno_page = login(new_page(), bruno)
    bruno_card = card(bruno_page, post)
    expect(bruno_card).to_contain_text("Alice Martin")
    expect(bruno_card).to_contain_text("You are mentioned")
    expect(badge(bruno_page)).to_have_text(re.compile(r"^\s*1\b"))

    bruno_page.get_by_role("link", name="Notifications").click()
    expect(bruno_page.get_by_role("heading", name="Notifications")).to_be_visible()
    notification = bruno_page.get_by_role("button", name=re.compile("Alice Martin mentioned you"))
    expect(notification).to_contain_text("Merci Bruno Lefèvre pour l'audit")  # the excerpt, in plain words
    notification.click()
    expect(bruno_page).to_have_url(f"{live_server.url}/posts/{post.pk}/")
    expect(badge(bruno_page)).to_have_count(0)  # opening it marked it read

    # Bruno replies under the post; the card is swapped in place.
    mark_page(bruno_page)
    bruno_card = card(bruno_page, post)
    bruno_card.get_by_role("textbox", name="Your reply").fill("Avec plaisir, on en reparle jeudi.")
    bruno_card.get_by_role("button", name="Reply").click()
    reply = card(bruno_page, post).locator(".reply")
    expect(reply).to_have_count(1)
    expect(reply).to_contain_text("Bruno Lefèvre")
    expect(reply).to_contain_text("Avec plaisir, on en reparle jeudi.")
    expect(card(bruno_page, post).get_by_role("textbox", name="Your reply")).to_have_value("")
    assert_same_page(bruno_page)

    # Alice comes back to her page: the reply is there and she is told about it.
    page.reload()
    expect(badge(page)).to_have_text(re.compile(r"^\s*1\b"))
    expect(card(page, post).locator(".reply")).to_contain_text("Avec plaisir")
    page.get_by_role("link", name="Notifications").click()
    expect(page.get_by_role("button", name=re.compile("Bruno Lefèvre replied to your post"))).to_be_visible()


def test_reaction_updates_the_count_on_the_card(live_server, login, page, alice, bruno):
    user_follow(follower=bruno, followed=alice)
    post = posts.post_create(author=alice, body="La nouvelle cafétéria ouvre lundi.")
    login(page, bruno)
    mark_page(page)
    the_card = card(page, post)
    expect(the_card.locator(".reaction-summary")).to_have_count(0)

    like = the_card.locator("button.reaction-button")
    expect(like).to_have_attribute("aria-pressed", "false")
    the_card.get_by_role("button", name="Like").click()
    expect(the_card.get_by_role("link", name="1 reaction, see who reacted")).to_be_visible()
    expect(the_card.locator(".reaction-summary")).to_contain_text("1")
    expect(like).to_have_attribute("aria-pressed", "true")

    like.click()  # a second click takes it back
    expect(like).to_have_attribute("aria-pressed", "false")
    expect(the_card.locator(".reaction-summary")).to_have_count(0)
    assert_same_page(page)
    assert Post.objects.get(pk=post.pk).reaction_count == 0


def test_hashtag_link_leads_to_the_tag_page(live_server, login, page, alice, bruno):
    tagged = posts.post_create(author=alice, body="Revue #Qualité du trimestre : tout est vert.")
    other = posts.post_create(author=alice, body="Rien à voir, #cafétéria.")
    login(page, alice)
    card(page, tagged).get_by_role("link", name="#Qualité").click()
    expect(page).to_have_url(f"{live_server.url}/tags/qualite/")
    expect(page.get_by_role("heading", name="#Qualité")).to_be_visible()
    expect(card(page, tagged)).to_contain_text("tout est vert")
    expect(card(page, other)).to_have_count(0)


def test_an_empty_post_is_refused_and_nothing_is_published(live_server, login, page, alice):
    login(page, alice)
    composer = page.get_by_role("textbox", name="Share with your colleagues")
    publish = page.get_by_role("button", name="Publish")

    publish.click()  # empty: the browser itself refuses (required)
    assert composer.evaluate("el => el.validationMessage"), "no validation message for an empty post"

    composer.fill("   \n  ")  # not empty for the browser, empty for the server
    publish.click()
    expect(page.get_by_role("alert")).to_have_text("Write something before publishing.")
    expect(page.get_by_role("textbox", name="Share with your colleagues")).to_have_attribute(
        "aria-invalid", "true"
    )
    expect(page.locator("#feed-items article.post")).to_have_count(0)
    assert not Post.objects.exists()


def test_phone_viewport_keeps_nav_and_composer_usable(live_server, login, new_phone, alice, tmp_path):
    page = login(new_phone(), alice)
    nav = page.get_by_role("navigation", name="Main").locator(".nav-links")
    for url in ("/", "/notifications/"):
        expect(nav.locator(f"a[href='{url}']")).to_be_in_viewport()
    composer = page.get_by_role("textbox", name="Share with your colleagues")
    expect(composer).to_be_in_viewport()
    box = composer.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the page scrolls sideways"

    composer.tap()
    composer.fill("Publié depuis mon téléphone #mobile")
    page.get_by_role("button", name="Publish").tap()
    expect(page.locator("#feed-items > article.post").first).to_contain_text("depuis mon téléphone")
    page.screenshot(path=tmp_path / "phone.png")


def test_phone_nav_links_keep_their_names(live_server, login, new_phone, alice):
    page = login(new_phone(), alice)
    for name in ("Home", "Company", "People", "Notifications"):
        # Exact names: the feed's filters ("People I follow") are links too.
        expect(page.get_by_role("link", name=name, exact=True)).to_be_in_viewport(timeout=1_000)


def test_publish_and_reply_work_without_javascript(live_server, login, new_page, alice):
    page = login(new_page(java_script_enabled=False), alice)
    page.get_by_role("textbox", name="Share with your colleagues").fill("Sans JavaScript, ça marche aussi.")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_role("status")).to_contain_text("Your post is published.")
    expect(page).to_have_url(f"{live_server.url}/")
    post = Post.objects.get(author=alice)  # the page was loaded after the POST: it is there
    expect(card(page, post)).to_contain_text("Sans JavaScript, ça marche aussi.")

    card(page, post).get_by_role("textbox", name="Your reply").fill("Et les réponses aussi.")
    card(page, post).get_by_role("button", name="Reply").click()
    expect(page).to_have_url(f"{live_server.url}/posts/{post.pk}/")
    expect(card(page, post).locator(".reply")).to_contain_text("Et les réponses aussi.")
    assert Post.objects.filter(parent=post).count() == 1
