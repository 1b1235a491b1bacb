"""Single sign-on through OpenID Connect, against a real provider run by the test (oidc-provider-mock):
Django's test client plays the browser, the provider's authorisation page is answered over HTTP."""

import pytest
from allauth.socialaccount.models import SocialAccount
from django.core import mail
from django.core.cache import cache

from ruche.accounts.models import DirectorySettings, Profile, SignIn, Source, User
from ruche.accounts.provisioning import PersonRecord, person_provision
from tests.fixtures.oidc import CLIENT_ID, PROVIDER_ID, query

LOGIN = f"/accounts/oidc/{PROVIDER_ID}/login/"


def sign_in(client, idp, sub):
    """Press the log-in page's button, choose `sub` at the provider, follow the callback."""
    start = client.post(LOGIN, {"process": "login"})
    assert start.status_code == 302, start.content[:300]
    authorize = start["Location"]
    assert authorize.startswith(idp.url)
    assert query(authorize)["client_id"] == CLIENT_ID
    callback = idp.authorize(authorize, sub)
    assert callback.startswith(f"http://testserver/accounts/oidc/{PROVIDER_ID}/login/callback/")
    return client.get(callback.removeprefix("http://testserver"))


def signed_in_as(client):
    return client.get("/").wsgi_request.user


def messages_of(response):
    return [str(m) for m in response.wsgi_request._messages]


@pytest.fixture
def provisioning(db):
    def set_to(value: bool):
        DirectorySettings.objects.update_or_create(pk=1, defaults={"sso_provision_unknown": value})
        cache.delete(DirectorySettings.CACHE_KEY)

    return set_to


def test_a_known_person_signs_in_and_is_connected(client, oidc, make_user):
    camille = make_user("Camille", "Durand", email="camille@example.com")
    sub = oidc.person("sub-camille", email="Camille@Example.com", given_name="Camille")
    response = sign_in(client, oidc, sub)
    assert response.status_code == 302 and response["Location"] == "/"
    assert signed_in_as(client) == camille
    account = SocialAccount.objects.get(user=camille)
    assert account.uid == "sub-camille" and account.provider == PROVIDER_ID
    assert SignIn.objects.get(user=camille).method == "oidc"
    # The second time, the connected account is found by its subject.
    client.logout()
    assert sign_in(client, oidc, sub)["Location"] == "/"
    assert signed_in_as(client) == camille
    assert SignIn.objects.filter(user=camille, method="oidc").count() == 2


def test_a_first_sign_in_activates_an_invited_person(client, oidc, make_user):
    invited = make_user("Ines", "Invited", email="ines@example.com")
    User.objects.filter(pk=invited.pk).update(activated_at=None)
    sign_in(client, oidc, oidc.person("sub-ines", email="ines@example.com"))
    invited.refresh_from_db()
    assert invited.activated_at is not None


def test_an_unknown_person_is_refused_when_provisioning_is_off(client, oidc, provisioning):
    provisioning(False)
    response = sign_in(client, oidc, oidc.person("sub-nobody", email="nobody@example.com"))
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    page = client.get("/accounts/login/")
    assert "You have no account in Ruche yet" in page.content.decode()
    assert not User.objects.filter(email="nobody@example.com").exists()
    assert not signed_in_as(client).is_authenticated


def test_an_unknown_person_is_provisioned_from_the_claims(client, oidc, provisioning, make_user):
    provisioning(True)
    boss = make_user("Bea", "Boss", email="bea@example.com")
    sub = oidc.person(
        "sub-noah",
        email="noah@example.com",
        given_name="Noah",
        family_name="Nouveau",
        job_title="Welder",
        department="Assembly",
        site="Lyon",
        manager_email="bea@example.com",
    )
    response = sign_in(client, oidc, sub)
    assert response["Location"] == "/", messages_of(response)
    noah = User.objects.get(email="noah@example.com")
    assert signed_in_as(client) == noah
    assert (noah.first_name, noah.last_name, noah.source, noah.directory_id) == (
        "Noah",
        "Nouveau",
        Source.SSO,
        "sub-noah",
    )
    assert noah.activated_at is not None and not noah.has_usable_password()
    profile = Profile.objects.select_related("department", "site").get(user=noah)
    assert (profile.job_title, profile.department.name, profile.site.name, profile.manager) == (
        "Welder",
        "Assembly",
        "Lyon",
        boss,
    )
    assert mail.outbox == []  # no invitation: they are already in


