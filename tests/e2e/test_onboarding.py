"""Mandatory profile fields in a real browser: the admin sets the rule, a newcomer activates their
account, cannot skip the onboarding, completes it and finds the profile meter on the home page.

With RUCHE_SCREENSHOTS=1 it also writes docs/screenshots/onboarding.png, home-meter.png,
skill.png and completeness-report.png.
"""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from ruche.accounts.models import Profile, ProfileSettings, User
from ruche.accounts.tokens import activation_tokens, activation_uid
from tests.e2e.test_screenshots import colleague, shoot

pytestmark = [
    pytest.mark.e2e,
    # pytest-base-url (pulled in by pytest-playwright) defines a fixture pytest 9 warns about.
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]

NEW_PASSWORD = "un mot de passe solide"


def activation_path(user: User) -> str:
    return reverse("accounts:activate", args=[activation_uid(user), activation_tokens.make_token(user)])


def test_newcomer_cannot_skip_mandatory_fields(live_server, login, page: Page, new_page, admin):
    Profile.objects.filter(pk=admin.pk).update(job_title="DRH")

    # The admin invites Zoé, then makes a job title and 3 skills mandatory.
    login(page, admin)
    page.goto(f"{live_server.url}/people/admin/")
    page.get_by_label("E-mail").fill("zoe.bernard@example.com")
    page.get_by_label("First name").fill("Zoé")
    page.get_by_label("Last name").fill("Bernard")
    page.get_by_label("Language").select_option("en")
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.locator(".messages")).to_contain_text("Zoé Bernard is invited")
    page.get_by_role("navigation", name="Administration of people").get_by_role(
        "link", name="Mandatory fields"
    ).click()
    page.get_by_label("Job title").check()
    page.get_by_label("At least 3 skills").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Profile rules saved.")
    assert ProfileSettings.current().mandatory == ["job_title", "skills"]
    expect(page.get_by_label("Job title")).to_be_checked()

    # Zoé follows her invitation link and chooses a password: she lands on the onboarding form.
    zoe = User.objects.get(email="zoe.bernard@example.com")
    newcomer = new_page()
    newcomer.goto(live_server.url + activation_path(zoe))
    newcomer.get_by_label("Choose a password").fill(NEW_PASSWORD)
    newcomer.get_by_label("Type it again").fill(NEW_PASSWORD)
    newcomer.get_by_role("button", name="Activate my account").click()
    expect(newcomer).to_have_url(f"{live_server.url}/welcome/")
    expect(newcomer.get_by_role("heading", name="Welcome, Zoé!")).to_be_visible()
    form = newcomer.get_by_test_id("onboarding-form")
    expect(form.get_by_label("Job title")).to_be_visible()
    expect(form.get_by_label("Your skills")).to_be_visible()
    expect(form.get_by_label("Photo")).to_have_count(0)  # only what is mandatory
    expect(newcomer.get_by_role("link", name="Home")).to_have_count(0)  # no way around it

    # She cannot skip it: any page brings her back.
    for path in ("/", "/people/", f"/people/{admin.handle}/", "/communities/"):
        newcomer.goto(live_server.url + path)
        expect(newcomer).to_have_url(re.compile(re.escape(f"{live_server.url}/welcome/")))
    newcomer.goto(f"{live_server.url}/welcome/")
    shoot(newcomer, "onboarding.png")
    small = new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    small.context.add_cookies(newcomer.context.cookies())
    small.goto(f"{live_server.url}/people/")
    expect(small).to_have_url(re.compile(re.escape(f"{live_server.url}/welcome/")))
    expect(small.get_by_role("button", name="Save and continue")).to_be_in_viewport()

    # Two skills are not enough: a clear error, and what she typed is still there.
    newcomer.get_by_label("Job title").fill("Acheteuse")
    skills = newcomer.get_by_label("Your skills")
    skills.fill("Négociation, Excel")
    newcomer.get_by_role("button", name="Save and continue").click()
    expect(newcomer.get_by_role("alert").first).to_be_visible()
    expect(newcomer.locator(".form-error")).to_contain_text("Give at least 3 different skills (you gave 2).")
    expect(newcomer.get_by_label("Job title")).to_have_value("Acheteuse")
    expect(skills).to_have_value("Négociation, Excel")

    # A third skill, and she is in: the home page shows her profile meter and the next step.
    skills.fill("Négociation, Excel, Achats durables")
    newcomer.get_by_role("button", name="Save and continue").click()
    expect(newcomer).to_have_url(f"{live_server.url}/")
    expect(newcomer.locator(".messages")).to_contain_text("Your profile is ready")
    meter = newcomer.get_by_test_id("completeness")
    expect(meter).to_be_visible()
    expect(meter).to_contain_text("29% complete")
    next_step = meter.get_by_test_id("next-step")
    expect(next_step).to_have_text("Photo")
    expect(newcomer.locator("#composer-body")).to_be_visible()
    shoot(newcomer, "home-meter.png")

    # The next step opens the profile form on the photo field.
    next_step.click()
    expect(newcomer).to_have_url(f"{live_server.url}/me/edit/#id_photo")
    expect(newcomer.locator("#id_photo")).to_be_focused()

    # Her skills are links to skill pages, where she is listed.
    newcomer.goto(f"{live_server.url}/people/{zoe.handle}/")
    expect(newcomer.get_by_test_id("completeness").locator(".checklist li")).to_have_count(7)
    shoot(newcomer, "own-profile.png")
    ask = newcomer.get_by_test_id("ask-me-about")
    ask.get_by_role("link", name="Achats durables").click()
    expect(newcomer.get_by_role("heading", name="Achats durables", level=1)).to_be_visible()
    expect(newcomer.locator(".skill-people")).to_contain_text("Zoé Bernard")


