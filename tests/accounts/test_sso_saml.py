"""Single sign-on through SAML 2.0, against a real identity provider run by the test (pysaml2, over
HTTP): Django's test client plays the browser, following the redirect and POST bindings."""

import base64

import pytest
from allauth.socialaccount.models import SocialAccount

from ruche.accounts.models import SignIn
from tests.fixtures.saml import SLUG

METADATA = f"/accounts/saml/{SLUG}/metadata/"
LOGIN = f"/accounts/saml/{SLUG}/login/"
ACS = f"/accounts/saml/{SLUG}/acs/"


HOST = "ruche.example.com"  # python3-saml refuses a single-label host such as "testserver"


@pytest.fixture
def saml(saml_idp, client, settings, db):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, HOST]
    client.defaults["HTTP_HOST"] = HOST
    saml_idp.sp_metadata = client.get(METADATA).content.decode()
    return saml_idp


def start(client, idp, sub):
    response = client.post(LOGIN, {"process": "login"})
    assert response.status_code == 302, response.content[:300]
    return idp.sign_in(response["Location"], sub)


def post_back(client, answer):
    assert answer["acs"] == f"http://{HOST}{ACS}"
    response = client.post(ACS, {"SAMLResponse": answer["SAMLResponse"], "RelayState": answer["RelayState"]})
    assert response.status_code == 302
    return client.get(response["Location"])


def signed_in_as(client):
    return client.get("/").wsgi_request.user


def test_the_sp_metadata_names_the_acs_and_wants_signed_assertions(client, saml):
    metadata = client.get(METADATA)
    assert metadata.status_code == 200 and metadata["Content-Type"].startswith("text/xml")
    text = metadata.content.decode()
    assert f'Location="http://{HOST}{ACS}"' in text
    assert 'WantAssertionsSigned="true"' in text


def test_a_known_person_signs_in(client, saml, make_user):
    camille = make_user("Camille", "Durand", email="camille@example.com")
    answer = start(
        client,
        saml,
        saml.person("camille-nameid", mail="camille@example.com", givenName="Camille", department="Assembly"),
    )
    response = post_back(client, answer)
    assert response.status_code == 302 and response["Location"] == "/", response.content[:500]
    assert signed_in_as(client) == camille
    assert SocialAccount.objects.get(user=camille).uid == "camille-nameid"
    assert SignIn.objects.get(user=camille).method == "saml"


def login_page_message(client):
    return client.get("/accounts/login/").content.decode()


def test_an_unknown_person_is_refused_or_provisioned(client, saml, make_user):
    from django.core.cache import cache

    from ruche.accounts.models import DirectorySettings, Profile, Source, User

    sub = saml.person(
        "noah", mail="noah@example.com", givenName="Noah", sn="Nouveau", title="Welder", site="Lyon"
    )
    response = post_back(client, start(client, saml, sub))
    assert response["Location"] == "/accounts/login/"
    assert "You have no account in Ruche yet" in login_page_message(client)
    DirectorySettings.objects.update_or_create(pk=1, defaults={"sso_provision_unknown": True})
    cache.delete(DirectorySettings.CACHE_KEY)
    assert post_back(client, start(client, saml, sub))["Location"] == "/"
    noah = User.objects.get(email="noah@example.com")
    assert (noah.first_name, noah.last_name, noah.source, noah.directory_id) == (
        "Noah",
        "Nouveau",
        Source.SSO,
        "noah",
    )
    profile = Profile.objects.select_related("site").get(user=noah)
    assert (profile.job_title, profile.site.name) == ("Welder", "Lyon")


def test_a_deactivated_person_and_a_foreign_domain_are_refused(client, saml, make_user, settings):
    from ruche.accounts.models import User

    gone = make_user(email="gone@example.com")
    User.objects.filter(pk=gone.pk).update(is_active=False)
    post_back(client, start(client, saml, saml.person("gone", mail="gone@example.com")))
    assert "Your account is deactivated" in login_page_message(client)
    settings.SSO_ALLOWED_DOMAINS = ["example.fr"]
    make_user(email="omar@example.com")
    post_back(client, start(client, saml, saml.person("omar", mail="omar@example.com")))
    assert "Addresses of this domain may not sign in" in login_page_message(client)
    assert not signed_in_as(client).is_authenticated


def test_an_address_the_idp_says_is_unverified_is_refused(client, saml, make_user):
    make_user(email="vera@example.com")
    post_back(
        client, start(client, saml, saml.person("vera", mail="vera@example.com", email_verified="false"))
    )
    assert "does not vouch for your e-mail address" in login_page_message(client)