def test_a_person_kept_by_sso_is_updated_at_each_sign_in(client, oidc, db):
    kept = person_provision(
        record=PersonRecord(
            email="sam@example.com", first_name="Sam", job_title="Intern", directory_id="sub-sam"
        ),
        source=Source.SSO,
    ).user
    sign_in(
        client,
        oidc,
        oidc.person("sub-sam", email="sam@example.com", given_name="Samuel", job_title="Engineer"),
    )
    kept.refresh_from_db()
    assert kept.first_name == "Samuel"
    assert Profile.objects.get(user=kept).job_title == "Engineer"


def test_a_person_kept_by_another_directory_is_matched_but_not_rewritten(client, oidc, db):
    kept = person_provision(
        record=PersonRecord(
            email="lea@example.com", first_name="Léa", job_title="Buyer", directory_id="uid=lea"
        ),
        source=Source.LDAP,
    ).user
    sign_in(client, oidc, oidc.person("sub-lea", email="lea@example.com", given_name="Leah", job_title="CEO"))
    assert signed_in_as(client) == kept
    kept.refresh_from_db()
    assert (kept.first_name, kept.source, kept.directory_id) == ("Léa", Source.LDAP, "uid=lea")
    assert Profile.objects.get(user=kept).job_title == "Buyer"


def test_a_domain_outside_the_allowed_ones_is_refused(client, oidc, settings, make_user):
    settings.SSO_ALLOWED_DOMAINS = ["example.fr"]
    make_user(email="omar@example.com")
    response = sign_in(client, oidc, oidc.person("sub-omar", email="omar@example.com"))
    assert response["Location"] == "/accounts/login/"
    assert messages_of(response) == ["Addresses of this domain may not sign in to Ruche."]
    assert not signed_in_as(client).is_authenticated
    assert not SocialAccount.objects.exists()


def test_an_allowed_domain_passes(client, oidc, settings, make_user):
    settings.SSO_ALLOWED_DOMAINS = ["example.fr", "example.com"]
    omar = make_user(email="omar@example.com")
    sign_in(client, oidc, oidc.person("sub-omar2", email="omar@example.com"))
    assert signed_in_as(client) == omar


def test_a_deactivated_person_is_refused(client, oidc, make_user):
    gone = make_user(email="gone@example.com")
    User.objects.filter(pk=gone.pk).update(is_active=False)
    response = sign_in(client, oidc, oidc.person("sub-gone", email="gone@example.com"))
    assert messages_of(response) == ["Your account is deactivated: ask your administrator."]
    assert not signed_in_as(client).is_authenticated


def test_a_deactivated_person_with_a_connected_account_is_refused(client, oidc, make_user):
    gone = make_user(email="gone2@example.com")
    sub = oidc.person("sub-gone2", email="gone2@example.com")
    sign_in(client, oidc, sub)
    client.logout()
    User.objects.filter(pk=gone.pk).update(is_active=False)
    response = sign_in(client, oidc, sub)
    assert messages_of(response) == ["Your account is deactivated: ask your administrator."]
    assert not signed_in_as(client).is_authenticated


@pytest.mark.parametrize("verified", [False, "false", None])
def test_an_unverified_address_is_refused(client, oidc, make_user, verified):
    make_user(email="vera@example.com")
    claims = {"email": "vera@example.com", "email_verified": verified}
    if verified is None:
        claims.pop("email_verified")
        response = sign_in(client, oidc, _without_verified(oidc, "sub-vera-none", claims))
    else:
        response = sign_in(client, oidc, oidc.person(f"sub-vera-{verified}", **claims))
    assert messages_of(response) == ["Your identity provider does not vouch for your e-mail address."]
    assert not signed_in_as(client).is_authenticated


def _without_verified(idp, sub, claims):
    import requests

    requests.put(f"{idp.url}/users/{sub}", json=claims, timeout=5).raise_for_status()
    return sub


def test_a_provider_trusted_for_addresses_needs_no_verified_claim(client, oidc, settings, make_user):
    settings.SSO_OIDC_TRUST_EMAIL = True
    vera = make_user(email="vera2@example.com")
    sign_in(client, oidc, _without_verified(oidc, "sub-vera2", {"email": "vera2@example.com"}))
    assert signed_in_as(client) == vera


