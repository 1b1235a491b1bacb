"""Outgoing webhooks in a real browser: a community's owner registers one from the community's page,
copies its secret, sends a test event, and sees the signed delivery the receiver got."""

import hashlib
import hmac

import pytest
from playwright.sync_api import expect

from ruche.activities.models import WebhookEndpoint
from tests.local_sites import LocalSite

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]


@pytest.fixture
def receiver(settings):
    with LocalSite({"/hook": (200, {}, b"ok")}) as site:
        settings.FETCH_ALLOWED_HOSTS = [site.allowed]
        yield site


def test_an_owner_registers_a_webhook_and_sends_a_test_event(
    live_server, login, page, make_community, receiver
):
    community = make_community("Club qualité")
    login(page, community.created_by)
    page.goto(f"{live_server.url}/communities/{community.slug}/")
    page.get_by_role("link", name="Webhooks").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Webhooks of Club qualité")

    page.get_by_label("Name").fill("Tableau de bord")
    page.get_by_label("Address").fill(receiver.url("/hook"))
    page.get_by_label("Like", exact=False).first.check()
    page.get_by_role("button", name="Register").click()
    secret = page.get_by_test_id("secret").locator("code").inner_text()
    endpoint = WebhookEndpoint.objects.get()
    assert secret == endpoint.secret and endpoint.types == ["Create", "Like"]

    page.get_by_role("link", name="Send it a test event").click()
    page.get_by_role("button", name="Send a test event").click()
    deliveries = page.get_by_test_id("deliveries")
    expect(deliveries).to_contain_text("ping")
    expect(deliveries).to_contain_text("Delivered")
    expect(deliveries).to_contain_text("HTTP 200")
    [request] = receiver.requests
    timestamp = request["headers"]["X-Ruche-Timestamp"]
    expected = hmac.new(
        secret.encode(), timestamp.encode() + b"." + request["body"], hashlib.sha256
    ).hexdigest()
    assert request["headers"]["X-Ruche-Signature"] == f"sha256={expected}"
    assert secret not in page.content()  # shown once


def test_the_pages_fit_a_phone(live_server, login, new_phone, admin):
    page = new_phone()
    login(page, admin)
    page.goto(f"{live_server.url}/manage/webhooks/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Company-wide webhooks")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
