"""The home feed's filters and orders in a real browser: htmx swaps, the URL, the choice kept for the
next visit, the reasons of the relevant order, "Load more", and the same links without JavaScript,
from the keyboard and on a phone."""

import re

import pytest
from playwright.sync_api import Page, expect

from ruche.accounts import services as accounts
from ruche.announcements import services as announcements
from ruche.communities.models import Community, Membership
from ruche.posts import services as posts
from ruche.qa import services as qa

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]

PAGE = 5  # a small page, so that "Load more" shows with a few posts


@pytest.fixture
def scene(settings, alice, bruno, chloe, david, admin):
    """Alice follows Bruno and is in Production with Chloé; David mentions her; the company
    announces something. Oldest first: the posts' ids give the recent order."""
    settings.FEED_PAGE_SIZE = PAGE
    accounts.user_follow(follower=alice, followed=bruno)
    production = Community.objects.create(name="Production", slug="production", created_by=chloe)
    Membership.objects.create(community=production, user=chloe, role="owner")
    Membership.objects.create(community=production, user=alice)
    notes = [posts.post_create(author=bruno, body=f"Note de Bruno numéro {i}") for i in range(1, 8)]
    answered = qa.question_ask(author=bruno, body="Qui a la clé de l'armoire électrique ?")
    posts.post_create(author=chloe, parent=answered, body="Moi, au bureau B12.")
    line = posts.post_create(author=chloe, body="La ligne 3 redémarre à 14 h.", communities=[production])
    waiting = qa.question_ask(
        author=chloe, body="Qui connaît le réglage de la presse 2 ?", communities=[production]
    )
    mention = posts.post_create(author=david, body=f"@{alice.handle} peux-tu relire le plan de charge ?")
    news = announcements.announcement_publish(
        author=admin, title="Fermeture du site le 24", body="Le site ferme à midi.", everyone=True
    )
    return {
        "notes": notes,
        "answered": answered,
        "line": line,
        "waiting": waiting,
        "mention": mention,
        "news": news,
    }


def cards(page: Page):
    return page.locator("#feed-items > article.post")


def card_ids(page: Page) -> list[str]:
    return cards(page).evaluate_all("els => els.map(e => e.id)")


def authors(page: Page) -> list[str]:
    return cards(page).locator("header .post-author").all_inner_texts()


def filters(page: Page):
    return page.get_by_role("navigation", name="Show")


def orders(page: Page):
    return page.get_by_role("navigation", name="Order")


def choose(page: Page, nav, name: str) -> None:
    """Click a tab and wait for htmx to swap the feed in (the clicked link is a new element then)."""
    with page.expect_response(lambda r: "filter=" in r.url and r.request.headers.get("hx-request") == "true"):
        nav(page).get_by_role("link", name=name, exact=True).click()
    expect(nav(page).get_by_role("link", name=name, exact=True)).to_have_attribute("aria-current", "page")