def test_no_address_is_refused(client, oidc, db):
    response = sign_in(client, oidc, _without_verified(oidc, "sub-anon", {"name": "Anon"}))
    assert messages_of(response) == ["Your identity provider did not give an e-mail address."]


# Bad tokens: the forger hands out the real provider's ID token re-signed or changed.


def test_the_forger_harness_lets_an_honest_token_through(client, forger, make_user):
    """Without this, the refusals below could come from a broken harness rather than from Ruche."""
    rita = make_user(email="rita@example.com")
    response = sign_in(client, forger.idp, forger.idp.person("sub-rita", email="rita@example.com"))
    assert response["Location"] == "/"
    assert signed_in_as(client) == rita


@pytest.mark.parametrize("mode", ["wrong-key", "other-audience", "unsigned"])
def test_a_forged_id_token_is_refused(client, forger, make_user, mode):
    make_user(email="rita@example.com")
    forger.mode = mode
    response = sign_in(client, forger.idp, forger.idp.person("sub-rita", email="rita@example.com"))
    assert response.status_code == 401
    assert "Sign-in failed" in response.content.decode()
    assert not signed_in_as(client).is_authenticated
    assert not SocialAccount.objects.exists() and not SignIn.objects.exists()


def test_a_callback_with_a_state_of_its_own_is_refused(client, oidc, make_user):
    make_user(email="rita@example.com")
    start = client.post(LOGIN, {"process": "login"})
    callback = oidc.authorize(start["Location"], oidc.person("sub-rita", email="rita@example.com"))
    forged = callback.replace(f"state={query(callback)['state']}", "state=forged")
    response = client.get(forged.removeprefix("http://testserver"))
    assert "Sign-in failed" in response.content.decode()
    assert not signed_in_as(client).is_authenticated


def test_a_get_to_the_login_address_asks_to_confirm(client, oidc, db):
    """A link cannot start a sign-in: the GET shows Ruche's confirmation page, whose button POSTs."""
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert "You are about to sign in with your company account." in response.content.decode()


# The log-in page and passwords.


def test_without_sso_the_login_page_is_as_before(client, db):
    page = client.get("/accounts/login/").content.decode()
    assert 'name="password"' in page and "company account" not in page


def test_the_login_page_shows_the_button(client, oidc, settings):
    page = client.get("/accounts/login/").content.decode()
    assert "Sign in with your company account" in page and f'action="{LOGIN}"' in page
    assert 'name="password"' in page
    settings.SSO_OIDC_BUTTON_LABEL = "Sign in with Acme"
    assert "Sign in with Acme" in client.get("/accounts/login/").content.decode()


def test_the_button_is_translated(client, oidc, settings):
    settings.LANGUAGE_CODE = "fr"
    page = client.get("/accounts/login/").content.decode()
    assert "Se connecter avec votre compte d’entreprise" in page


@pytest.fixture
def passwords_off(settings, oidc):
    settings.PASSWORD_LOGIN = False


def test_with_passwords_off_the_login_page_shows_only_the_button(client, passwords_off):
    page = client.get("/accounts/login/").content.decode()
    assert "Sign in with your company account" in page and 'name="password"' not in page
    assert 'name="password"' in client.get("/accounts/login/?password=1").content.decode()


def test_with_passwords_off_a_password_is_refused(client, passwords_off, make_user):
    camille = make_user(email="camille@example.com")
    response = client.post("/accounts/login/", {"login": camille.email, "password": "correct-horse-battery"})
    assert response.status_code == 200
    assert "Passwords are turned off: sign in with your company account." in response.content.decode()
    assert not signed_in_as(client).is_authenticated


def test_with_passwords_off_a_superuser_still_uses_theirs(client, passwords_off, make_user):
    root = make_user(email="root@example.com", is_superuser=True, staff=True)
    response = client.post("/accounts/login/", {"login": root.email, "password": "correct-horse-battery"})
    assert response.status_code == 302
    assert signed_in_as(client) == root
    assert SignIn.objects.get(user=root).method == "password"


