"""The org chart in a real browser: from a profile to its chart, a branch opened with the keyboard
and closed again, up to the manager, and a deep branch on a phone without sideways scrolling."""

import re

import pytest
from playwright.sync_api import expect

from ruche.accounts.models import Department, Profile, Site

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]


@pytest.fixture
def hierarchy(make_user):
    """Hélène > Thierry > Léa > Zoé > Maximilien > ... six levels down, all in Production."""
    production = Department.objects.create(name="Production et maintenance industrielle")
    site = Site.objects.create(name="Saint-Étienne-de-Saint-Geoirs")
    chain = [
        ("Hélène", "Marchand", "Présidente-directrice générale"),
        ("Thierry", "Garnier", "Directeur industriel"),
        ("Léa", "Dubois", "Ingénieure méthodes"),
        ("Zoé", "Aubert", "Cheffe d'équipe"),
        ("Maximilien-Alexandre", "de La Rochefoucauld-Montbazon", "Technicien de maintenance senior"),
        ("Anne", "Petit", "Apprentie"),
    ]
    people, manager = [], None
    for first, last, title in chain:
        user = make_user(first, last)
        Profile.objects.filter(pk=user.pk).update(
            department=production, site=site, manager=manager, job_title=title
        )
        people.append(user)
        manager = user
    return {"people": people, "department": production}


def test_from_a_profile_to_the_chart_opening_a_branch_with_the_keyboard(
    live_server, login, page, alice, hierarchy
):
    helene, thierry, lea, zoe, maximilien, _anne = hierarchy["people"]
    login(page, alice)
    page.goto(f"{live_server.url}/people/{lea.handle}/")
    page.get_by_role("link", name="Org chart").click()
    expect(page).to_have_url(f"{live_server.url}/people/{lea.handle}/org/")
    page.wait_for_load_state()  # htmx ready: until then the toggle is a plain link to Zoé's chart
    chain = page.locator(".org-chain li")
    expect(chain).to_have_count(2)
    expect(chain.nth(0)).to_contain_text("Hélène Marchand")
    expect(chain.nth(1)).to_contain_text("Thierry Garnier")

    # Zoé reports to Léa and has one report of her own: Tab from Zoé's profile link to her toggle.
    zoe_node = page.locator(f"#org-node-{zoe.pk}")
    zoe_node.get_by_role("link", name=f"Profile of {zoe.full_name}").focus()
    page.keyboard.press("Tab")
    toggle = zoe_node.locator(":scope > .org-toggle-holder > a.org-toggle")
    expect(toggle).to_be_focused()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/people/{lea.handle}/org/")  # opened in place
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(zoe_node.locator(f"#org-node-{maximilien.pk}")).to_contain_text("Technicien de maintenance senior")
    expect(toggle).to_be_focused()  # the redrawn toggle keeps the focus
    page.keyboard.press("Enter")  # and closes again
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(zoe_node.locator(f"#org-node-{maximilien.pk}")).to_have_count(0)

    # Up to the manager.
    chain.nth(1).get_by_role("link", name="Thierry Garnier", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/people/{thierry.handle}/org/")
    expect(page.locator(".org-focus")).to_contain_text("Directeur industriel")
    expect(page.locator(".org-chain li")).to_have_count(1)


def test_a_deep_branch_fits_a_phone(live_server, login, new_phone, alice, hierarchy):
    people = hierarchy["people"]
    phone = login(new_phone(), alice)

    def fits():
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, width  # nothing wider than the phone

    phone.goto(f"{live_server.url}/people/{people[-1].handle}/org/")
    expect(phone.locator(".org-chain li")).to_have_count(5)
    fits()
    phone.goto(f"{live_server.url}/org/departments/{hierarchy['department'].pk}/")
    # Three levels of people drawn, deeper branches open on demand; the indent stops growing.
    expect(phone.locator(f"#org-node-{people[3].pk}")).to_have_count(0)
    for opened, shown in zip(people[2:5], people[3:6], strict=True):
        phone.locator(f"#org-node-{opened.pk} > .org-toggle-holder > a.org-toggle").click()
        expect(phone.locator(f"#org-node-{shown.pk}")).to_be_visible()
    fits()
    phone.goto(f"{live_server.url}/org/?q=rochefou")
    expect(phone.locator("#org-search-results")).to_contain_text(re.compile("Maximilien"))
    fits()


def test_searching_the_chart_as_one_types(live_server, login, page, alice, hierarchy):
    zoe = hierarchy["people"][3]
    login(page, alice)
    page.goto(f"{live_server.url}/org/")
    expect(page.locator(".org-roots")).to_contain_text("Hélène Marchand")  # the top of the company
    page.get_by_label("Find a colleague in the chart").fill("ZOE")  # Zoé, in capitals and without its accent
    results = page.locator("#org-search-results")
    expect(results).to_contain_text("Zoé Aubert")
    expect(page).to_have_url(re.compile(r"/org/\?q=ZOE$"))
    results.get_by_role("link", name="Zoé Aubert", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/people/{zoe.handle}/org/")
    expect(page.locator(".org-chain li")).to_have_count(3)
