"""An administrator runs the company from Ruche's own pages, in Chromium: creates a department,
gives a role with the colleague picker, changes a directory setting, and reads it all in the log.

With RUCHE_SCREENSHOTS=1, test_admin_screenshots writes docs/screenshots/admin-departments.png,
admin-roles.png and admin-directory.png (French, for the README)."""

import os
import re

import pytest
from playwright.sync_api import Page, expect

from ruche.accounts import services as accounts
from ruche.accounts.models import AdminLogEntry, Department, DirectorySettings
from ruche.ideas.models import InnovationManager
from tests.e2e.test_screenshots import SHOTS, colleague, shoot, sign_in

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]


def pick_colleague(page: Page, field, name: str) -> None:
    """Type a few letters into a colleague field and choose the person in the autocomplete."""
    field.fill(name[:3])
    option = page.get_by_role("option", name=re.compile(name))
    expect(option).to_be_visible()
    field.press("Enter")
    expect(field).not_to_have_value(name[:3])


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url} scrolls sideways on a phone ({width}px)"


def test_an_administrator_runs_the_company_from_ruches_pages(live_server, new_page, login, admin, alice):
    page = login(new_page(), admin)
    tabs = page.get_by_role("navigation", name="Administration")
    page.goto(f"{live_server.url}/manage/")
    page.get_by_role("link", name="Departments and sites").click()

    # A department, created; a duplicate refused with a message next to the field.
    page.get_by_role("textbox", name="Name", exact=True).fill("Legal")
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_test_id("units")).to_contain_text("Legal")
    page.get_by_role("textbox", name="Name", exact=True).fill("legal")
    page.get_by_role("button", name="Create").click()
    expect(page.get_by_role("alert")).to_have_text("This name is already used.")
    assert list(Department.objects.values_list("name", flat=True)) == ["Legal"]

    # A role, given with the colleague picker; the holder is listed under the role.
    tabs.get_by_role("link", name="Roles").click()
    page.locator("#id_role").select_option("innovation_manager")
    pick_colleague(page, page.locator("#id_person"), alice.full_name)
    page.get_by_role("button", name="Give the role").click()
    expect(page.get_by_test_id("role-innovation_manager")).to_contain_text(alice.full_name)
    assert InnovationManager.objects.filter(user=alice).exists()
    # Nobody removes their own role: no button next to oneself.
    admins = page.get_by_test_id("role-is_staff")
    expect(admins).to_contain_text("(you)")
    expect(admins.get_by_role("button")).to_have_count(0)

    # A directory setting, changed.
    tabs.get_by_role("link", name="Directory and sign-in").click()
    page.locator("#id_scim_groups_as").select_option("communities")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Directory settings saved.")).to_be_visible()
    expect(page.locator("#id_scim_groups_as")).to_have_value("communities")
    assert DirectorySettings.objects.get().scim_groups_as == "communities"

    # All of it in the log, newest first, and filtered by action.
    tabs.get_by_role("link", name="Log").click()
    rows = page.get_by_test_id("log").locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("Directory settings changed")
    expect(rows.nth(1)).to_contain_text("Role given")
    expect(rows.nth(1)).to_contain_text("Innovation manager")
    expect(rows.nth(2)).to_contain_text("Department created")
    page.locator("#log-action").select_option(label="Role given")
    page.get_by_role("button", name="Filter").click()
    expect(rows).to_have_count(1)
    assert AdminLogEntry.objects.count() == 3


def test_the_pages_fit_a_phone_and_deactivation_is_confirmed(live_server, new_phone, login, admin, alice):
    page = login(new_phone(), admin)
    for path in ("/manage/departments/", "/manage/roles/", "/manage/directory/", "/manage/log/"):
        page.goto(f"{live_server.url}{path}")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        no_sideways_scroll(page)
    page.goto(f"{live_server.url}/people/admin/?state=activated")
    # The list scrolls sideways inside its frame on a phone: reached with the keyboard.
    page.get_by_role("link", name=f"Deactivate {alice.full_name}").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=f"Deactivate {alice.full_name}?")).to_be_visible()
    page.get_by_role("button", name="Deactivate").click()
    expect(page.get_by_text(f"{alice.full_name} is deactivated; their posts stay.")).to_be_visible()
    alice.refresh_from_db()
    assert not alice.is_active


def test_admin_screenshots(live_server, new_page, settings):
    """The README's pictures of the administrators' pages, in French."""
    boss = colleague("Hélène", "Marchand", job="DRH", department="Ressources humaines", site="Lyon")
    type(boss).objects.filter(pk=boss.pk).update(is_staff=True)  # the first administrator, as installed
    boss.refresh_from_db()
    people = [
        colleague("Camille", "Durand", job="Responsable qualité", department="Qualité", site="Lyon"),
        colleague("Karim", "Benali", job="Ingénieur méthodes", department="Production", site="Lyon"),
        colleague(
            "Sophie", "Leroy", job="Chargée de communication", department="Communication", site="Paris"
        ),
        colleague("Thomas", "Girard", job="Contrôleur de gestion", department="Finance", site="Paris"),
        colleague("Julie", "Moreau", job="Technicienne", department="Production", site="Nantes"),
        colleague("Nicolas", "Faure", job="Acheteur", department="Achat", site="Nantes"),
    ]
    camille, karim, sophie, thomas, _julie, nicolas = people
    accounts.org_unit_create(model=Department, name="Achats", by=boss)
    accounts.user_set_roles(user=sophie, by=boss, is_announcer=True)
    accounts.user_set_roles(user=thomas, by=boss, is_analyst=True)
    accounts.user_set_roles(user=camille, by=boss, is_animator=True)
    InnovationManager.objects.create(user=karim)
    assert nicolas.profile.department.name == "Achat"

    page = new_page(viewport={"width": 1280, "height": 1000}, locale="fr-FR")
    sign_in(page, live_server, boss)
    page.goto(f"{live_server.url}/manage/departments/")
    expect(page.get_by_test_id("units")).to_contain_text("Achats")
    shoot(page, "admin-departments.png")
    page.goto(f"{live_server.url}/manage/roles/")
    expect(page.get_by_test_id("role-is_announcer")).to_contain_text("Sophie Leroy")
    shoot(page, "admin-roles.png")
    # As a server connected to Entra ID and to an LDAP directory would show it.
    settings.LDAP_URL, settings.LDAP_BASE_DN = "ldaps://ldap.acme.example", "ou=people,dc=acme,dc=example"
    tenant = "https://login.microsoftonline.com/0d2b6f2e-acme/v2.0"
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {"APPS": [{"secret": "not shown", "settings": {"server_url": tenant}}]}
    }
    page.goto(f"{live_server.url}/manage/directory/")
    expect(page.get_by_test_id("connections")).to_contain_text(tenant)
    expect(page.get_by_test_id("connections")).not_to_contain_text("not shown")
    shoot(page, "admin-directory.png")
    if os.environ.get("RUCHE_SCREENSHOTS") == "1":
        assert (SHOTS / "admin-roles.png").stat().st_size > 10_000