def test_with_passwords_off_no_reset_link_is_sent_but_to_superusers(client, passwords_off, make_user):
    camille = make_user(email="camille@example.com")
    root = make_user(email="root@example.com", is_superuser=True, staff=True)
    client.post("/accounts/password/reset/", {"email": camille.email})
    assert mail.outbox == []
    client.post("/accounts/password/reset/", {"email": root.email})
    assert [m.to for m in mail.outbox] == [[root.email]]


# The configuration, from the environment only.

SHOW = (
    "import json, django; django.setup(); from django.conf import settings; "
    "print(json.dumps([settings.SOCIALACCOUNT_PROVIDERS, settings.SECURE_CSP['form-action'], "
    "settings.PASSWORD_LOGIN, settings.SSO_ALLOWED_DOMAINS, settings.SSO_CLAIMS['job_title']]))"
)


def settings_with(**env):
    import json
    import os
    import subprocess
    import sys

    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("RUCHE_OIDC", "RUCHE_SSO", "RUCHE_SAML"))
    }
    result = subprocess.run(  # noqa: S603  (our own interpreter, a fixed script)
        [sys.executable, "-c", SHOW],
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    if result.returncode:
        return result.stderr.strip().splitlines()[-1]
    return json.loads(result.stdout)


def test_nothing_set_means_no_sso():
    providers, form_action, password_login, domains, _title = settings_with()
    assert (providers, form_action, password_login, domains) == ({}, ["'self'"], True, [])


def test_the_environment_configures_the_provider():
    providers, form_action, password_login, domains, title = settings_with(
        RUCHE_OIDC_ISSUER="https://login.example.com/tenant/v2.0",
        RUCHE_OIDC_CLIENT_ID="abc",
        RUCHE_OIDC_CLIENT_SECRET="s3cret",
        RUCHE_PASSWORD_LOGIN="false",
        RUCHE_SSO_ALLOWED_DOMAINS="Example.com, @example.fr",
        RUCHE_SSO_CLAIM_JOB_TITLE="jobTitle",
    )
    (app,) = providers["openid_connect"]["APPS"]
    assert (app["provider_id"], app["client_id"], app["secret"]) == ("company", "abc", "s3cret")
    assert app["settings"]["server_url"] == "https://login.example.com/tenant/v2.0"
    assert form_action == ["'self'", "https://login.example.com"]
    assert (password_login, domains, title) == (False, ["example.com", "example.fr"], "jobTitle")


@pytest.mark.parametrize(
    ("env", "error"),
    [
        ({"RUCHE_OIDC_ISSUER": "https://idp.example.com"}, "RUCHE_OIDC_ISSUER needs RUCHE_OIDC_CLIENT_ID"),
        (
            {"RUCHE_OIDC_ISSUER": "idp.example.com", "RUCHE_OIDC_CLIENT_ID": "x"},
            "must be an absolute http(s) URL",
        ),
        ({"RUCHE_PASSWORD_LOGIN": "maybe"}, "RUCHE_PASSWORD_LOGIN must be a boolean"),
    ],
)
def test_a_bad_configuration_stops_start_up(env, error):
    assert error in settings_with(**env)


# allauth's "connections" page: a company account is connected by signing in, and stays.


def test_a_signed_in_person_cannot_connect_another_identity(client, oidc, make_user):
    camille = make_user(email="camille@example.com")
    make_user(email="root@example.com", is_superuser=True, staff=True)
    client.force_login(camille)
    start = client.post(LOGIN, {"process": "connect"})
    callback = oidc.authorize(start["Location"], oidc.person("sub-root", email="root@example.com"))
    response = client.get(callback.removeprefix("http://testserver"))
    assert response["Location"] == "/"
    assert messages_of(response) == ["Your company account is connected when you sign in with it."]
    assert not SocialAccount.objects.exists()
    assert signed_in_as(client) == camille


def test_the_connection_cannot_be_removed(client, oidc, make_user):
    camille = make_user(email="camille@example.com")
    sign_in(client, oidc, oidc.person("sub-camille", email="camille@example.com"))
    page = client.get("/accounts/3rdparty/")
    assert (
        "You sign in with your company account" in page.content.decode()
        and "sub-camille" in page.content.decode()
    )
    account = SocialAccount.objects.get(user=camille)
    client.post("/accounts/3rdparty/", {"account": account.pk})
    assert SocialAccount.objects.filter(pk=account.pk).exists()
