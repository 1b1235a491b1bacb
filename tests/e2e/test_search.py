"""Search in a real browser: the header box, highlighted results, the kind tabs, a phone screen."""

import re

import pytest
from playwright.sync_api import Page, expect

from ruche.accounts.services import profile_update
from ruche.posts.services import post_create

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]


@pytest.fixture
def content(alice, bruno, side_effects):
    with side_effects():
        post_create(author=alice, body="Le réseau d'air comprimé de l'atelier 3 est réparé #Maintenance")
        post_create(author=alice, body="Formation <b>réseaux</b> sociaux jeudi")
        profile_update(profile=alice.profile, by=alice, job_title="Responsable réseau", skills=["Réseaux"])


def search_from_header(page: Page, words: str) -> None:
    box = page.get_by_role("searchbox", name="Search Ruche")
    if not box.is_visible():  # a phone's header links to the search page, which has the box
        page.locator(".header-search-link").click()
        expect(page.locator("h1")).to_have_text("Search")
        box = page.locator("#search-q")
    box.fill(words)
    box.press("Enter")
    expect(page.locator("h1")).to_have_text("Search")


def test_search_from_the_header(live_server, login, page, bruno, content):
    login(page, bruno)
    search_from_header(page, "reseau")
    posts = page.locator("section[data-kind=post]")
    expect(posts.locator("h2")).to_contain_text("Posts")
    expect(posts.locator("mark")).to_have_count(2)
    expect(posts.locator("mark", has_text=re.compile("^réseau$"))).to_have_count(1)
    expect(
        posts.locator(".snippet", has_text="Formation <b>réseaux</b> sociaux")
    ).to_be_visible()  # shown, not run
    expect(page.locator("section[data-kind=person] .hit-title")).to_contain_text("Alice")

    tabs = page.get_by_role("navigation", name="Kinds of results")
    tabs.get_by_role("link", name="People").click()
    expect(page.locator("section[data-kind=post]")).to_have_count(0)
    expect(page.locator("section[data-kind=person] .search-hit")).to_have_count(1)
    expect(tabs.get_by_role("link", name="People")).to_have_attribute("aria-current", "page")

    tabs.get_by_role("link", name="Experts").click()
    expect(page.locator(".experts li")).to_contain_text("1 skill, 2 posts on the topic")


def test_search_on_a_phone_and_bad_input(live_server, login, new_page, bruno, content):
    page = login(new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True), bruno)
    search_from_header(page, '"réseau AND NEAR(')
    expect(page.locator("section[data-kind=post]")).to_have_count(0)
    search_from_header(page, "   ")
    expect(page.get_by_role("alert")).to_have_text("Type a word or two to search for.")
    search_from_header(page, "atelier")
    hit = page.locator("section[data-kind=post] .search-hit").first
    expect(hit).to_be_visible()
    box = hit.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390
