"""Bad input through the API: a 4xx in the API's error shape naming the field, nothing written, the
same on SQLite and PostgreSQL (which would otherwise store it silently, or fail with a 500)."""

import json

import pytest

from ruche.communities.models import Community
from ruche.core.ids import ID_MAX
from ruche.posts.models import Post
from tests.rows import table_rows

pytestmark = pytest.mark.django_db

BEYOND = ID_MAX + 1
NUL, SURROGATE = "a\x00b", "a\ud800b"


@pytest.fixture
def world(alice, bruno, make_community):
    post = Post.objects.create(author=alice, body="Bonjour", body_html="<p>Bonjour</p>")
    private = make_community("Comité", visibility=Community.Visibility.PRIVATE)
    return {"post": post.pk, "private": private.slug, "alice": alice.handle}


# (method, path, the JSON body with the bad value marked "{bad}", the field named)
WRITES = [
    pytest.param("post", "/posts/", {"body": "{bad}"}, "body", id="publish"),
    pytest.param("post", "/posts/{post}/replies", {"body": "{bad}"}, "body", id="reply"),
    pytest.param("patch", "/posts/{post}", {"body": "{bad}"}, "body", id="edit"),
    pytest.param("post", "/posts/{post}/report", {"reason": "{bad}"}, "reason", id="report"),
    pytest.param("post", "/communities/", {"name": "{bad}", "kind": "work"}, "name", id="community"),
    pytest.param(
        "post", "/communities/{private}/requests", {"message": "{bad}"}, "message", id="join-request"
    ),
    pytest.param("patch", "/people/{alice}", {"bio": "{bad}"}, "bio", id="profile"),
    pytest.param("post", "/questions/", {"body": "{bad}"}, "body", id="question"),
    pytest.param(
        "patch",
        "/notifications/preferences",
        {"kinds": {"{bad}": {"app": True}}},
        "kinds.{bad}",
        id="dict-key",
    ),
]


def _with(value, bad: str):
    """The body with "{bad}" replaced by the bad text, in keys as in values."""
    text = json.dumps(value).replace("{bad}", json.dumps(bad)[1:-1])
    return json.loads(text)


def _snapshot():
    return table_rows(), list(Post.objects.values_list("body", flat=True))


@pytest.mark.parametrize("bad", [NUL, SURROGATE], ids=["nul", "surrogate"])
@pytest.mark.parametrize(("method", "path", "body", "field"), WRITES)
def test_text_the_database_cannot_keep_is_refused_naming_the_field(
    api_as, alice, world, method, path, body, field, bad
):
    api = api_as(alice)
    before = _snapshot()
    response = getattr(api, method)(path.format(**world), _with(body, bad))
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/json")
    named = field.replace("{bad}", bad.replace("\x00", "\\0").encode("utf-8", "backslashreplace").decode())
    assert response.json()["field"] == named
    assert f"“{named}”" in response.json()["detail"]
    assert _snapshot() == before


@pytest.mark.parametrize(
    "path", ["/people/?q=a%00b", "/search/?q=a%00b", "/search/experts?topic=a%00b", "/feed/?before=%00"]
)
def test_a_null_character_in_a_query_string_is_refused(api_as, alice, path):
    response = api_as(alice).get(path)
    assert response.status_code == 422
    assert response.json()["field"] == path.split("?")[1].split("=")[0]


@pytest.mark.parametrize("path", ["/feed/hashtags/a%00b", "/communities/a%00b", "/people/a%00b"])
def test_a_null_character_in_a_path_is_not_found(api_as, alice, path):
    response = api_as(alice).get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "field": None}


def test_a_body_that_is_not_utf8_is_refused(client, alice, token_of):
    headers = {"Authorization": f"Bearer {token_of(alice)}"}
    before = table_rows()
    response = client.post(
        "/api/ruche/v1/posts/", b'{"body": "caf\xe9"}', content_type="application/json", headers=headers
    )
    assert response.status_code == 400
    assert response.json() == {"detail": "The request body is not valid UTF-8 text.", "field": None}
    assert table_rows() == before