def test_filters_and_orders_swap_the_feed_and_are_kept(live_server, login, page, scene, alice):
    login(page, alice)
    expect(filters(page).get_by_role("link", name="Everything")).to_have_attribute("aria-current", "page")
    expect(orders(page).get_by_role("link", name="Most recent")).to_have_attribute("aria-current", "page")
    expect(cards(page)).to_have_count(PAGE)
    expect(cards(page).first).to_have_id(f"post-{scene['mention'].pk}")
    page.evaluate("window.notReloaded = true")  # gone if a click loaded a whole page

    # People I follow: Bruno's posts only, with the URL saying so.
    choose(page, filters, "People I follow")
    expect(page).to_have_url(re.compile(r"\?filter=following&order=recent$"))
    expect(filters(page).locator("[aria-current]")).to_have_count(1)
    assert set(authors(page)) == {"Bruno Lefèvre"}
    expect(cards(page)).to_have_count(PAGE)

    # Load more: the rest of Bruno's eight posts, none twice, and no more link.
    first_page = card_ids(page)
    page.get_by_role("link", name="Load more").click()
    expect(cards(page)).to_have_count(8)
    ids = card_ids(page)
    assert ids[:PAGE] == first_page and len(set(ids)) == 8
    assert set(authors(page)) == {"Bruno Lefèvre"}
    expect(page.get_by_role("link", name="Load more")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"\?filter=following&order=recent$"))  # the cursor is not pushed

    # My communities: only posts placed in Production.
    choose(page, filters, "My communities")
    expect(page).to_have_url(re.compile(r"\?filter=communities&order=recent$"))
    expect(cards(page)).to_have_count(2)
    for text in cards(page).locator(".post-communities").all_inner_texts():
        assert "Production" in text

    # Questions: questions only, the unanswered one first.
    choose(page, filters, "Questions")
    expect(page).to_have_url(re.compile(r"\?filter=questions&order=recent$"))
    expect(cards(page)).to_have_count(2)
    expect(cards(page).and_(page.locator(".question"))).to_have_count(2)
    expect(cards(page).first).to_have_id(f"post-{scene['waiting'].pk}")
    expect(cards(page).first.locator(".pill-waiting")).to_be_visible()

    # Announcements: the company's announcement, no post, and no order to choose.
    choose(page, filters, "Announcements")
    expect(page.locator(".announcement-card")).to_have_count(1)
    expect(page.locator(".announcement-card h2")).to_have_text("Fermeture du site le 24")
    expect(cards(page)).to_have_count(0)
    expect(orders(page)).to_have_count(0)

    # Everything, most relevant: every card says why it is there.
    choose(page, filters, "Everything")
    choose(page, orders, "Most relevant")
    expect(page).to_have_url(re.compile(r"\?filter=all&order=relevant$"))
    expect(cards(page)).to_have_count(PAGE)
    reasons = cards(page).locator("header .reason")
    expect(reasons).to_have_count(PAGE)
    for reason in reasons.all_inner_texts():
        assert reason.strip()
    mention = page.locator(f"#post-{scene['mention'].pk}")
    expect(mention.locator(".reason")).to_have_text("You are mentioned")
    expect(cards(page).first).to_have_id(f"post-{scene['mention'].pk}")  # what asks for her comes first
    for bruno_card in cards(page).filter(has=page.locator(".post-author", has_text="Bruno Lefèvre")).all():
        expect(bruno_card.locator(".reason")).to_have_text("Because you follow Bruno Lefèvre")
    production = cards(page).filter(has=page.locator(".post-communities", has_text="Production"))
    for chloe_card in production.all():
        expect(chloe_card.locator(".reason")).to_have_text(re.compile("Production"))

    # Load more in the relevant order: the rest, reasons too, no duplicates.
    page.get_by_role("link", name="Load more").click()
    expect(cards(page)).to_have_count(2 * PAGE)  # eleven posts in all
    ids = card_ids(page)
    assert len(ids) == len(set(ids))
    expect(cards(page).locator("header .reason")).to_have_count(len(ids))
    assert page.evaluate("window.notReloaded") is True  # all of the above was htmx

    # The choice is kept: `/` with no query string shows it again, after a reload too.
    page.goto(f"{live_server.url}/")
    expect(filters(page).get_by_role("link", name="Everything")).to_have_attribute("aria-current", "page")
    expect(orders(page).get_by_role("link", name="Most relevant")).to_have_attribute("aria-current", "page")
    choose(page, filters, "Questions")
    expect(page).to_have_url(re.compile(r"\?filter=questions&order=relevant$"))
    # The browser's back button shows the previous choice again.
    page.go_back()
    expect(page).to_have_url(re.compile(rf"{re.escape(live_server.url)}/$"))
    expect(filters(page).get_by_role("link", name="Everything")).to_have_attribute("aria-current", "page")
    page.goto(f"{live_server.url}/")
    page.reload()
    expect(filters(page).get_by_role("link", name="Questions")).to_have_attribute("aria-current", "page")
    expect(orders(page).get_by_role("link", name="Most relevant")).to_have_attribute("aria-current", "page")
    expect(cards(page)).to_have_count(2)