# Bad answers: each refused with Ruche's error page, nobody signed in.


def refused(client, answer, *, page="Sign-in failed"):
    response = client.post(ACS, {"SAMLResponse": answer["SAMLResponse"], "RelayState": answer["RelayState"]})
    if response.status_code == 302:
        response = client.get(response["Location"])
    assert response.status_code in (400, 401, 403), response.status_code
    assert page in response.content.decode()
    assert not signed_in_as(client).is_authenticated
    assert not SignIn.objects.exists()


def test_a_tampered_assertion_is_refused(client, saml, make_user):
    make_user(email="camille@example.com")
    make_user(email="root@example.com", is_superuser=True, staff=True)
    answer = start(client, saml, saml.person("camille-nameid", mail="camille@example.com"))
    xml = base64.b64decode(answer["SAMLResponse"]).decode()
    assert xml.count("camille@example.com") == 1
    forged = xml.replace("camille@example.com", "root@example.com")
    refused(client, {**answer, "SAMLResponse": base64.b64encode(forged.encode()).decode()})


@pytest.mark.parametrize("mode", ["other-recipient", "other-audience", "unsigned"])
def test_an_answer_meant_for_someone_else_or_unsigned_is_refused(client, saml, make_user, mode):
    make_user(email="camille@example.com")
    saml.mode = mode
    refused(client, start(client, saml, saml.person("camille-nameid", mail="camille@example.com")))


def test_a_replayed_answer_is_refused(client, saml, make_user):
    from django.test import Client

    make_user(email="camille@example.com")
    answer = start(client, saml, saml.person("camille-nameid", mail="camille@example.com"))
    assert post_back(client, answer)["Location"] == "/"
    client.logout()
    SignIn.objects.all().delete()
    # allauth keeps the request's id (InResponseTo) in the session until its answer comes, once:
    # a second answer to it finds nothing and is refused (403, Ruche's "not allowed" page).
    forbidden = "You are not allowed to do this"
    refused(client, answer, page=forbidden)  # the same browser again
    stranger = Client(HTTP_HOST=HOST)
    refused(stranger, answer, page=forbidden)  # a captured answer, posted from another browser


def test_an_idp_initiated_answer_is_refused(client, saml, make_user):
    """Only answers to Ruche's own requests are taken: an unsolicited one could be a replay."""
    from saml2 import BINDING_HTTP_POST
    from saml2 import saml as saml_xml
    from saml2.saml import NAMEID_FORMAT_UNSPECIFIED
    from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

    make_user(email="camille@example.com")
    server = saml.server()
    response = server.create_authn_response(
        identity={"mail": ["camille@example.com"]},
        userid="camille-nameid",
        name_id=saml_xml.NameID(format=NAMEID_FORMAT_UNSPECIFIED, text="camille-nameid"),
        authn={"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"},
        sign_assertion=True,
        sign_alg=SIG_RSA_SHA256,
        digest_alg=DIGEST_SHA256,
        in_response_to=None,
        destination=f"http://{HOST}{ACS}",
        sp_entity_id=f"http://{HOST}{METADATA}",
        binding=BINDING_HTTP_POST,
    )
    refused(client, {"SAMLResponse": base64.b64encode(str(response).encode()).decode(), "RelayState": ""})


def test_the_environment_configures_saml():
    from tests.accounts.test_sso_oidc import settings_with

    providers, form_action, *_ = settings_with(
        RUCHE_SAML_IDP_ENTITY_ID="https://sts.example.com/adfs",
        RUCHE_SAML_IDP_SSO_URL="https://sts.example.com/adfs/ls/",
        RUCHE_SAML_IDP_X509_CERT="MIIC...",
        RUCHE_SAML_ATTR_EMAIL="http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn",
    )
    (app,) = providers["saml"]["APPS"]
    assert app["client_id"] == "company"
    assert app["settings"]["idp"] == {
        "entity_id": "https://sts.example.com/adfs",
        "sso_url": "https://sts.example.com/adfs/ls/",
        "x509cert": "MIIC...",
    }
    assert app["settings"]["attribute_mapping"]["email"] == [
        "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/upn"
    ]
    assert app["settings"]["advanced"]["want_assertion_signed"] is True
    assert form_action == ["'self'", "https://sts.example.com"]
    assert "needs RUCHE_SAML_IDP_METADATA_URL" in settings_with(
        RUCHE_SAML_IDP_ENTITY_ID="https://sts.example.com"
    )


def test_the_login_page_shows_the_saml_button(client, saml):
    page = client.get("/accounts/login/").content.decode()
    assert f'action="{LOGIN}"' in page and "Sign in with your company account" in page
