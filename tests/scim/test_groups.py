"""Groups: departments by default, communities when the administrators say so."""

import pytest
from django.core.cache import cache

from ruche.accounts.models import Department, DirectorySettings, User
from ruche.communities.models import AuditEntry, Community, Membership
from ruche.scim.models import ScimGroup
from tests.scim.conftest import new_user

pytestmark = pytest.mark.django_db

GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group"


def _group(name, *members, **extra):
    return {"schemas": [GROUP], "displayName": name, "members": [{"value": m} for m in members], **extra}


@pytest.fixture
def users(scim):
    return [
        scim.post("Users", new_user(f"{n}@example.com", name={"givenName": n})).json()["id"]
        for n in ("ann", "ben", "cat")
    ]


@pytest.fixture
def communities_mode(db):
    DirectorySettings.objects.update_or_create(pk=1, defaults={"scim_groups_as": "communities"})
    cache.delete(DirectorySettings.CACHE_KEY)
    yield
    cache.delete(DirectorySettings.CACHE_KEY)


def _department(pk) -> set[int]:
    return set(User.objects.filter(profile__department_id=pk).values_list("pk", flat=True))


def test_departments_post_get_filter(scim, users):
    response = scim.post("Groups", _group("Sales", users[0], users[1], externalId="grp-1"))
    assert response.status_code == 201, response.content
    body = response.json()
    department = Department.objects.get(name="Sales")
    assert body["id"] == f"d-{department.pk}" and body["externalId"] == "grp-1"
    assert _department(department.pk) == {int(users[0]), int(users[1])}
    found = scim.get("Groups", {"filter": 'displayName eq "sales"', "excludedAttributes": "members"}).json()
    assert [g["id"] for g in found["Resources"]] == [body["id"]] and "members" not in found["Resources"][0]
    by_member = scim.get("Groups", {"filter": f'members[value eq "{users[1]}"]'}).json()
    assert [g["id"] for g in by_member["Resources"]] == [body["id"]]
    assert scim.get(f"Groups/{body['id']}").json()["displayName"] == "Sales"
    assert scim.post("Groups", _group("SALES")).status_code == 409


def test_departments_patch_members_and_rename(scim, users):
    gid = scim.post("Groups", _group("Sales", users[0])).json()["id"]
    pk = int(gid.split("-")[1])
    response = scim.patch(f"Groups/{gid}", [
        {"op": "add", "path": "members", "value": [{"value": users[1]}, {"value": users[2]}]},
        {"op": "remove", "path": f'members[value eq "{users[0]}"]'},
        {"op": "replace", "value": {"displayName": "Ventes"}},
    ])  # fmt: skip
    assert response.status_code == 200, response.content
    assert _department(pk) == {int(users[1]), int(users[2])}
    assert Department.objects.get(pk=pk).name == "Ventes"
    assert User.objects.get(pk=users[2]).profile.department.name == "Ventes"


def test_entra_removes_a_member_by_value(scim, users):
    gid = scim.post("Groups", _group("Sales", users[0], users[1])).json()["id"]
    response = scim.patch(
        f"Groups/{gid}", [{"op": "Remove", "path": "members", "value": [{"value": users[0]}]}]
    )
    assert response.status_code == 200, response.content
    assert _department(int(gid.split("-")[1])) == {int(users[1])}


def test_departments_put_and_delete(scim, users):
    gid = scim.post("Groups", _group("Sales", users[0], users[1])).json()["id"]
    pk = int(gid.split("-")[1])
    assert scim.put(f"Groups/{gid}", _group("Sales", users[2])).status_code == 200
    assert _department(pk) == {int(users[2])}
    assert scim.delete(f"Groups/{gid}").status_code == 204
    assert not Department.objects.filter(pk=pk).exists()
    assert (
        User.objects.get(pk=users[2]).profile.department is None and User.objects.get(pk=users[2]).is_active
    )
    assert scim.get(f"Groups/{gid}").status_code == 404


def test_a_group_member_must_be_a_user(scim, users):
    response = scim.post("Groups", _group("Sales", users[0], "d-999"))
    assert response.status_code == 400 and response.json()["scimType"] == "invalidValue"
    assert not Department.objects.filter(name="Sales").exists()
    assert User.objects.get(pk=users[0]).profile.department is None


def test_adding_to_a_group_does_not_reactivate(scim, users):
    scim.patch(f"Users/{users[0]}", [{"op": "replace", "path": "active", "value": False}])
    scim.post("Groups", _group("Sales", users[0]))
    assert not User.objects.get(pk=users[0]).is_active


def test_communities_mode(scim, users, communities_mode, admin):
    response = scim.post("Groups", _group("Project Apollo", users[0], users[1]))
    assert response.status_code == 201, response.content
    gid = response.json()["id"]
    community = Community.objects.get(name="Project Apollo")
    assert gid == f"c-{community.pk}"
    assert community.visibility == Community.Visibility.PUBLIC and not community.archived_at
    members = set(Membership.objects.filter(community=community).values_list("user_id", flat=True))
    assert members == {int(users[0]), int(users[1])}  # the token's administrator is not made a member
    assert not Department.objects.exists()
    patched = scim.patch(f"Groups/{gid}", [
        {"op": "remove", "path": f'members[value eq "{users[0]}"]'},
        {"op": "add", "path": "members", "value": [{"value": users[2]}]},
    ])  # fmt: skip
    assert patched.status_code == 200, patched.content
    members = set(Membership.objects.filter(community=community).values_list("user_id", flat=True))
    assert members == {int(users[1]), int(users[2])}
    assert AuditEntry.objects.filter(community=community, action="remove_member", actor=admin).exists()
    assert scim.get(f"Groups/d-{community.pk}").status_code == 404  # ids do not cross modes
    assert scim.delete(f"Groups/{gid}").status_code == 204
    community.refresh_from_db()
    assert community.archived_at is not None  # archived, never deleted: what was written stays
    assert scim.get(f"Groups/{gid}").status_code == 404


def test_communities_need_a_token_made_by_an_administrator(client, communities_mode, users):
    from ruche.scim.services import token_create
    from tests.scim.conftest import Scim

    _token, secret = token_create(name="cli", by=None)
    response = Scim(client, secret).post("Groups", _group("Apollo", users[0]))
    assert response.status_code == 403 and not Community.objects.filter(name="Apollo").exists()


def test_group_ids_do_not_collide_between_modes(scim, users, communities_mode):
    department = Department.objects.create(name="Sales")
    listed = scim.get("Groups").json()
    assert f"d-{department.pk}" not in [g["id"] for g in listed.get("Resources", [])]
    assert not ScimGroup.objects.exists()


def test_communities_a_taken_name_is_a_conflict_and_a_demoted_administrator_stops_group_writes(
    scim, users, communities_mode, admin
):
    first = scim.post("Groups", _group("Apollo")).json()["id"]
    assert scim.post("Groups", _group("Apollo")).status_code == 409
    second = scim.post("Groups", _group("Gemini")).json()["id"]
    assert scim.put(f"Groups/{second}", _group("Apollo")).status_code == 409
    admin.is_staff = False
    admin.save()
    response = scim.patch(
        f"Groups/{first}", [{"op": "add", "path": "members", "value": [{"value": users[0]}]}]
    )
    assert response.status_code == 403
    assert not Membership.objects.filter(community__name="Apollo").exists()
    assert scim.get(f"Groups/{first}").status_code == 200
