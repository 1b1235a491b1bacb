"""Questions in a real browser: ask, an expert is suggested and notified, answers, the asker accepts,
and the answer is found again by search."""

import re

import pytest
from playwright.sync_api import expect

from ruche.accounts.models import Skill
from ruche.posts.models import Post

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]


def test_ask_suggest_notify_answer_accept_search(live_server, login, page, new_page, alice, bruno, make_user):
    make_user("Carla", "Comptable")  # knows nothing about it: never suggested
    bruno.profile.skills.add(Skill.objects.create(name="Hydraulique"))

    # Alice asks from the home composer and lands on her question's page.
    login(page, alice)
    page.get_by_label("Question", exact=True).check()
    page.get_by_role("textbox", name="Share with your colleagues").fill(
        "Comment purger le circuit de la presse #hydraulique ?"
    )
    page.get_by_role("button", name="Publish").click()
    expect(page).to_have_url(re.compile(r"/posts/\d+/$"))
    question = Post.objects.get(author=alice)
    assert page.url.endswith(f"/posts/{question.pk}/")
    expect(page.locator(".pill-waiting")).to_have_text("Awaiting an answer")

    # Bruno, who declared the skill, is suggested; Carla is not. One click notifies him.
    panel = page.locator("section.ask-experts")
    expect(panel.get_by_text("Bruno Lefèvre")).to_be_visible()
    expect(panel.get_by_text("Carla Comptable")).to_have_count(0)
    panel.get_by_role("button", name="Notify them").click()
    expect(page.locator(".message")).to_contain_text("Bruno Lefèvre will be told")

    # Bruno gets the notification, opens the question and answers it.
    other = new_page()
    login(other, bruno)
    other.get_by_role("link", name=re.compile("Notifications")).click()
    other.get_by_text("asks for your expertise").click()
    expect(other).to_have_url(re.compile(rf"/posts/{question.pk}/"))
    other.get_by_role("textbox", name="Your reply").fill("Ouvrir la vanne de purge, moteur arrêté.")
    other.get_by_role("button", name="Answer").click()
    expect(other.locator(".reply-bubble")).to_contain_text("Ouvrir la vanne de purge")

    # Alice accepts it: the answer is marked, the question resolved.
    page.reload()
    page.get_by_role("button", name="Accept this answer").click()
    expect(page.locator(".accepted-badge")).to_have_text("✓ Accepted answer")
    expect(page.locator(".pill-resolved")).to_contain_text("Resolved")

    # And anyone finds the answer again by searching for it.
    page.get_by_role("searchbox").fill("vanne purge")
    page.get_by_role("searchbox").press("Enter")
    expect(page.locator("main")).to_contain_text("vanne de purge")