def test_the_links_work_without_javascript(live_server, login, new_page, scene, alice):
    page = new_page(java_script_enabled=False)
    login(page, alice)
    filters(page).get_by_role("link", name="Questions").click()
    expect(page).to_have_url(re.compile(r"\?filter=questions&order=recent$"))
    expect(filters(page).get_by_role("link", name="Questions")).to_have_attribute("aria-current", "page")
    expect(cards(page)).to_have_count(2)
    expect(cards(page).and_(page.locator(".question"))).to_have_count(2)

    filters(page).get_by_role("link", name="People I follow").click()
    orders(page).get_by_role("link", name="Most relevant").click()
    expect(page).to_have_url(re.compile(r"\?filter=following&order=relevant$"))
    expect(cards(page)).to_have_count(PAGE)
    expect(cards(page).locator(".reason")).to_have_text(["Because you follow Bruno Lefèvre"] * PAGE)

    # "Load more" without JavaScript: the next page (a page of its own), none of the first again.
    first_page = set(card_ids(page))
    page.get_by_role("link", name="Load more").click()
    expect(page).to_have_url(re.compile(r"cursor="))
    expect(cards(page)).to_have_count(3)
    assert not first_page & set(card_ids(page))
    assert set(authors(page)) == {"Bruno Lefèvre"}

    page.goto(f"{live_server.url}/")
    expect(filters(page).get_by_role("link", name="People I follow")).to_have_attribute(
        "aria-current", "page"
    )
    expect(orders(page).get_by_role("link", name="Most relevant")).to_have_attribute("aria-current", "page")


def test_tabs_from_the_keyboard(live_server, login, page, scene, alice):
    login(page, alice)
    everything = filters(page).get_by_role("link", name="Everything")
    for _ in range(60):  # from the top of the page, through the header and the composer
        page.keyboard.press("Tab")
        if everything.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("the filters cannot be reached with Tab")
    expect(everything).to_be_focused()
    page.keyboard.press("Tab")
    following = filters(page).get_by_role("link", name="People I follow")
    expect(following).to_be_focused()
    with page.expect_response(lambda r: "filter=following" in r.url):
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"\?filter=following&order=recent$"))
    expect(following).to_have_attribute("aria-current", "page")
    # The swap replaced the links: the focus stays on the tab just chosen, not back at the page's top.
    expect(following).to_be_focused()
    page.keyboard.press("Tab")
    expect(filters(page).get_by_role("link", name="My communities")).to_be_focused()

    # The order switch is next along, after the filters.
    for _ in range(5):
        page.keyboard.press("Tab")
        if (
            orders(page)
            .get_by_role("link", name="Most relevant")
            .evaluate("el => el === document.activeElement")
        ):
            break
    with page.expect_response(lambda r: "order=relevant" in r.url):
        page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"\?filter=following&order=relevant$"))
    expect(orders(page).get_by_role("link", name="Most relevant")).to_be_focused()


@pytest.mark.parametrize("width", [390, 1280])
def test_the_bar_fits_the_screen(live_server, login, new_page, scene, alice, width):
    phone = width < 600
    page = new_page(viewport={"width": width, "height": 844}, is_mobile=phone, has_touch=phone)
    login(page, alice)
    page.goto(f"{live_server.url}/?filter=all&order=relevant")
    bar, tabs, switch = page.locator(".feed-choices"), filters(page), orders(page)
    for name in ("Everything", "People I follow", "My communities", "Questions", "Announcements"):
        expect(tabs.get_by_role("link", name=name)).to_be_visible()
    expect(switch.get_by_role("link", name="Most relevant")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    tabs_box, switch_box, bar_box = tabs.bounding_box(), switch.bounding_box(), bar.bounding_box()
    assert bar_box["x"] >= 0 and bar_box["x"] + bar_box["width"] <= width
    if phone:  # the order switch on its own row, below the filters
        assert switch_box["y"] >= tabs_box["y"] + tabs_box["height"] - 1
    else:  # on the filters' row, at the right end of the bar
        switch_right, bar_right = switch_box["x"] + switch_box["width"], bar_box["x"] + bar_box["width"]
        assert switch_box["x"] >= tabs_box["x"] + tabs_box["width"]
        assert bar_right - 16 <= switch_right <= bar_right  # at the end, inside the bar's padding
        assert switch_box["y"] < tabs_box["y"] + tabs_box["height"]

    # The reason line reads well on its card: WCAG contrast of at least 4.5:1, from the computed colours.
    reason = cards(page).first.locator(".reason")
    expect(reason).to_be_visible()
    colours = reason.evaluate(
        """el => [getComputedStyle(el).color, getComputedStyle(el.closest('.card')).backgroundColor]"""
    )
    assert contrast(*colours) >= 4.5, colours


def contrast(foreground: str, background: str) -> float:
    """WCAG 2 contrast ratio of two opaque `rgb(r, g, b)` colours."""

    def luminance(colour: str) -> float:
        channels = [int(c) / 255 for c in re.findall(r"\d+", colour)[:3]]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