def test_skill_page_and_report_screenshots(live_server, new_page):
    """The French team of the README, seen through a skill page and the admin report."""
    camille = colleague(
        "Camille", "Durand", job="Responsable qualité", department="Qualité", site="Lyon",
        skills=["ISO 9001", "Audit interne", "Lean"], bio="Douze ans à la qualité.",
    )  # fmt: skip
    colleague("Karim", "Benali", job="Ingénieur méthodes", department="Production", site="Saint-Étienne",
              manager=camille, skills=["SMED", "Lean", "AMDEC"])  # fmt: skip
    colleague("Théo", "Moreau", job="Développeur", department="Systèmes d'information", site="Lyon",
              skills=["Python", "Lean"])  # fmt: skip
    colleague("Sophie", "Lambert", job="Directrice des ressources humaines", department="RH", site="Paris")
    colleague("Inès", "Petit", job="Technicienne qualité", department="Qualité", site="Lyon",
              skills=["Audit interne", "Métrologie", "Lean"], bio="Mesurer avant de conclure.")  # fmt: skip
    User.objects.filter(pk=camille.pk).update(is_staff=True)

    page = new_page(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("input[name=login]").fill(camille.email)
    page.locator("input[name=password]").fill("correct-horse-battery")
    page.locator("form button[type=submit]").last.click()
    expect(page.locator("#composer-body")).to_be_visible()

    page.goto(f"{live_server.url}/people/{camille.handle}/")
    page.get_by_test_id("ask-me-about").get_by_role("link", name="Lean").click()
    expect(page.get_by_role("heading", name="Lean", level=1)).to_be_visible()
    expect(page.locator(".skill-people > li")).to_have_count(4)
    shoot(page, "skill.png")

    page.goto(f"{live_server.url}/people/admin/completeness/")
    table = page.locator("table.completeness-table")
    expect(table.get_by_role("row")).to_have_count(5)  # the header and four departments
    expect(table.get_by_role("row", name=re.compile("^Qualité"))).to_contain_text("2")
    shoot(page, "completeness-report.png")


def test_manager_is_picked_by_typing_a_name(live_server, login, page: Page, alice):
    """The manager field is a text field with the people autocomplete, not a list of the company."""
    camille = colleague("Camille", "Durand", job="Responsable qualité", department="Qualité", site="Lyon")
    login(page, alice)
    page.goto(f"{live_server.url}/me/edit/")
    manager = page.get_by_label("Manager")
    manager.press_sequentially("Cami")
    option = page.locator("#autocomplete-list").get_by_role("option").first
    expect(option).to_contain_text("Camille Durand")
    manager.press("Enter")
    expect(manager).to_have_value(camille.handle)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("link", name="Camille Durand")).to_be_visible()
    alice.profile.refresh_from_db()
    assert alice.profile.manager == camille
