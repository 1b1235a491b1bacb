"""Issue 13.5 in Chromium: share a post into a community with a comment; a reader of the original sees
it embedded, someone who may not read it sees "not available" and nothing of it (on a phone)."""

import pytest
from playwright.sync_api import expect

from ruche.communities.models import Community
from ruche.posts.services import post_create

pytestmark = [pytest.mark.e2e, pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning")]


def test_share_a_post_into_a_community_with_a_comment(
    live_server, login, page, new_phone, alice, bruno, chloe, make_community
):
    workshop = make_community(
        "Atelier", visibility=Community.Visibility.PRIVATE, owner=bruno, members=[alice]
    )
    square = make_community("Qualité", members=[alice, chloe])
    original = post_create(
        author=bruno, body="Le nouveau procédé de soudure est validé", communities=[workshop]
    )

    login(page, alice)
    page.goto(f"{live_server.url}/posts/{original.pk}/")
    share = page.get_by_role("link", name="Share this post")
    share.focus()
    page.keyboard.press("Enter")  # reachable and labelled for the keyboard
    expect(page.get_by_role("heading", name="Share a post")).to_be_visible()
    expect(page.get_by_role("group", name="Shared post")).to_contain_text("procédé de soudure")
    page.get_by_label("Your comment").fill("Bravo à l'atelier, à lire avant jeudi")
    page.get_by_label("Share with").select_option(label="Qualité")
    page.get_by_role("button", name="Share", exact=True).click()

    card = page.locator("article.post").first
    expect(card).to_contain_text("Bravo à l'atelier")
    embedded = card.get_by_role("group", name="Shared post")
    expect(embedded).to_contain_text("procédé de soudure")
    expect(embedded).to_contain_text(bruno.full_name)
    page.goto(f"{live_server.url}/communities/{square.slug}/")
    expect(page.locator("article.post").first.get_by_role("group", name="Shared post")).to_contain_text(
        "procédé de soudure"
    )
    page.goto(f"{live_server.url}/posts/{original.pk}/")
    expect(page.locator("article.post").first).to_contain_text("Shared 1 time")

    phone = login(new_phone(), chloe)
    phone.goto(f"{live_server.url}/communities/{square.slug}/")
    card = phone.locator("article.post").first
    expect(card).to_contain_text("Bravo à l'atelier")
    expect(card).to_contain_text("This content is not available.")
    expect(card).not_to_contain_text("soudure")
    expect(card).not_to_contain_text(bruno.full_name)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width  # nothing wider than the phone
