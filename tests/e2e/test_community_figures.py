"""A community's figures in a real browser: its animator finds them from the community's page,
changes the period and reads them; a colleague who is only a member is refused."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ruche.analytics.services import facts_compute
from ruche.posts.services import post_create, reaction_set
from ruche.qa.services import question_ask

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]


@pytest.fixture
def club(make_community, make_user, side_effects):
    anne = make_user("Anne", "Animatrice")
    crew = [make_user(f"Membre{n}", "Test") for n in range(5)]
    community = make_community("Club qualité", animators=[anne], members=crew)
    with side_effects():
        liked = post_create(author=crew[0], body="Le nouvel atelier ouvre lundi", communities=[community])
        for person in crew[1:]:
            reaction_set(post=liked, user=person, kind="like")
        question_ask(author=crew[1], body="Qui a la clé du labo ?", communities=[community])
    facts_compute(day=timezone.localdate())  # as the periodic job does
    return community, anne, crew


def test_an_animator_reads_the_figures_a_member_is_refused(live_server, login, page, new_page, club):
    community, anne, crew = club
    login(page, anne)
    page.goto(f"{live_server.url}/communities/{community.slug}/")
    page.get_by_role("link", name="Figures").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Figures of Club qualité")

    page.get_by_label("Period", exact=True).select_option("90")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"period=90"))
    expect(page.get_by_role("heading", name="Members", exact=True)).to_be_visible()
    unanswered = page.locator("section#unanswered")
    expect(unanswered.get_by_role("link", name="Qui a la clé du labo ?")).to_be_visible()
    engaged = page.locator("section#engaged")
    expect(engaged).to_contain_text("not the most read")
    expect(engaged.get_by_role("link", name="Le nouvel atelier ouvre lundi")).to_be_visible()
    expect(page.locator("section#taking_part")).to_contain_text("fewer than 5")  # a small group

    page.get_by_label("Period", exact=True).select_option("custom")
    page.get_by_label("From", exact=True).fill("2026-05-10")
    page.get_by_label("To", exact=True).fill("2026-05-01")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("alert")).to_contain_text("The range ends before it starts.")

    member = login(new_page(), crew[0])
    member.goto(f"{live_server.url}/communities/{community.slug}/")
    expect(member.get_by_role("heading", level=1)).to_have_text("Club qualité")
    expect(member.get_by_role("link", name="Figures")).to_have_count(0)
    response = member.goto(f"{live_server.url}/analytics/communities/{community.slug}/")
    assert response.status == 403
    expect(member.get_by_role("heading", level=1)).to_have_text("You are not allowed to do this")
