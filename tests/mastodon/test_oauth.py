"""The OAuth flow with a real client (Mastodon.py) against a live Ruche."""

import base64
import hashlib
import secrets

import pytest
import requests
from mastodon import Mastodon, MastodonAPIError

from tests.mastodon.conftest import OOB, code_from, consent, signed_in_session

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_app_signs_in_through_the_consent_page_and_reads_who_it_is(alice_mastodon, alice):
    me = alice_mastodon.account_verify_credentials()
    assert str(me.id) == str(alice.pk)
    assert me.username == alice.handle and me.acct == alice.handle
    assert me.display_name == alice.full_name
    assert me.avatar.endswith("/static/mastodon/avatar.png") or "/media/" in me.avatar


def test_the_instance_describes_ruche(alice_mastodon, settings):
    instance = alice_mastodon.instance_v2()
    assert instance.title == settings.SITE_NAME
    assert instance.version.startswith("4.3.0 (compatible; Ruche")
    assert instance.configuration.statuses.max_characters == settings.POST_MAX_LENGTH
    assert instance.registrations.enabled is False
    assert alice_mastodon.instance_v1().uri


def test_the_app_verifies_its_own_credentials(alice_mastodon):
    app = alice_mastodon.app_verify_credentials()
    assert app.name == "Ruche tests"


def test_a_redirect_code_comes_back_to_the_app(register_app, authorize, alice):
    redirect = "https://app.example/callback"
    api = register_app(redirect_uris=redirect)
    answer = authorize(api, alice, redirect_uri=redirect, state="xyz")
    assert answer.status_code == 302
    assert answer.headers["Location"].startswith(redirect + "?")
    assert "state=xyz" in answer.headers["Location"]
    api.log_in(
        code=code_from(answer),
        redirect_uri=redirect,
        scopes=["read", "write", "follow", "push"],
        allow_http=True,
    )
    assert api.account_verify_credentials().username == alice.handle


def test_an_app_with_its_own_scheme_gets_its_redirect(register_app, authorize, alice):
    redirect = "tusky-ruche://oauth"
    api = register_app(redirect_uris=redirect)
    answer = authorize(api, alice, redirect_uri=redirect)
    assert answer.status_code == 302 and answer.headers["Location"].startswith(redirect + "?code=")


def test_deny_sends_access_denied(register_app, authorize, alice):
    redirect = "https://app.example/callback"
    api = register_app(redirect_uris=redirect)
    answer = authorize(api, alice, redirect_uri=redirect, allow=False)
    assert answer.status_code == 302 and "error=access_denied" in answer.headers["Location"]


def test_a_code_serves_once(register_app, authorize, alice, mastodon_base):
    api = register_app()
    code = code_from(authorize(api, alice))
    api.log_in(code=code, redirect_uri=OOB, scopes=["read", "write", "follow", "push"], allow_http=True)
    again = requests.post(
        f"{mastodon_base}/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "client_id": api.client_id,
            "client_secret": api.client_secret,
            "redirect_uri": OOB,
        },
        timeout=10,
    )
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


def test_pkce_s256(register_app, authorize, alice, mastodon_base):
    api = register_app()
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    url = api.auth_request_url(redirect_uris=OOB, scopes=["read"], allow_http=True)
    url += f"&code_challenge={challenge}&code_challenge_method=S256"
    code = code_from(consent(signed_in_session(mastodon_base, alice), url))
    token_form = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": api.client_id,
        "client_secret": api.client_secret,
        "redirect_uri": OOB,
    }
    wrong = requests.post(
        f"{mastodon_base}/oauth/token", data=token_form | {"code_verifier": "x" * 50}, timeout=10
    )
    assert wrong.status_code == 400
    # the wrong verifier spent the code (oauthlib invalidates it): start again with the right one
    code = code_from(consent(signed_in_session(mastodon_base, alice), url))
    right = requests.post(
        f"{mastodon_base}/oauth/token",
        data=token_form | {"code": code, "code_verifier": verifier},
        timeout=10,
    )
    body = right.json()
    assert right.status_code == 200, body
    assert body["token_type"] == "Bearer" and body["scope"] == "read" and isinstance(body["created_at"], int)


def test_a_read_token_cannot_write(mastodon_for, alice):
    reader = mastodon_for(alice, scopes=["read"])
    assert reader.account_verify_credentials().username == alice.handle
    with pytest.raises(MastodonAPIError) as refused:
        reader.account_update_credentials(note="new bio")
    assert refused.value.args[1] == 403
    alice.profile.refresh_from_db()
    assert alice.profile.bio == ""


def test_a_write_token_updates_the_bio(alice_mastodon, alice):
    me = alice_mastodon.account_update_credentials(note="Plans <b>and</b> tests")
    assert me.source.note == "Plans <b>and</b> tests"
    assert "&lt;b&gt;" in me.note
    alice.profile.refresh_from_db()
    assert alice.profile.bio == "Plans <b>and</b> tests"


def test_an_app_may_not_ask_more_than_it_registered(register_app, alice):
    api = register_app(scopes=["read"])

    url = api.auth_request_url(redirect_uris=OOB, scopes=["read", "write"], allow_http=True)
    page = signed_in_session(api.api_base_url, alice).get(url, timeout=10)
    assert 'data-testid="oob-error">invalid_scope<' in page.text and "oob-code" not in page.text


def test_a_redirect_uri_that_is_not_absolute_is_refused(mastodon_base):
    for bad in ["/callback", "callback", "javascript:alert(1)", ""]:
        answer = requests.post(
            f"{mastodon_base}/api/v1/apps", data={"client_name": "x", "redirect_uris": bad}, timeout=10
        )
        assert answer.status_code == 422, bad
        assert "redirect_uris" in answer.json()["error"]


def test_revoked_tokens_open_nothing(alice_mastodon, mastodon_base):
    token = alice_mastodon.access_token
    revoked = requests.post(
        f"{mastodon_base}/oauth/revoke",
        data={
            "token": token,
            "client_id": alice_mastodon.client_id,
            "client_secret": alice_mastodon.client_secret,
        },
        timeout=10,
    )  # Mastodon.py's revoke_access_token insists on https
    assert revoked.status_code == 200
    answer = requests.get(
        f"{mastodon_base}/api/v1/accounts/verify_credentials",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert answer.status_code == 401 and answer.json() == {"error": "The access token is invalid"}


def test_no_token_is_401_and_the_session_cookie_is_not_enough(alice, mastodon_base):
    session = signed_in_session(mastodon_base, alice)
    answer = session.get(f"{mastodon_base}/api/v1/accounts/verify_credentials", timeout=10)
    assert answer.status_code == 401 and answer.json() == {"error": "The access token is invalid"}


def test_a_personal_token_opens_the_mastodon_api(alice, mastodon_base):
    from ruche.api.services import api_token_create

    _token, secret = api_token_create(user=alice, name="phone")
    api = Mastodon(access_token=secret, api_base_url=mastodon_base, version_check_mode="none")
    assert api.account_verify_credentials().username == alice.handle


def test_an_oauth_token_opens_ruches_own_api_within_its_scopes(mastodon_for, alice, mastodon_base):
    reader = mastodon_for(alice, scopes=["read"])
    headers = {"Authorization": f"Bearer {reader.access_token}"}
    assert requests.get(f"{mastodon_base}/api/ruche/v1/feed/", headers=headers, timeout=10).status_code == 200
    refused = requests.post(
        f"{mastodon_base}/api/ruche/v1/posts/", json={"body": "x"}, headers=headers, timeout=10
    )
    assert refused.status_code == 403
