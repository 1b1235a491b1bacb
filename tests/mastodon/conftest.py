"""Mastodon.py drives a live Ruche, signed in through the real OAuth authorization-code flow.

`mastodon_for(user, scopes=[...])` registers an app with `Mastodon.create_app`, signs `user` in on
Ruche's login page with a `requests` session, opens the authorize URL, posts the consent form, reads
the code from the out-of-band page (or from the redirect, with `redirect_uri=`), and exchanges it
with `Mastodon.log_in`: a client as a phone app would hold it. `authorize(...)` is the browser part
alone (for tests of the flow itself). The live server needs rows committed: `transactional_db`.
"""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from mastodon import Mastodon

OOB = "urn:ietf:wg:oauth:2.0:oob"
PASSWORD = "correct-horse-battery"  # tests/conftest.py:make_user gives it to everyone
FULL = ["read", "write", "follow", "push"]


def _csrf(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def signed_in_session(base_url: str, user, password: str = PASSWORD) -> requests.Session:
    """A browser-like session signed in on Ruche's own login page."""
    session = requests.Session()
    page = session.get(f"{base_url}/accounts/login/", timeout=10)
    response = session.post(
        f"{base_url}/accounts/login/",
        data={"login": user.email, "password": password, "csrfmiddlewaretoken": _csrf(page.text)},
        headers={"Referer": f"{base_url}/accounts/login/"},
        timeout=10,
    )
    assert "sessionid" in session.cookies, response.text[:500]
    return session


def consent(session: requests.Session, authorize_url: str, *, allow: bool = True) -> requests.Response:
    """Open the consent page and press Authorize (or Deny); the redirect is not followed."""
    page = session.get(authorize_url, timeout=10)
    assert page.status_code == 200, page.text[:500]
    form = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text))
    form = {name: _unescape(value) for name, value in form.items()}
    if allow:
        form["allow"] = "true"
    return session.post(page.url, data=form, headers={"Referer": page.url}, allow_redirects=False, timeout=10)


def _unescape(value: str) -> str:
    import html

    return html.unescape(value)


def code_from(answer: requests.Response) -> str:
    """The code from the redirect's query, or from the out-of-band page."""
    if answer.status_code in {301, 302, 303}:
        return parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]
    return re.search(r'data-testid="oob-code">([^<]+)<', answer.text).group(1)


@pytest.fixture
def mastodon_base(live_server, transactional_db):
    return live_server.url


@pytest.fixture
def register_app(mastodon_base):
    def register(*, scopes=FULL, redirect_uris=OOB, name="Ruche tests"):
        client_id, client_secret = Mastodon.create_app(
            name, scopes=list(scopes), redirect_uris=redirect_uris, api_base_url=mastodon_base
        )
        return Mastodon(
            client_id=client_id,
            client_secret=client_secret,
            api_base_url=mastodon_base,
            version_check_mode="none",
        )

    return register


@pytest.fixture
def authorize(mastodon_base):
    """authorize(api, user, scopes=..., redirect_uri=OOB, allow=True) -> the consent's answer."""

    def run(api: Mastodon, user, *, scopes=FULL, redirect_uri=OOB, allow=True, **extra):
        url = api.auth_request_url(redirect_uris=redirect_uri, scopes=list(scopes), allow_http=True, **extra)
        return consent(signed_in_session(mastodon_base, user), url, allow=allow)

    return run


@pytest.fixture
def mastodon_for(register_app, authorize):
    """mastodon_for(user, scopes=["read", ...]) -> a Mastodon client holding `user`'s token."""

    def make(user, *, scopes=FULL, redirect_uri=OOB) -> Mastodon:
        api = register_app(scopes=scopes, redirect_uris=redirect_uri)
        code = code_from(authorize(api, user, scopes=scopes, redirect_uri=redirect_uri))
        api.log_in(code=code, redirect_uri=redirect_uri, scopes=list(scopes), allow_http=True)
        return api

    return make


@pytest.fixture
def alice_mastodon(mastodon_for, alice):
    return mastodon_for(alice)


@pytest.fixture
def bruno_mastodon(mastodon_for, bruno):
    return mastodon_for(bruno)
