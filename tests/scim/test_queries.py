"""Filters, pagination, attributes, ETags."""

import pytest

from tests.scim.conftest import ENTERPRISE, new_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(scim):
    made = {}
    for login, first, last, dept, active in [
        ("anna@example.com", "Anna", "Arnaud", "Sales", True),
        ("bob@example.com", "Bob", "Bernard", "R&D", True),
        ("carla@example.com", "Carla", "Costa", "R&D", False),
    ]:
        body = new_user(
            login, name={"givenName": first, "familyName": last}, externalId=f"ext-{first}", active=active,
            **{ENTERPRISE: {"department": dept}},
        )  # fmt: skip
        made[first] = scim.post("Users", body).json()
    return made


def _ids(scim, text, **params):
    response = scim.get("Users", {"filter": text, **params})
    assert response.status_code == 200, response.content
    return sorted(r["userName"] for r in response.json().get("Resources", []))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('userName eq "ANNA@example.com"', ["anna@example.com"]),
        ('userName sw "b"', ["bob@example.com"]),
        ('emails.value co "arla"', ["carla@example.com"]),
        ('emails co "arla"', ["carla@example.com"]),
        ('externalId eq "ext-Bob"', ["bob@example.com"]),
        ('externalId eq "EXT-BOB"', []),  # caseExact
        ('name.familyName ew "ta"', ["carla@example.com"]),
        ('name.givenName eq "Anna" or name.givenName eq "Bob"', ["anna@example.com", "bob@example.com"]),
        (f'{ENTERPRISE}:department eq "R&D" and active eq true', ["bob@example.com"]),
        ("active eq false", ["carla@example.com"]),
        ("title pr", []),
        ('not (userName sw "a") and externalId pr', ["bob@example.com", "carla@example.com"]),
        ('emails[type eq "work" and value co "bob"]', ["bob@example.com"]),  # evaluated in memory
        ('displayName eq "Anna Arnaud"', ["anna@example.com"]),
    ],
)
def test_filters(scim, people, text, expected):
    assert _ids(scim, text) == expected


def test_filter_on_last_modified(scim, people):
    stamp = people["Bob"]["meta"]["lastModified"]
    assert _ids(scim, f'meta.lastModified ge "{stamp}"') == ["bob@example.com", "carla@example.com"]
    assert _ids(scim, f'meta.lastModified gt "{stamp}"') == ["carla@example.com"]


@pytest.mark.parametrize("text", ["userName eq", 'nickName eq "x"', 'userName zz "a"', "(("])
def test_bad_filters_are_invalid_filter(scim, people, text):
    response = scim.get("Users", {"filter": text})
    assert response.status_code == 400 and response.json()["scimType"] == "invalidFilter"


def test_pagination(scim, people):
    first = scim.get("Users", {"startIndex": 1, "count": 2}).json()
    second = scim.get("Users", {"startIndex": 3, "count": 2}).json()
    assert first["totalResults"] == second["totalResults"] == 4  # the token's administrator too
    assert (first["itemsPerPage"], second["itemsPerPage"], second["startIndex"]) == (2, 2, 3)
    ids = [r["id"] for r in first["Resources"] + second["Resources"]]
    assert len(set(ids)) == 4
    assert "Resources" not in scim.get("Users", {"count": 0}).json()
    assert scim.get("Users", {"count": "x"}).status_code == 400


def test_attributes_and_excluded_attributes(scim, people):
    only = scim.get("Users", {"attributes": "userName", "filter": 'userName eq "bob@example.com"'}).json()
    assert set(only["Resources"][0]) == {"schemas", "id", "userName"}
    less = scim.get(f"Users/{people['Bob']['id']}", {"excludedAttributes": "emails,name"}).json()
    assert "emails" not in less and "name" not in less and "userName" in less


def test_search_by_post(scim, people):
    response = scim.post("Users/.search", {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:SearchRequest"],
        "filter": 'name.givenName eq "Carla"', "attributes": ["userName"],
    })  # fmt: skip
    assert response.status_code == 200, response.content
    assert [r["userName"] for r in response.json()["Resources"]] == ["carla@example.com"]


def test_if_none_match_answers_304(scim, people):
    path = f"Users/{people['Anna']['id']}"
    etag = scim.get(path)["ETag"]
    assert scim.get(path, headers={"If-None-Match": etag}).status_code == 304
    assert scim.get(path, headers={"If-None-Match": 'W/"other"'}).status_code == 200


def test_if_match_refuses_a_stale_write_with_412(scim, people):
    path = f"Users/{people['Anna']['id']}"
    etag = scim.get(path)["ETag"]
    changed = scim.patch(
        path, [{"op": "replace", "path": "title", "value": "Boss"}], headers={"If-Match": etag}
    )
    assert changed.status_code == 200 and changed["ETag"] != etag
    stale = scim.patch(
        path, [{"op": "replace", "path": "title", "value": "Intern"}], headers={"If-Match": etag}
    )
    assert stale.status_code == 412
    assert scim.get(path).json()["title"] == "Boss"
    assert scim.put(path, new_user("anna@example.com"), headers={"If-Match": etag}).status_code == 412
    assert scim.delete(path, headers={"If-Match": etag}).status_code == 412
    assert scim.delete(path, headers={"If-Match": changed["ETag"]}).status_code == 204


def test_a_put_that_changes_nothing_keeps_the_version_and_last_modified(scim, people):
    path = f"Users/{people['Bob']['id']}"
    before = scim.get(path).json()
    same = {k: v for k, v in before.items() if k not in ("meta", "id", "displayName")}
    after = scim.put(path, same).json()
    assert after["meta"]["version"] == before["meta"]["version"]
    assert after["meta"]["lastModified"] == before["meta"]["lastModified"]


def test_a_page_of_people_costs_the_same_queries_whatever_its_size(scim, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def cost(count):
        with CaptureQueriesContext(connection) as queries:
            response = scim.get("Users", {"count": count})
        assert response.status_code == 200 and response.json()["itemsPerPage"] == count
        return len(queries)

    manager = scim.post("Users", new_user("boss@example.com")).json()["id"]
    for n in range(12):
        body = new_user(f"p{n}@example.com", title="T", phoneNumbers=[{"value": "1"}],
                        addresses=[{"locality": "Lyon"}],
                        **{ENTERPRISE: {"department": f"D{n % 3}", "manager": {"value": manager}}})  # fmt: skip
        assert scim.post("Users", body).status_code == 201
    assert cost(3) == cost(12)
    with django_assert_max_num_queries(8):
        scim.get("Users", {"count": 12, "filter": 'userName sw "p"'})
