"""Every path under /api/ruche/ answers JSON in the API's error shape, even where no operation answers."""

import re

import pytest
from django.test import Client
from django.urls import get_resolver
from django.urls.converters import IntConverter

from ruche.api.api import api

pytestmark = pytest.mark.django_db

METHODS = ["get", "post", "put", "patch", "delete"]


def _wrong_methods():
    for path, operations in api.get_openapi_schema()["paths"].items():
        for method in METHODS:
            if method not in operations:
                yield pytest.param(method, path, sorted(m.upper() for m in operations), id=f"{method} {path}")


@pytest.mark.parametrize(("method", "path", "allowed"), list(_wrong_methods()))
def test_a_wrong_method_is_405_in_json(client, alice, token_of, method, path, allowed):
    url = re.sub(r"\{\w+_id\}", "1", path).replace("{", "").replace("}", "")  # {slug} -> slug
    response = getattr(client, method)(url, headers={"Authorization": f"Bearer {token_of(alice)}"})
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert sorted(response["Allow"].replace(" ", "").split(",")) == allowed
    assert response.json()["detail"].startswith(f"The method {method.upper()} is not allowed here")


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize(
    "path", ["/api/ruche/v1/nothing-here", "/api/ruche/v1/posts/1/nothing", "/api/ruche/v2/", "/api/ruche/"]
)
def test_an_unknown_path_is_404_in_json(client, alice, token_of, method, path):
    response = getattr(client, method)(path, headers={"Authorization": f"Bearer {token_of(alice)}"})
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "field": None}


def test_a_post_without_the_trailing_slash_says_where_to_go(client, alice, token_of):
    """A redirect would make the client send its body again as a GET (or not at all)."""
    response = client.post("/api/ruche/v1/posts", {}, headers={"Authorization": f"Bearer {token_of(alice)}"})
    assert response.status_code == 404
    assert response.json()["detail"] == "Not found. Did you mean /api/ruche/v1/posts/?"


def test_an_unknown_path_answers_in_the_token_owners_language(client, alice, token_of):
    alice.language = "fr"
    alice.save(update_fields=["language"])
    response = client.get("/api/ruche/v1/nothing", headers={"Authorization": f"Bearer {token_of(alice)}"})
    assert response.json()["detail"] == "Introuvable."


def test_a_server_error_is_500_in_json(alice, token_of, monkeypatch):
    from ruche.api import feed

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(feed, "feed_page", broken)
    client = Client(raise_request_exception=False)
    response = client.get("/api/ruche/v1/feed/", headers={"Authorization": f"Bearer {token_of(alice)}"})
    assert response.status_code == 500
    assert response.json() == {
        "detail": "Something went wrong on our side. The error was recorded; please try again.",
        "field": None,
    }


def test_pages_outside_the_api_keep_their_html(client, alice):
    client.force_login(alice)
    response = client.get("/nothing-here/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_no_url_takes_an_unbounded_integer():
    """`<id:…>` (at most a bigint) everywhere, so a longer number is a 404, never a database error."""

    def patterns(resolver):
        for entry in resolver.url_patterns:
            yield entry
            if hasattr(entry, "url_patterns"):
                yield from patterns(entry)

    unbounded = [
        str(entry.pattern)
        for entry in patterns(get_resolver())
        if any(isinstance(c, IntConverter) for c in getattr(entry.pattern, "converters", {}).values())
    ]
    assert unbounded == []
