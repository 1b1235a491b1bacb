"""Realtime in two real browsers, against a real ASGI app server (granian running the entry point
of `manage.py serve`, database broadcaster): a post from one person appears live in the other's
feed (a "new posts" button, then the card, the half-written post kept), and the notification
badge updates without a reload. With RUCHE_SCREENSHOTS=1 it writes docs/screenshots/realtime-*.png."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.test_screenshots import shoot
from tests.realtime.servers import PASSWORD, AppServer, base_env, run_python

pytestmark = [pytest.mark.e2e, pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning")]

SETUP = """
alice, bruno = person("alice@example.com", "Alice"), person("bruno@example.com", "Bruno")
user_follow(follower=bruno, followed=alice)
print(json.dumps({"bruno_handle": bruno.handle}))
"""


@pytest.fixture
def server(server_dir):  # noqa: F811 (the fixture imported above)
    env = base_env(server_dir, RUCHE_REALTIME_BROADCASTER="database")
    people = run_python(env, SETUP)
    app = AppServer(env)
    yield app, people
    app.stop()


def sign_in(page: Page, url: str, email: str) -> Page:
    page.goto(f"{url}/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").last.click()
    expect(page.locator("#composer-body")).to_be_visible()
    expect(page.locator("html[data-realtime=on]")).to_have_count(1)  # the stream is open
    return page


def publish(page: Page, body: str) -> None:
    page.locator("#composer-body").fill(body)
    page.locator("#composer button[type=submit]").click()
    shown = max(re.split(r"@[\w.-]+", body), key=len).strip(" ,")  # a mention shows the person's name
    expect(page.locator("#feed-items .post").filter(has_text=shown)).to_be_visible()


def test_a_post_appears_live_in_a_follower_feed_and_the_badge_updates(server, new_page):
    app, people = server
    bruno = sign_in(new_page(), app.url, "bruno@example.com")
    bruno.locator("#composer-body").fill("Half-written thought")
    alice = sign_in(new_page(), app.url, "alice@example.com")

    publish(alice, "The new dock opens on Monday")
    banner = bruno.get_by_role("button", name=re.compile("Show 1 new post"))
    expect(banner).to_be_visible()
    shoot(bruno, "realtime-new-posts.png")
    expect(bruno.locator("#feed-items").get_by_text("The new dock opens on Monday")).to_have_count(0)
    banner.click()
    expect(bruno.locator("#feed-items .post").first).to_contain_text("The new dock opens on Monday")
    expect(banner).to_have_count(0)
    expect(bruno.locator("#composer-body")).to_have_value("Half-written thought")

    expect(bruno.get_by_test_id("unread-badge")).to_have_count(0)
    publish(alice, f"Thanks @{people['bruno_handle']} for the plan")
    expect(bruno.get_by_test_id("unread-badge")).to_contain_text("1")
    shoot(bruno, "realtime-badge.png")

    # Reactions: the count on Bruno's screen follows Alice's click.
    card = alice.locator("#feed-items .post").filter(has_text="The new dock opens on Monday")
    card.get_by_role("button", name=re.compile("Like")).first.click()
    bruno_card = bruno.locator("#feed-items .post").filter(has_text="The new dock opens on Monday")
    expect(bruno_card.locator("[data-reaction-count]").first).to_have_text("1")

    # The notifications page: a new one appears in the list without a reload.
    bruno.goto(f"{app.url}/notifications/")
    expect(bruno.locator("html[data-realtime=on]")).to_have_count(1)
    expect(bruno.locator("ul.notifications li")).to_have_count(1)
    publish(alice, f"And @{people['bruno_handle']}, the keys are at the desk")
    expect(bruno.locator("ul.notifications li")).to_have_count(2)
    expect(bruno.get_by_test_id("unread-badge")).to_contain_text("2")