def test_the_refusal_is_in_the_token_owners_language(api_as, alice):
    alice.language = "fr"
    alice.save(update_fields=["language"])
    response = api_as(alice).post("/posts/", {"body": NUL})
    assert response.status_code == 422
    assert response.json()["detail"].startswith("Le champ « body » contient un caractère nul")


# Integers beyond a bigint, and negative ids ---------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        f"/feed/?before={BEYOND}",
        f"/feed/company?before={BEYOND}",
        f"/notifications/?before={BEYOND}",
        f"/questions/?before={BEYOND}",
        f"/announcements/?before={BEYOND}",
        f"/people/?department={BEYOND}",
        f"/people/?page={BEYOND}",
        f"/search/?q=x&community={BEYOND}",
        "/feed/?before=-1",
        "/feed/?before=0",
        "/people/?site=-3",
    ],
)
def test_an_integer_out_of_range_in_a_query_is_refused(api_as, alice, world, path):
    response = api_as(alice).get(path)
    assert response.status_code == 422
    assert response.json()["field"] == path.split("?")[1].split("&")[-1].split("=")[0]


@pytest.mark.parametrize(
    "path",
    [
        f"/posts/{BEYOND}",
        f"/posts/{10**30}",
        "/posts/-1",
        f"/ideas/{BEYOND}",
        f"/notifications/{BEYOND}/read",
    ],
)
def test_an_id_out_of_range_in_a_path_is_not_found(api_as, alice, path):
    method = "post" if path.endswith("/read") else "get"
    response = getattr(api_as(alice), method)(path)
    assert response.status_code == 404
    assert response.json()["detail"] == "Not found."


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("post", "/posts/", {"body": "Bonjour", "communities": [BEYOND]}, "communities"),
        ("post", "/posts/", {"body": "Bonjour", "communities": [str(BEYOND)]}, "communities"),
        ("post", "/posts/", {"body": "Bonjour", "communities": [-1]}, "communities"),
        ("patch", "/people/{alice}", {"department": BEYOND}, "department"),
        ("patch", "/notifications/preferences", {"communities": {str(BEYOND): "mute"}}, "communities"),
        ("post", "/announcements/", {"title": "T", "body": "B", "site_ids": [BEYOND]}, "site_ids"),
        ("post", "/posts/", {"body": "Bonjour", "extra": 10**30}, "extra"),
    ],
)
def test_an_integer_out_of_range_in_a_body_is_refused(api_as, alice, world, method, path, body, field):
    api = api_as(alice)
    before = table_rows()
    response = getattr(api, method)(path.format(**world), body)
    assert response.status_code == 422
    assert response.json()["field"].startswith(field)
    assert table_rows() == before


def test_every_integer_the_api_takes_is_bounded():
    """The OpenAPI document says so for each parameter and each body field (and so does validation)."""
    from ruche.api.api import api

    schema = api.get_openapi_schema()
    components = schema["components"]["schemas"]
    unbounded = []

    def visit(node, where, seen=()):
        if isinstance(node, dict):
            if "$ref" in node:
                name = node["$ref"].rsplit("/", 1)[-1]
                if name not in seen:
                    visit(components[name], f"{where}>{name}", (*seen, name))
                return
            if node.get("type") == "integer" and not (
                node.get("minimum") is not None and node.get("maximum", ID_MAX + 1) <= ID_MAX
            ):
                unbounded.append(where)
            for key, value in node.items():
                visit(value, f"{where}.{key}" if key not in {"anyOf", "items", "properties"} else where, seen)
        elif isinstance(node, list):
            for item in node:
                visit(item, where, seen)

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                visit(parameter["schema"], f"{method.upper()} {path} {parameter['name']}")
            if "requestBody" in operation:
                visit(operation["requestBody"], f"{method.upper()} {path} body")
    assert unbounded == []
