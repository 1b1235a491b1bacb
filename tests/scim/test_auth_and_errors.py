"""Bearer tokens (page, command, revocation), and the SCIM errors: nothing half-applied."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ruche.accounts.models import AdminLogEntry, User
from ruche.scim.models import ScimToken
from ruche.scim.services import token_digest
from tests.scim.conftest import ENTERPRISE, Scim, new_user

pytestmark = pytest.mark.django_db

ERROR = "urn:ietf:params:scim:api:messages:2.0:Error"


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer wrong", "Basic dXNlcjpwYXNz"])
def test_no_valid_token_is_401_with_the_scim_error(client, scim, header):
    headers = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get("/scim/v2/Users", **headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["schemas"] == [ERROR] and response.json()["status"] == "401"


def test_a_session_is_not_a_credential(client, admin):
    client.force_login(admin)
    assert client.get("/scim/v2/Users").status_code == 401
    assert client.post("/scim/v2/Users", new_user(), content_type="application/scim+json").status_code == 401


def test_posts_need_no_csrf_token(scim_token, admin):
    from django.test import Client

    strict = Scim(Client(enforce_csrf_checks=True), scim_token)
    assert strict.post("Users", new_user()).status_code == 201


def test_a_revoked_token_is_401(scim, admin):
    from ruche.scim.services import token_revoke

    assert scim.get("Users").status_code == 200
    token_revoke(token=ScimToken.objects.get(), by=admin)
    assert scim.get("Users").status_code == 401


def test_tokens_are_stored_hashed_and_their_use_noted(scim, scim_token):
    token = ScimToken.objects.get()
    assert token.token_hash == token_digest(scim_token) and scim_token not in token.token_hash
    scim.get("Users")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_patch_with_an_unknown_path_applies_nothing(scim):
    body = scim.post("Users", new_user(title="Engineer")).json()
    response = scim.patch(
        f"Users/{body['id']}",
        [
            {"op": "replace", "path": "title", "value": "Boss"},
            {"op": "replace", "path": "shoeSize", "value": "42"},
        ],
    )
    assert response.status_code == 400 and response.json()["scimType"] == "invalidPath"
    assert User.objects.get(pk=body["id"]).profile.job_title == "Engineer"


def test_a_patch_failing_on_a_later_operation_applies_nothing(scim):
    body = scim.post("Users", new_user(title="Engineer")).json()
    response = scim.patch(
        f"Users/{body['id']}",
        [
            {"op": "replace", "path": "title", "value": "Boss"},
            {"op": "replace", "path": f"{ENTERPRISE}:manager", "value": {"value": "424242"}},
        ],
    )
    assert response.status_code == 400 and response.json()["scimType"] == "invalidValue"
    assert User.objects.get(pk=body["id"]).profile.job_title == "Engineer"


@pytest.mark.parametrize(
    ("body", "scim_type"),
    [
        ({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "name": {"givenName": "X"}}, None),
        (new_user(emails=[{"value": "not an address"}]), "invalidValue"),
        (new_user(name={"familyName": "Only"}), None),
    ],
)
def test_invalid_users_are_400_and_nothing_is_written(scim, body, scim_type):
    count = User.objects.count()
    response = scim.post("Users", body)
    assert response.status_code == 400, response.content
    assert response.json()["schemas"] == [ERROR]
    if scim_type:
        assert response.json()["scimType"] == scim_type
    assert User.objects.count() == count


def test_a_body_that_is_not_json_is_400(scim, client, scim_token):
    response = client.post("/scim/v2/Users", "{nope", content_type="application/scim+json",
                           HTTP_AUTHORIZATION=f"Bearer {scim_token}")  # fmt: skip
    assert response.status_code == 400 and response.json()["schemas"] == [ERROR]


def test_an_unknown_endpoint_is_a_scim_404(scim):
    response = scim.get("Pets")
    assert response.status_code == 404 and response.json()["schemas"] == [ERROR]


# The administrators' page and the command -----------------------------------------------------------


def test_the_page_creates_a_token_shown_once_and_revokes_it(client, admin):
    client.force_login(admin)
    response = client.post("/manage/scim/", {"name": "Okta"})
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret and secret in response.content.decode()
    token = ScimToken.objects.get(name="Okta")
    assert token.token_hash == token_digest(secret) and token.created_by == admin
    page = client.get("/manage/scim/").content.decode()
    assert "Okta" in page and secret not in page
    assert client.get("/scim/v2/Users", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    assert client.post(f"/manage/scim/{token.pk}/revoke/").status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert client.get("/scim/v2/Users", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
    actions = list(AdminLogEntry.objects.filter(actor=admin).values_list("action", flat=True))
    assert sorted(actions) == ["scim_token_create", "scim_token_revoke"]


def test_a_token_needs_a_name(client, admin):
    client.force_login(admin)
    response = client.post("/manage/scim/", {"name": "   "}, follow=True)
    assert response.status_code == 200 and not ScimToken.objects.exists()


def test_the_page_is_for_administrators_only(client, alice, admin):
    token = ScimToken.objects.create(name="x", token_hash="0" * 64, created_by=admin)
    client.force_login(alice)
    assert client.get("/manage/scim/").status_code == 403
    assert client.post("/manage/scim/", {"name": "mine"}).status_code == 403
    assert client.post(f"/manage/scim/{token.pk}/revoke/").status_code == 403
    assert ScimToken.objects.count() == 1 and ScimToken.objects.get().revoked_at is None
    client.logout()
    assert client.get("/manage/scim/").status_code == 302


def test_the_command_prints_a_working_token_once(capsys, client, admin):
    call_command("scim_token", "Entra ID", "--by", admin.email)
    secret = capsys.readouterr().out.strip()
    token = ScimToken.objects.get()
    assert token.name == "Entra ID" and token.created_by == admin and token.token_hash == token_digest(secret)
    assert client.get("/scim/v2/Users", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    assert AdminLogEntry.objects.filter(action="scim_token_create").exists()


def test_the_command_refuses_someone_who_is_not_an_administrator(alice):
    with pytest.raises(CommandError):
        call_command("scim_token", "x", "--by", alice.email)
    assert not ScimToken.objects.exists()
