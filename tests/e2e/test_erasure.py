"""Erasure in a real browser: an administrator erases a colleague from her profile, typing her
e-mail to confirm; her profile then says "a former colleague" and search finds nothing of her."""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from ruche.posts.services import post_create

SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]


def test_an_admin_erases_a_colleague(live_server, login, page, admin, make_user, bruno, side_effects):
    zoe = make_user("Zoelie", "Brambourg", email="zoelie.b@example.com")
    with side_effects():
        mine = post_create(author=zoe, body="Les plans de l'atelier sont à jour")
    login(page, admin)
    page.goto(f"{live_server.url}/people/{zoe.handle}/")
    page.get_by_role("link", name="Erase this person's data").click()
    expect(page.locator("h1")).to_have_text("Erase this person's data")
    expect(page.get_by_text("Kept, signed by")).to_be_visible()

    box = page.get_by_label("Type the person's e-mail address to confirm")
    box.fill("someone.else@example.com")
    page.get_by_role("button", name="Erase for good").click()
    expect(page.get_by_role("alert")).to_contain_text("nothing was erased")

    page.get_by_label("Type the person's e-mail address to confirm").fill("zoelie.b@example.com")
    page.get_by_role("button", name="Erase for good").click()
    expect(page).to_have_url(re.compile(r"/people/admin/$"))
    expect(page.get_by_text("The person's data was erased")).to_be_visible()

    page.goto(f"{live_server.url}{mine.get_absolute_url()}")  # her words stay, by a former colleague
    expect(page.locator("main")).to_contain_text("a former colleague")
    expect(page.locator("main")).not_to_contain_text("Zoelie")
    page.locator("main a", has_text="a former colleague").first.click()
    expect(page.locator("main")).to_contain_text("Former colleague")
    expect(page.locator("main")).not_to_contain_text("Brambourg")

    colleague = page.context.browser.new_context().new_page()
    login(colleague, bruno)
    for words in ("Zoelie", "Brambourg", "zoelie.b@example.com"):
        colleague.goto(f"{live_server.url}/search/?q={words}")
        expect(colleague.locator("h1")).to_have_text("Search")
        expect(colleague.locator("section[data-kind=person]")).to_have_count(0)
        expect(colleague.locator("main")).not_to_contain_text("Zoelie Brambourg")


def test_the_erasure_page_fits_a_phone(live_server, login, new_phone, admin, make_user):
    """At 390 px the page scrolls down, never sideways; with RUCHE_SCREENSHOTS=1 it is drawn for the
    docs (docs/screenshots/erase-person.png)."""
    zoe = make_user("Zoelie", "Brambourg", email="zoelie.b@example.com")
    phone = login(new_phone(), admin)
    phone.goto(f"{live_server.url}/people/{zoe.handle}/erase/")
    expect(phone.get_by_role("button", name="Erase for good")).to_be_visible()
    assert phone.evaluate("document.scrollingElement.scrollWidth") <= 390
    if os.environ.get("RUCHE_SCREENSHOTS"):
        desk = login(phone.context.browser.new_page(viewport={"width": 1100, "height": 1000}), admin)
        desk.goto(f"{live_server.url}/people/{zoe.handle}/erase/")
        desk.screenshot(path=str(SHOTS / "erase-person.png"), full_page=True)
