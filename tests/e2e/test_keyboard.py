"""Keyboard use in a real browser: a toggle redrawn by htmx keeps the focus where the person was."""

import pytest
from playwright.sync_api import expect

from ruche.accounts.services import user_follow
from ruche.posts import services as posts
from ruche.qa.services import question_ask

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]


@pytest.mark.parametrize("key", ["Enter", " "])
def test_reacting_with_the_keyboard_keeps_the_focus_on_the_button(
    live_server, login, page, alice, bruno, key
):
    user_follow(follower=bruno, followed=alice)
    post = posts.post_create(author=alice, body="La nouvelle cafétéria ouvre lundi.")
    login(page, bruno)
    card = page.locator(f"article.post#post-{post.pk}")
    like = card.locator("button.reaction-button")
    like.focus()
    page.keyboard.press(key)
    expect(like).to_have_attribute("aria-pressed", "true")  # the card was redrawn
    expect(card.locator(".reaction-summary")).to_be_visible()
    expect(like).to_be_focused()  # the new button, in the redrawn card
    assert page.evaluate("document.activeElement.getAttribute('aria-pressed')") == "true"
    page.keyboard.press(key)  # and again, without reaching for the mouse
    expect(like).to_have_attribute("aria-pressed", "false")
    expect(like).to_be_focused()


def test_voting_with_the_keyboard_keeps_the_focus_and_the_name_says_what_is_seen(
    live_server, login, page, alice, bruno, make_user
):
    carla = make_user("Carla", "Comptable")
    question = question_ask(author=alice, body="Qui connaît la presse 4 ?")
    answer = posts.post_create(author=carla, body="Moi.", parent=question)
    login(page, bruno)
    page.goto(f"{live_server.url}{question.get_absolute_url()}")
    vote = page.locator(f"#reply-{answer.pk} button.vote-button, article.post button.vote-button").first
    expect(vote).to_have_accessible_name("▲ 0 – Useful answer (0 votes)")
    vote.focus()
    page.keyboard.press("Enter")
    expect(vote).to_have_attribute("aria-pressed", "true")
    expect(vote).to_have_accessible_name("▲ 1 – Useful answer (1 vote)")
    expect(vote).to_be_focused()


def test_following_a_suggested_colleague_with_the_keyboard(live_server, login, page, alice, bruno):
    from ruche.accounts.models import Department, Follow

    team = Department.objects.create(name="Achats")
    for person in (alice, bruno):
        person.profile.department = team
        person.profile.save()
    login(page, alice)
    column = page.get_by_role("complementary", name="Suggestions for you")
    follow = column.get_by_role("button", name="Follow Bruno Lefèvre")
    follow.focus()
    page.keyboard.press("Enter")
    following = column.get_by_role("button", name="Following ✓ Bruno Lefèvre")
    expect(following).to_be_focused()
    assert Follow.objects.filter(follower=alice, followed=bruno).exists()
    page.keyboard.press(" ")  # changed her mind
    expect(follow).to_be_focused()
    assert not Follow.objects.filter(follower=alice, followed=bruno).exists()
