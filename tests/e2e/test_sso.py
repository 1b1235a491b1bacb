"""Single sign-on in Chromium, against a real OpenID Connect provider (oidc-provider-mock) and a real
SAML identity provider (pysaml2) run by the test: press the company button, choose who you are at
the provider, land home. With RUCHE_SCREENSHOTS=1 it also writes docs/screenshots/login-sso-phone.png."""

import re

import pytest
from playwright.sync_api import Page, expect

from ruche.accounts.models import SignIn
from tests.e2e.test_screenshots import shoot

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]


def sign_in_at_provider(page: Page, sub: str):
    page.get_by_role("button", name="Sign in with your company account").click()
    page.locator("#subject-input").fill(sub)
    page.get_by_role("button", name="Authorize", exact=True).click()


def test_a_known_person_signs_in_through_the_provider(live_server, page: Page, oidc, make_user, settings):
    settings.PASSWORD_LOGIN = False
    camille = make_user("Camille", "Durand", email="camille@example.com")
    oidc.person("sub-camille-e2e", email="camille@example.com", given_name="Camille")

    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.locator("input[name=password]")).to_have_count(0)  # passwords off: the button alone
    sign_in_at_provider(page, "sub-camille-e2e")

    expect(page).to_have_url(re.compile(re.escape(live_server.url) + r"/(\?.*)?$"))
    expect(page.locator("#composer-body")).to_be_visible()
    assert SignIn.objects.get(user=camille).method == "oidc"


def test_an_unknown_person_reads_why_on_a_phone(live_server, new_phone, oidc, db):
    page = new_phone()
    oidc.person("sub-stranger-e2e", email="stranger@example.com")
    page.goto(f"{live_server.url}/accounts/login/")
    button = page.get_by_role("button", name="Sign in with your company account")
    assert button.bounding_box()["width"] > 300  # the whole width of a 390 px screen, easy to hit
    shoot(page, "login-sso-phone.png")
    sign_in_at_provider(page, "sub-stranger-e2e")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    expect(page.get_by_text("You have no account in Ruche yet")).to_be_visible()


def test_a_known_person_signs_in_through_the_saml_idp(live_server, page: Page, saml_idp, make_user):
    import requests

    camille = make_user("Camille", "Durand", email="camille@example.com")
    saml_idp.sp_metadata = requests.get(f"{live_server.url}/accounts/saml/company/metadata/", timeout=10).text
    saml_idp.person("camille-nameid", mail="camille@example.com")

    page.goto(f"{live_server.url}/accounts/login/")
    sign_in_at_provider(page, "camille-nameid")  # the IdP's page posts the signed answer back

    expect(page).to_have_url(re.compile(re.escape(live_server.url) + r"/(\?.*)?$"))
    expect(page.locator("#composer-body")).to_be_visible()
    assert SignIn.objects.get(user=camille).method == "saml"
