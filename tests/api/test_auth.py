"""Who may call the API: personal tokens, the browser session (with CSRF), nobody else."""

import hashlib
import json

import pytest
from django.test import Client
from django.utils import timezone

from ruche.accounts.models import User
from ruche.api.models import ApiToken
from ruche.api.services import api_token_create, api_token_revoke
from ruche.posts.models import Post
from tests.core.i18n import in_french
from tests.fixtures.api import Api

pytestmark = pytest.mark.django_db

CSRF = "a" * 32


def test_a_valid_token_opens_the_api_and_notes_its_use(client, alice, token_of):
    raw = token_of(alice)
    response = Api(client, raw).get("/notifications/unread-count")
    assert response.status_code == 200
    assert response.json() == {"count": 0}
    token = ApiToken.objects.get(user=alice)
    assert token.last_used_at is not None


def test_only_a_hash_of_the_token_is_stored(alice):
    token, raw = api_token_create(user=alice, name="rapport hebdo")
    assert raw.startswith("ruche_") and len(raw) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert raw not in {stored.key_hash, stored.prefix, stored.name}


@pytest.mark.parametrize("header", ["Bearer ruche_not-a-real-token", "Bearer ", "Bearer x" * 100])
def test_a_wrong_token_is_a_401(client, alice, header):
    response = client.get("/api/ruche/v1/feed/", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json()["detail"]
    assert response["WWW-Authenticate"] == "Bearer"


def test_a_revoked_token_no_longer_works(client, alice):
    token, raw = api_token_create(user=alice, name="script")
    api = Api(client, raw)
    assert api.get("/feed/").status_code == 200
    api_token_revoke(token=token, by=alice)
    assert api.get("/feed/").status_code == 401


def test_a_deactivated_persons_tokens_stop_working(client, alice, token_of):
    raw = token_of(alice)
    User.objects.filter(pk=alice.pk).update(is_active=False, deactivated_at=timezone.now())
    assert Api(client, raw).get("/feed/").status_code == 401


def test_a_wrong_token_does_not_fall_back_on_the_session(client, alice):
    client.force_login(alice)
    response = client.get("/api/ruche/v1/feed/", headers={"Authorization": "Bearer wrong"})
    assert response.status_code == 401


def test_someone_may_not_revoke_anothers_token(alice, bruno, api_as):
    token, _raw = api_token_create(user=bruno, name="bruno's")
    response = api_as(alice).delete(f"/tokens/{token.pk}")
    assert response.status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


def test_tokens_are_listed_and_revoked_through_the_api(alice, api_as):
    api = api_as(alice)
    other, _raw = api_token_create(user=alice, name="old one")
    listed = api.get("/tokens/").json()["items"]
    assert {t["name"] for t in listed} == {"script", "old one"}
    assert all("token" not in t and "key_hash" not in t for t in listed)
    response = api.delete(f"/tokens/{other.pk}")
    assert response.status_code == 200 and response.json()["revoked_at"]


def test_a_token_cannot_make_another_token(alice, api_as):
    response = api_as(alice).post("/tokens/", {"name": "more"})
    assert response.status_code == 401
    assert ApiToken.objects.filter(user=alice).count() == 1


@pytest.mark.parametrize(
    "path",
    ["/feed/", "/feed/company", "/posts/1", "/communities/", "/people/", "/notifications/", "/questions/"],
)
def test_anonymous_callers_get_a_401(anonymous_api, path):
    response = anonymous_api.get(path)
    assert response.status_code == 401
    assert response.json()["detail"] == in_french("Sign in, or send an API token.")  # the company's language


def test_anonymous_posts_are_a_401_not_a_csrf_failure(db):
    response = Client(enforce_csrf_checks=True).post(
        "/api/ruche/v1/posts/", json.dumps({"body": "x"}), content_type="application/json"
    )
    assert response.status_code == 401
    assert not Post.objects.exists()


def test_the_browser_session_reads_without_csrf(alice):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    assert browser.get("/api/ruche/v1/feed/").status_code == 200


def test_a_session_post_needs_the_csrf_token(alice):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    body = json.dumps({"body": "Depuis le navigateur"})
    refused = browser.post("/api/ruche/v1/posts/", body, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert not Post.objects.exists()
    browser.cookies["csrftoken"] = CSRF
    accepted = browser.post(
        "/api/ruche/v1/posts/", body, content_type="application/json", headers={"X-CSRFToken": CSRF}
    )
    assert accepted.status_code == 201
    assert Post.objects.get().body == "Depuis le navigateur"


def test_a_session_may_create_a_token_through_the_api(alice):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    browser.cookies["csrftoken"] = CSRF
    response = browser.post(
        "/api/ruche/v1/tokens/",
        json.dumps({"name": "CI"}),
        content_type="application/json",
        headers={"X-CSRFToken": CSRF},
    )
    assert response.status_code == 201
    raw = response.json()["token"]
    assert Api(Client(), raw).get("/feed/").status_code == 200


# Errors speak the caller's language -------------------------------------------------------------


def test_errors_follow_accept_language_when_the_person_chose_no_language(client, alice, token_of):
    User.objects.filter(pk=alice.pk).update(language="")
    api = Api(client, token_of(alice), language="fr")
    response = api.post("/posts/", {"body": "   "})
    assert response.status_code == 400
    assert response.json() == {"detail": in_french("Write something before publishing."), "field": "body"}
    missing = api.put("/posts/1/reaction", {})  # the schema's own validation
    assert missing.json() == {"detail": in_french("This field is required."), "field": "kind"}


def test_errors_follow_the_persons_language_setting(client, alice, token_of):
    User.objects.filter(pk=alice.pk).update(language="fr")
    api = Api(client, token_of(alice), language="en")
    response = api.get("/posts/999999")
    assert response.status_code == 404
    assert response.json()["detail"] == in_french("Not found.")


def test_anonymous_errors_follow_accept_language(client):
    response = client.get("/api/ruche/v1/feed/", headers={"Accept-Language": "en"})
    assert response.json()["detail"] == "Sign in, or send an API token."


# The API tokens page ----------------------------------------------------------------------------


def test_the_tokens_page_creates_a_token_shown_once(client, alice):
    client.force_login(alice)
    page = client.get("/me/api-tokens/")
    assert page.status_code == 200
    response = client.post("/me/api-tokens/", {"name": "Rapport hebdo"})
    assert response.status_code == 200
    secret = response.context["created"]["secret"]
    assert secret in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert Api(Client(), secret).get("/feed/").status_code == 200
    again = client.get("/me/api-tokens/").content.decode()
    assert "Rapport hebdo" in again and secret not in again


def test_the_tokens_page_refuses_a_nameless_token(client, alice):
    client.force_login(alice)
    response = client.post("/me/api-tokens/", {"name": "  "})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_the_tokens_page_revokes_only_ones_own_tokens(client, alice, bruno):
    mine, raw = api_token_create(user=alice, name="mine")
    theirs, _raw = api_token_create(user=bruno, name="theirs")
    client.force_login(alice)
    assert client.post(f"/me/api-tokens/{theirs.pk}/revoke/").status_code == 404
    assert client.post(f"/me/api-tokens/{mine.pk}/revoke/").status_code == 302
    assert ApiToken.objects.get(pk=mine.pk).revoked_at is not None
    assert ApiToken.objects.get(pk=theirs.pk).revoked_at is None
    assert Api(Client(), raw).get("/feed/").status_code == 401


def test_the_account_menu_links_to_the_tokens_page(client, alice):
    client.force_login(alice)
    assert 'href="/me/api-tokens/"' in client.get("/").content.decode()


def test_the_tokens_page_needs_a_signed_in_person(client):
    assert client.get("/me/api-tokens/").status_code == 302


# The API's description ---------------------------------------------------------------------------


def test_the_openapi_schema_generates(client, alice):
    response = client.get("/api/ruche/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    for path in [
        "/api/ruche/v1/feed/",
        "/api/ruche/v1/posts/",
        "/api/ruche/v1/posts/{post_id}",
        "/api/ruche/v1/communities/{slug}/posts",
        "/api/ruche/v1/people/{handle}/follow",
        "/api/ruche/v1/notifications/read-all",
        "/api/ruche/v1/questions/{question_id}/experts",
    ]:
        assert path in paths, path
    assert {"TokenAuth", "SessionAuth"} <= set(schema["components"]["securitySchemes"])


def test_the_docs_page_loads_nothing_from_outside(client, alice):
    client.force_login(alice)
    response = client.get("/api/ruche/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in page
    assert "http://" not in page and "https://" not in page
