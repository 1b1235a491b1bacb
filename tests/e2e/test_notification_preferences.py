"""Notification preferences in a real browser, with the keyboard: change a preference, mute a
conversation from its page, and see that it is silent and listed on the preferences page."""

import re

import pytest
from playwright.sync_api import expect

from ruche.notifications.models import DigestPreference, KindPreference, Notification, ThreadMute
from ruche.posts.services import post_create
from tests.e2e.test_screenshots import shoot

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]


def test_change_a_preference_and_mute_a_thread(
    live_server, login, page, alice, bruno, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post = post_create(author=alice, body="Qui vient au salon de Lyon ?")
    login(page, alice)

    # From the account menu to the preferences page.
    page.locator("header.topbar details.menu > summary").click()
    page.get_by_role("link", name="Notification preferences").click()
    expect(page).to_have_url(re.compile(r"/notifications/preferences/$"))

    # The reaction e-mail box is reachable and toggled with the keyboard.
    box = page.locator("#reaction-email")
    expect(box).not_to_be_checked()
    box.focus()
    page.keyboard.press("Space")
    expect(box).to_be_checked()
    page.get_by_label("Send me a digest").select_option("daily")
    page.get_by_role("button", name="Save preferences").click()
    expect(page.locator(".message")).to_contain_text("Your notification preferences are saved.")
    assert KindPreference.objects.get(user=alice, kind="reaction", channel="email").enabled is True
    assert DigestPreference.objects.get(user=alice).frequency == "daily"
    expect(page.locator("#reaction-email")).to_be_checked()
    shoot(page, "notification-preferences.png")

    # Mute the conversation from its page.
    page.goto(f"{live_server.url}{post.get_absolute_url()}")
    page.get_by_role("button", name="Mute this conversation").click()
    expect(page.locator(".message")).to_contain_text("you will hear no more about this conversation")
    expect(page.get_by_role("button", name="Unmute this conversation")).to_be_visible()
    assert ThreadMute.objects.filter(user=alice, post=post).exists()

    # Bruno replies: Alice is not told.
    with django_capture_on_commit_callbacks(execute=True):
        post_create(author=bruno, body="Moi !", parent=post)
    assert not Notification.objects.filter(recipient=alice).exists()

    # The muted conversation is listed on the preferences page; unmute it there.
    page.goto(f"{live_server.url}/notifications/preferences/")
    muted = page.locator(".notif-prefs-muted")
    expect(muted).to_contain_text("Qui vient au salon de Lyon ?")
    muted.get_by_role("button", name=re.compile("Unmute")).click()
    expect(page.locator(".message")).to_contain_text("You will hear about this conversation again.")
    assert not ThreadMute.objects.exists()
