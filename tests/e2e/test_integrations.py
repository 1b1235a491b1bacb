"""An incoming webhook in a real browser: a community's owner creates it with an icon, copies its
address, a business tool posts to it, and the post shows in the community under its name and icon."""

import json
from http.client import HTTPConnection
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.e2e.pages import loaded_width
from tests.images import spy_jpeg

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]


def test_an_owner_connects_a_ci_and_its_post_appears_in_the_community(
    live_server, login, page, alice, make_community, tmp_path
):
    community = make_community("Usine", owner=alice)
    icon = tmp_path / "jenkins.jpg"
    icon.write_bytes(spy_jpeg((128, 128), colour=(20, 90, 200)))

    login(page, alice)
    page.goto(f"{live_server.url}/communities/{community.slug}/")
    page.goto(f"{live_server.url}/communities/{community.slug}/members/")
    page.get_by_role("link", name="Integrations").click()
    new = page.get_by_role("form", name="New incoming webhook")
    new.get_by_label("Name").fill("CI Jenkins")
    new.get_by_label("Icon").set_input_files(str(icon))
    page.get_by_role("button", name="Create the integration").click()
    address = page.get_by_label("Address to post to")
    expect(address).to_be_visible()
    url = address.input_value()
    assert url.startswith(f"{live_server.url}/hooks/in/")

    # The business tool posts JSON to the address it was given.
    body = json.dumps({"title": "Build #1234", "text": "All **green** on `main`."}).encode()
    parts = urlsplit(url)
    connection = HTTPConnection(parts.hostname, parts.port, timeout=10)  # no cookie, no session
    connection.request("POST", parts.path, body=body, headers={"Content-Type": "application/json"})
    answer = connection.getresponse()
    assert answer.status == 201
    post_url = json.loads(answer.read())["url"]
    connection.close()

    page.goto(f"{live_server.url}/communities/{community.slug}/")
    card = page.locator("article.post").filter(has_text="Build #1234")
    expect(card.locator(".post-author")).to_have_text("CI Jenkins")
    expect(card.locator(".pill-integration")).to_have_text("integration")
    expect(card.locator("strong", has_text="green")).to_be_visible()
    avatar = card.locator("img.avatar").first
    expect(avatar).to_have_attribute("alt", "CI Jenkins")
    assert loaded_width(avatar) > 0  # the icon is served
    page.goto(post_url)
    expect(page.locator("article.post .post-author")).to_have_text("CI Jenkins")

    # Back on the integrations page: the post is among its recent ones, the secret is not shown again.
    page.goto(f"{live_server.url}/communities/{community.slug}/integrations/")
    expect(page.get_by_role("link", name="Build #1234", exact=False)).to_be_visible()
    expect(page.get_by_label("Address to post to")).to_have_count(0)


def test_the_integrations_page_fits_a_phone(live_server, login, new_phone, alice, make_community):
    from ruche.integrations.services import integration_create

    community = make_community("Usine", owner=alice)
    integration_create(community=community, by=alice, name="Alertes supervision de la production")
    phone = login(new_phone(), alice)
    phone.goto(f"{live_server.url}/communities/{community.slug}/integrations/")
    phone.get_by_role("form", name="New incoming webhook").get_by_label("Name").fill("CRM")
    phone.get_by_role("button", name="Create the integration").click()
    expect(phone.get_by_label("Address to post to")).to_be_visible()
    scroll = phone.evaluate("document.documentElement.scrollWidth")
    assert scroll <= 390, f"the page scrolls sideways ({scroll}px for a 390px screen)"
