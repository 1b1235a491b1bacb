import pytest

from ruche.accounts.models import Source, User
from ruche.scim.models import ScimUser
from tests.scim.conftest import ENTERPRISE, SCIM, USER, new_user

pytestmark = pytest.mark.django_db


def _created(scim, **extra):
    response = scim.post("Users", new_user(**extra))
    assert response.status_code == 201, response.content
    return response.json()


def test_post_creates_a_person_through_the_provisioning_write(scim, alice):
    body = _created(
        scim,
        externalId="entra-42",
        title="Engineer",
        preferredLanguage="fr-FR",
        phoneNumbers=[{"value": "+33 1 23", "type": "mobile"}],
        addresses=[{"locality": "Lyon", "type": "work"}],
        **{ENTERPRISE: {"department": "R&D", "employeeNumber": "E7", "manager": {"value": str(alice.pk)}}},
    )
    user = User.objects.get(email="bjensen@example.com")
    assert (user.source, user.directory_id, user.language) == (Source.SCIM, "entra-42", "fr")
    assert not user.has_usable_password()
    profile = user.profile
    assert (profile.job_title, profile.phone, profile.site.name, profile.department.name) == (
        "Engineer",
        "+33 1 23",
        "Lyon",
        "R&D",
    )
    assert profile.manager == alice
    assert body["id"] == str(user.pk) and body["userName"] == "bjensen@example.com"
    assert body[ENTERPRISE] == {
        "employeeNumber": "E7",
        "department": "R&D",
        "manager": {"value": str(alice.pk), "$ref": f"http://testserver/scim/v2/Users/{alice.pk}"},
    }
    assert body["meta"]["version"].startswith('W/"')


def test_post_answers_in_scim_json_with_location_and_etag(scim):
    response = scim.post("Users", new_user())
    assert response["Content-Type"] == SCIM
    assert response["Location"].endswith(f"/scim/v2/Users/{response.json()['id']}")
    assert response["ETag"] == response.json()["meta"]["version"]


def test_okta_style_body_with_unknown_attributes_and_primary(scim):
    body = new_user(
        "Okta.Login",
        emails=[
            {"value": "other@example.com", "type": "home"},
            {"value": "real@example.com", "primary": True, "type": "work"},
        ],
        nickName="Babs",
        locale="fr_FR",
        password="ignored",
    )
    response = scim.post("Users", body)
    assert response.status_code == 201, response.content
    assert User.objects.filter(email="real@example.com").exists()
    assert ScimUser.objects.get(user__email="real@example.com").user_name == "Okta.Login"
    assert response.json()["userName"] == "Okta.Login"  # as the client spelled it
    again = scim.post("Users", new_user("okta.LOGIN", emails=[{"value": "else@example.com"}]))
    assert again.status_code == 409  # unique whatever the case
    found = scim.get("Users", {"filter": 'userName eq "OKTA.login"'}).json()
    assert [r["userName"] for r in found["Resources"]] == ["Okta.Login"]


def test_a_taken_user_name_is_a_conflict(scim):
    _created(scim)
    response = scim.post("Users", new_user("bjensen@example.com"))
    assert response.status_code == 409 and response.json()["scimType"] == "uniqueness"


def test_post_takes_over_someone_invited_by_hand(scim, alice):
    response = scim.post("Users", new_user(alice.email.upper()))
    assert response.status_code == 201
    alice.refresh_from_db()
    assert response.json()["id"] == str(alice.pk) and alice.source == Source.SCIM


def test_put_replaces_and_clears_what_it_leaves_out(scim):
    body = _created(scim, title="Engineer", **{ENTERPRISE: {"department": "R&D"}})
    replacement = new_user("bjensen@example.com", name={"givenName": "Babs", "familyName": "Jensen"})
    response = scim.put(f"Users/{body['id']}", replacement)
    assert response.status_code == 200, response.content
    user = User.objects.get(pk=body["id"])
    assert user.first_name == "Babs" and user.profile.job_title == "" and user.profile.department is None
    assert "title" not in response.json()


def test_put_changes_the_address_of_the_same_person(scim):
    body = _created(scim)
    response = scim.put(f"Users/{body['id']}", new_user("barbara@example.com"))
    assert response.status_code == 200
    assert User.objects.get(pk=body["id"]).email == "barbara@example.com"
    assert User.objects.count() == 2  # the token's administrator and Barbara: nobody new


def test_patch_as_entra_id_sends_it(scim):
    body = _created(scim)
    operations = [
        {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "b.jensen@example.com"},
        {"op": "Add", "path": 'phoneNumbers[type eq "work"].value', "value": "+33 6"},
        {"op": "Replace", "path": f"{ENTERPRISE}:department", "value": "Sales"},
        {"op": "Replace", "path": "name.familyName", "value": "Jensen-Smith"},
        {"op": "Add", "value": {"title": "Lead", "preferredLanguage": "en-GB"}},
    ]
    response = scim.patch(f"Users/{body['id']}", operations)
    assert response.status_code == 200, response.content
    user = User.objects.get(pk=body["id"])
    assert (user.email, user.last_name, user.language) == ("b.jensen@example.com", "Jensen-Smith", "en")
    assert (user.profile.phone, user.profile.department.name, user.profile.job_title) == (
        "+33 6",
        "Sales",
        "Lead",
    )


def test_patch_remove_clears(scim, alice):
    body = _created(scim, title="Engineer", **{ENTERPRISE: {"manager": {"value": str(alice.pk)}}})
    response = scim.patch(
        f"Users/{body['id']}",
        [{"op": "remove", "path": "title"}, {"op": "remove", "path": f"{ENTERPRISE}:manager"}],
    )
    assert response.status_code == 200
    user = User.objects.get(pk=body["id"])
    assert user.profile.job_title == "" and user.profile.manager is None


