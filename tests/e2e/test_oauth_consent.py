"""A person allows (or refuses) a Mastodon app on Ruche's consent page, in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from ruche.mastodon.services import app_register

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

REDIRECT = "https://app.example/callback"


def _authorize_url(live_server, application, scope="read write"):
    return (
        f"{live_server.url}/oauth/authorize?response_type=code&client_id={application.client_id}"
        f"&redirect_uri={REDIRECT}&scope={scope.replace(' ', '+')}&state=s1"
    )


@pytest.mark.parametrize("press", ["Authorize", "Deny"])
def test_the_consent_page_names_the_app_and_its_permissions(new_page, login, live_server, alice, press):
    application, _secret = app_register(name="Phone app", redirect_uris=REDIRECT, scopes="read write")
    page = login(new_page(), alice)
    landed = []
    page.route(
        re.compile(r"^https://app\.example/.*"),
        lambda route: (landed.append(route.request.url), route.fulfill(body="ok")),
    )
    page.goto(_authorize_url(live_server, application))
    expect(page.get_by_role("heading", name="Allow “Phone app” to use your account?")).to_be_visible()
    scopes = page.get_by_test_id("scopes")
    expect(scopes).to_contain_text("See everything you can see")
    expect(scopes).to_contain_text("Post, reply, react, share and change things in your name")
    page.get_by_role("button", name=press).click()
    page.wait_for_url(re.compile(r"^https://app\.example/"))
    assert landed and "state=s1" in landed[-1]
    if press == "Authorize":
        assert re.search(r"[?&]code=[\w-]+", landed[-1])
    else:
        assert "error=access_denied" in landed[-1] and "code=" not in landed[-1]
