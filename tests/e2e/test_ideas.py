"""An innovation campaign in a real browser: a manager opens a campaign for R&D, an R&D member
submits an idea, colleagues vote, a reviewer scores, the manager approves with a rationale, the author
is notified and sees the history; someone from Sales never sees the campaign."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ruche.accounts.models import Department
from ruche.ideas.models import Campaign, Idea, InnovationManager
from tests.e2e.test_screenshots import shoot

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]


def _in(user, department):
    user.profile.department = department
    user.profile.save()
    return user


def test_campaign_from_opening_to_decision(live_server, login, page, new_page, make_user):
    rnd, sales = Department.objects.create(name="R&D"), Department.objects.create(name="Sales")
    manager = make_user("Manon", "Manager")
    InnovationManager.objects.create(user=manager)
    author = _in(make_user("Rémi", "Chercheur"), rnd)
    voters = [_in(make_user(name, "Labo"), rnd) for name in ("Vera", "Victor")]
    reviewer = _in(make_user("Rita", "Revue"), rnd)
    seller = _in(make_user("Sam", "Vendeur"), sales)

    # The manager creates the campaign for R&D, with Rita on the committee, and opens it.
    login(page, manager)
    page.goto(f"{live_server.url}/ideas/")
    page.get_by_role("link", name="New campaign").click()
    page.get_by_label("Title").fill("Moins de solvants au labo")
    page.get_by_label("Question or brief").fill("Comment **réduire** nos solvants de moitié ?")
    now = timezone.localtime()
    page.get_by_label("Start").fill((now - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("End").fill((now + datetime.timedelta(days=14)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Departments").select_option(label="R&D")
    page.get_by_label("Review committee (handles)").fill(reviewer.handle)
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".message")).to_contain_text("saved as a draft")
    page.get_by_role("button", name="Open the campaign").click()
    expect(page.locator(".message")).to_contain_text("The campaign is open")
    campaign = Campaign.objects.get()

    # Rémi, in R&D, finds it on his home page and submits an idea.
    theirs = new_page()
    login(theirs, author)
    theirs.get_by_role("link", name="Moins de solvants au labo").click()
    theirs.get_by_label("Title").fill("Recycler l'acétone par distillation")
    theirs.get_by_label("Description").fill("Un petit distillateur récupère **80 %** de l'acétone.")
    theirs.get_by_role("button", name="Submit my idea").click()
    expect(theirs.locator("h1")).to_have_text("Recycler l'acétone par distillation")
    idea = Idea.objects.get()

    # Two colleagues vote; the count follows.
    for voter in voters:
        other = new_page()
        login(other, voter)
        other.goto(f"{live_server.url}{idea.get_absolute_url()}")
        other.get_by_role("button", name="Vote").click()
        expect(other.get_by_role("button", name=re.compile("Voted"))).to_be_visible()
    expect(other.get_by_test_id("vote-count")).to_have_text("2 votes")

    # The manager shortlists it and assigns Rita, who scores it.
    page.goto(f"{live_server.url}{idea.get_absolute_url()}")
    page.get_by_label("Move to").select_option(label="Shortlisted")
    page.get_by_role("button", name="Move", exact=True).click()
    expect(page.get_by_test_id("idea-stage")).to_have_text("Shortlisted")
    page.get_by_label("Assign a reviewer").select_option(label="Rita Revue")
    page.get_by_role("button", name="Assign", exact=True).click()
    expect(page.locator(".message")).to_contain_text("Rita Revue will review this idea")

    reviewing = new_page()
    login(reviewing, reviewer)
    reviewing.goto(f"{live_server.url}{idea.get_absolute_url()}")
    for fieldset in reviewing.locator("fieldset.score-field").all():
        fieldset.get_by_label("4").check()
    reviewing.get_by_label("Comment").fill("Rentable en un an.")
    reviewing.get_by_role("button", name="Save my review").click()
    expect(reviewing.locator(".message")).to_contain_text("Your review is saved")

    # The committee page ranks it; the manager moves it on, then approves: first without a rationale.
    page.goto(f"{live_server.url}/ideas/campaigns/{campaign.pk}/committee/")
    expect(page.locator(".committee-table")).to_contain_text("4.0")
    page.goto(f"{live_server.url}{idea.get_absolute_url()}")
    page.get_by_label("Move to").select_option(label="Under review")
    page.get_by_role("button", name="Move", exact=True).click()
    page.get_by_label("Move to").select_option(label="Approved (decision)")
    page.get_by_role("button", name="Move", exact=True).click()
    expect(page.locator(".form-error")).to_contain_text("is a decision: explain it")
    page.get_by_label("Rationale").fill("Pilote au labo 3 en janvier.")
    page.get_by_role("button", name="Move", exact=True).click()
    expect(page.get_by_test_id("idea-stage")).to_have_text("Approved")

    # Rémi is notified, and sees the history with the rationale.
    theirs.get_by_role("link", name=re.compile("Notifications")).click()
    theirs.get_by_text(re.compile("moved an idea you follow.*Approved")).click()
    history = theirs.get_by_test_id("idea-history")
    for step in ("Submitted", "Shortlisted", "Under review", "Approved", "Pilote au labo 3 en janvier."):
        expect(history).to_contain_text(step)
    shoot(theirs, "idea.png")
    page.goto(f"{live_server.url}/ideas/campaigns/{campaign.pk}/results/")
    expect(page.locator(".funnel")).to_be_visible()
    shoot(page, "campaign-results.png")

    # Sam, in Sales, never sees the campaign: not on his home page, not in the list, not by its address.
    outsider = new_page()
    login(outsider, seller)
    expect(outsider.locator("main")).not_to_contain_text("Moins de solvants")
    outsider.goto(f"{live_server.url}/ideas/")
    expect(outsider.locator("main")).not_to_contain_text("Moins de solvants")
    response = outsider.goto(f"{live_server.url}{campaign.get_absolute_url()}")
    assert response.status == 404
    response = outsider.goto(f"{live_server.url}{idea.get_absolute_url()}")
    assert response.status == 404
