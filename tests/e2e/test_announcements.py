"""Announcements and video rooms in a real browser.

1. Communications publishes an announcement that asks to be confirmed: it stays pinned at the top of a
   colleague's feed across reloads until they confirm it (with the keyboard), then it is gone, and the
   author's reach page counts the confirmation.
2. A member starts a video room in a private community; another member sees the post announcing it and
   joins through Ruche's link; a colleague outside the community gets a 404.
"""

import re

import pytest
from playwright.sync_api import expect

from ruche.announcements.models import Receipt
from ruche.communities.models import Community, Membership
from ruche.rooms.models import VideoRoom
from tests.e2e.test_screenshots import shoot

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]

VIDEO = "https://meet.example.org"


def private_community(owner, *members) -> Community:
    community = Community.objects.create(
        name="Projet Atlas", slug="projet-atlas", visibility="private", created_by=owner, member_count=2
    )
    Membership.objects.create(community=community, user=owner, role="owner")
    Membership.objects.bulk_create(Membership(community=community, user=m) for m in members)
    return community


def test_announcement_stays_pinned_until_acknowledged(live_server, login, page, new_page, make_user, alice):
    claire = make_user("Claire", "Comms", is_announcer=True)

    # Claire publishes to everyone, asking for a confirmation.
    login(page, claire)
    page.goto(f"{live_server.url}/announcements/")
    page.get_by_role("link", name="New announcement").click()
    page.get_by_label("Title").fill("Chaussures de sécurité obligatoires")
    page.get_by_label("Text").fill("Dès lundi, dans **tous** les ateliers.")
    page.get_by_label("Everyone in the company").check()
    page.get_by_label("Ask everyone to confirm “I have read this”").check()
    page.get_by_role("button", name="Publish the announcement").click()
    expect(page.locator(".messages")).to_contain_text("Announcement published to 1 people.")
    expect(page.get_by_role("heading", name="Reach and read receipts")).to_be_visible()

    # Alice finds it pinned above her feed, and still there after reloading.
    alice_page = login(new_page(), alice)
    pinned = alice_page.locator(".announcement-pin", has_text="Chaussures de sécurité obligatoires")
    expect(pinned).to_be_visible()
    expect(pinned.locator("strong")).to_have_text("tous")
    shoot(alice_page, "announcement-pinned.png")
    alice_page.reload()
    expect(pinned).to_be_visible()
    alice_page.reload()
    expect(pinned).to_be_visible()

    # She confirms with the keyboard: the card says thank you, and the next visit has no pin.
    button = pinned.get_by_role("button", name="I have read this")
    button.focus()
    alice_page.keyboard.press("Enter")
    expect(pinned).to_contain_text("Thank you: confirmed as read.")
    alice_page.reload()
    expect(alice_page.locator(".announcement-pin")).to_have_count(0)
    assert Receipt.objects.get(user=alice).acknowledged_at is not None

    # Claire's reach page counts it.
    page.reload()
    figures = page.locator(".reach-figures")
    expect(figures).to_contain_text(re.compile(r"Confirmed\s*1\s*\(100 %\)"))
    expect(page.get_by_text("Everyone has read it.")).to_be_visible()
    shoot(page, "announcement-reach.png")


def test_video_room_for_community_members(live_server, login, page, new_page, settings, make_user):
    settings.VIDEO_BASE_URL = VIDEO
    alice, bruno = make_user("Alice", "Atlas"), make_user("Bruno", "Atlas")
    outsider = make_user("Nina", "Dehors")
    atlas = private_community(alice, bruno)

    # Bruno starts a room from the community page.
    login(page, bruno)
    page.goto(f"{live_server.url}{atlas.get_absolute_url()}")
    page.locator("summary", has_text="Start a video room").click()
    page.get_by_label("Topic (optional)").fill("Point quai 12")
    page.get_by_role("button", name="Start and announce").click()
    room = VideoRoom.objects.get()
    expect(page).to_have_url(f"{live_server.url}/rooms/{room.pk}/")
    expect(page.locator(".video-url")).to_have_text(room.video_url)

    # Alice sees the post announcing it in the community, follows its link and may join.
    alice_page = login(new_page(), alice)
    alice_page.goto(f"{live_server.url}{atlas.get_absolute_url()}")
    post = alice_page.locator("article.post", has_text="Video room started")
    expect(post).to_contain_text("Point quai 12")
    post.get_by_role("link", name="Join the video room").click()
    expect(alice_page).to_have_url(f"{live_server.url}/rooms/{room.pk}/")
    join = alice_page.get_by_test_id("join-room")
    expect(join).to_have_attribute("href", f"/rooms/{room.pk}/join/")
    response = alice_page.request.get(f"{live_server.url}/rooms/{room.pk}/join/", max_redirects=0)
    assert response.status == 302 and response.headers["location"] == room.video_url
    assert room.name.startswith("Ruche-") and VIDEO in room.video_url

    # Nina, outside the private community, gets a 404 for the room and for its link.
    nina_page = login(new_page(), outsider)
    response = nina_page.goto(f"{live_server.url}/rooms/{room.pk}/")
    assert response.status == 404
    expect(nina_page.locator("body")).not_to_contain_text(room.name)
    assert nina_page.request.get(f"{live_server.url}/rooms/{room.pk}/join/", max_redirects=0).status == 404