def test_patch_active_false_deactivates_a_former_colleague_who_cannot_sign_in(scim, client, make_user):
    body = _created(scim)
    user = User.objects.get(pk=body["id"])
    user.set_password("correct-horse-battery")
    user.save()
    response = scim.patch(f"Users/{body['id']}", [{"op": "replace", "value": {"active": False}}])
    assert response.status_code == 200 and response.json()["active"] is False
    user.refresh_from_db()
    assert not user.is_active and user.is_former
    assert not client.login(email=user.email, password="correct-horse-battery")
    client.post("/accounts/login/", {"login": user.email, "password": "correct-horse-battery"})
    assert "_auth_user_id" not in client.session
    viewer = make_user("Vera", "Viewer")
    client.force_login(viewer)
    assert "Former colleague" in client.get(user.get_absolute_url()).content.decode()


def test_patch_active_true_brings_them_back(scim):
    body = _created(scim, active=False)
    assert not User.objects.get(pk=body["id"]).is_active
    scim.patch(f"Users/{body['id']}", [{"op": "replace", "path": "active", "value": True}])
    assert User.objects.get(pk=body["id"]).is_active


def test_delete_deactivates_keeps_the_person_and_answers_404_after(scim):
    body = _created(scim)
    assert scim.delete(f"Users/{body['id']}").status_code == 204
    user = User.objects.get(pk=body["id"])
    assert not user.is_active and user.is_former
    assert scim.get(f"Users/{body['id']}").status_code == 404
    assert (
        scim.patch(f"Users/{body['id']}", [{"op": "replace", "path": "title", "value": "x"}]).status_code
        == 404
    )
    assert scim.delete(f"Users/{body['id']}").status_code == 404
    listed = scim.get("Users", {"filter": 'userName eq "bjensen@example.com"'}).json()
    assert listed["totalResults"] == 0
    again = scim.post("Users", new_user())  # the identity provider assigns them again
    assert again.status_code == 201 and again.json()["id"] == body["id"]
    assert User.objects.get(pk=body["id"]).is_active


def test_unknown_user_is_404_in_the_scim_error_schema(scim):
    for scim_id in ("999999", "abc", "9" * 30):
        response = scim.get(f"Users/{scim_id}")
        assert response.status_code == 404
        assert response.json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]


def test_last_modified_follows_a_change_made_outside_scim(scim, admin):
    from ruche.accounts.events import PeopleChanged
    from ruche.core.events import publish

    body = _created(scim)
    before = body["meta"]["lastModified"]
    publish(PeopleChanged(user_ids=(int(body["id"]), admin.pk)))
    after = scim.get(f"Users/{body['id']}").json()["meta"]["lastModified"]
    assert after > before
    assert ScimUser.objects.filter(user=admin).exists()


def test_schemas_and_resource_types(scim):
    schemas = scim.get("Schemas").json()
    assert {s["id"] for s in schemas["Resources"]} == {
        USER,
        ENTERPRISE,
        "urn:ietf:params:scim:schemas:core:2.0:Group",
    }
    assert scim.get(f"Schemas/{USER}").json()["name"] == "User"
    assert scim.get("ResourceTypes/User").json()["endpoint"] == "/Users"
    assert scim.get("ResourceTypes/Nope").status_code == 404
    config = scim.get("ServiceProviderConfig").json()
    assert config["patch"]["supported"] and config["etag"]["supported"] and config["filter"]["supported"]
    assert scim.post("ServiceProviderConfig", {}).status_code == 405


def test_entra_id_booleans_as_strings_and_the_manager_by_id(scim, alice):
    body = _created(scim)
    response = scim.patch(
        f"Users/{body['id']}",
        [
            {"op": "Replace", "path": "active", "value": "False"},
            {"op": "Add", "path": f"{ENTERPRISE}:manager", "value": str(alice.pk)},
        ],
    )
    assert response.status_code == 200, response.content
    user = User.objects.get(pk=body["id"])
    assert not user.is_active and user.profile.manager == alice


def test_entra_id_default_mapping_of_display_name_is_ignored_not_refused(scim):
    body = _created(scim)
    response = scim.patch(
        f"Users/{body['id']}",
        [
            {"op": "Replace", "path": "displayName", "value": "Babs"},
            {"op": "Replace", "value": {"displayName": "Babs", "title": "Lead"}},
        ],
    )
    assert response.status_code == 200, response.content
    assert response.json()["displayName"] == "Barbara Jensen" and response.json()["title"] == "Lead"
    only = scim.patch(f"Users/{body['id']}", [{"op": "Replace", "path": "displayName", "value": "Babs"}])
    assert only.status_code == 200 and only.json()["displayName"] == "Barbara Jensen"


def test_people_changed_for_someone_gone_is_no_error(db, alice):
    from ruche.accounts.events import PeopleChanged
    from ruche.core.events import publish

    publish(PeopleChanged(user_ids=(alice.pk, 987654321)))
    assert list(ScimUser.objects.values_list("user_id", flat=True)) == [alice.pk]


def test_an_erased_person_is_gone_for_scim(scim, admin):
    from ruche.privacy.services.erasure import person_erase

    body = _created(scim)
    person_erase(user=User.objects.get(pk=body["id"]), by=admin)
    assert scim.get(f"Users/{body['id']}").status_code == 404
    assert body["id"] not in [r["id"] for r in scim.get("Users").json()["Resources"]]
    assert not ScimUser.objects.filter(user_id=body["id"]).exists()
