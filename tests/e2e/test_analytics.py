"""Adoption analytics in Chromium: an administrator reads activation, active people, the pyramid
and the trends, filters by department, downloads a table as CSV and reminds someone who never
activated; a plain colleague is refused the page."""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ruche.accounts.models import Department, User
from ruche.analytics.models import PersonDay

pytestmark = [pytest.mark.e2e, pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning")]


@pytest.fixture
def company(person, admin):
    """R&D (8 people, all active today, 6 of them yesterday, 2 posting) and Sales (6 people, 5
    active today); Zoé of Sales invited a week ago and never activated."""
    rnd, sales = Department.objects.create(name="R&D"), Department.objects.create(name="Sales")
    today = timezone.localdate()
    lab = [person(f"Lab{n}", rnd) for n in range(8)]
    shop = [person(f"Shop{n}", sales) for n in range(6)]
    zoe = person("Zoé", sales)
    week_ago = timezone.now() - datetime.timedelta(days=7)
    User.objects.filter(pk=zoe.pk).update(activated_at=None, date_joined=week_ago, invited_at=week_ago)
    rows = [PersonDay(user=u, day=today, visits=1, pages=4) for u in lab + shop[:5]]
    rows += [
        PersonDay(user=u, day=today - datetime.timedelta(days=1), visits=1, posts=int(n < 2))
        for n, u in enumerate(lab[:6])
    ]
    PersonDay.objects.bulk_create(rows)
    return {"rnd": rnd, "sales": sales, "zoe": zoe}


def test_an_administrator_reads_filters_exports_and_reminds(
    live_server, login, page, admin, company, mailoutbox
):
    login(page, admin)
    page.goto(f"{live_server.url}/analytics/")
    expect(page.get_by_role("heading", name="Adoption analytics")).to_be_visible()
    activation = page.locator("#activation")
    expect(activation.locator(".figure-card").first).to_contain_text("16")  # 15 colleagues and Ada
    actives = page.locator("#actives")
    weekly = actives.locator(".figure-card", has_text="Weekly active people")
    expect(weekly.locator(".figure-value")).to_have_text("13")
    expect(actives.locator("svg[role=img]").first).to_be_visible()
    expect(page.locator("#pyramid svg[role=img]")).to_be_visible()
    departments = page.locator("#departments table")
    expect(departments.locator("tr", has_text="R&D")).to_contain_text("8")

    page.get_by_label("Department", exact=True).select_option(label="Sales")
    page.get_by_role("button", name="Show").click()
    expect(page.locator(".analytics-scope")).to_contain_text("Sales")
    expect(
        page.locator("#actives .figure-card", has_text="Weekly active people").locator(".figure-value")
    ).to_have_text("5")

    with page.expect_download() as download:
        page.locator("#departments").get_by_role("link", name="Download as CSV").click()
    text = download.value.path().read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("Department,Invited,Activated")
    assert "Sales" in text

    waiting = page.locator("#activation .waiting-form")
    expect(waiting).to_contain_text("Zoé Test")
    waiting.get_by_role("button", name="Remind them").click()
    expect(page.locator(".message-success")).to_contain_text("Invitation sent again to 1 person")


def test_a_colleague_is_refused_the_company_figures(live_server, login, page, alice):
    login(page, alice)
    response = page.goto(f"{live_server.url}/analytics/")
    assert response.status == 403
    page.goto(f"{live_server.url}/analytics/me/")
    expect(page.get_by_role("heading", name="My activity")).to_be_visible()
