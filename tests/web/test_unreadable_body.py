"""A request whose body cannot be read whole (the client went away, or stopped sending and the server
gave up: ruche/core/threaded_wsgi.py's BodyFromLoop) is the client's fault: a 400 saying so, in the
caller's shape and language, nothing written, and no server error logged."""

import json
import logging

import pytest
from django.test.client import BOUNDARY, encode_multipart

from ruche.api.services import api_token_create
from tests.bodies import cut_post
from tests.rows import table_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def errors_logged(caplog):
    caplog.set_level(logging.ERROR, logger="django.request")
    return lambda: [r for r in caplog.records if r.levelno >= logging.ERROR]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        pytest.param(b"body=" + b"Une longue annonce, " * 50, "application/x-www-form-urlencoded", id="form"),
        pytest.param(
            encode_multipart(BOUNDARY, {"body": "Une longue annonce, " * 50}),
            f"multipart/form-data; boundary={BOUNDARY}",
            id="multipart",
        ),
    ],
)
def test_a_page_form_cut_off_is_a_400_and_writes_nothing(client, alice, body, content_type, errors_logged):
    client.force_login(alice)
    before = table_rows()
    response = cut_post(client, "/posts/new/", body, content_type)
    assert response.status_code == 400
    assert "did not arrive whole" in response.content.decode()
    assert table_rows() == before
    assert errors_logged() == []


def test_an_api_body_cut_off_is_a_json_400_in_the_callers_language(client, alice, errors_logged):
    alice.language = "fr"  # the token's owner's language
    alice.save(update_fields=["language"])
    token = api_token_create(user=alice, name="script")[1]
    before = table_rows()
    body = json.dumps({"body": "Une longue annonce, " * 50}).encode()
    response = cut_post(
        client,
        "/api/ruche/v1/posts/",
        body,
        "application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 400
    assert "n’est pas arrivée entière" in response.json()["detail"]
    assert table_rows() == before
    assert errors_logged() == []
