"""A database outage during a request is a clean 503 that says to try again, a bug a plain 500;
in the person's language, as JSON under the API."""

import pytest
from django.db import InterfaceError, OperationalError


@pytest.fixture
def failing_feed(monkeypatch):
    def fail_with(error):
        def feed_page(*args, **kwargs):
            raise error

        monkeypatch.setattr("ruche.web.views.feed_page", feed_page)
        monkeypatch.setattr("ruche.api.feed.feed_page", feed_page)

    return fail_with


@pytest.mark.parametrize(
    "error", [OperationalError("server closed the connection"), InterfaceError("closed")]
)
def test_an_outage_is_a_503_to_retry(client, alice, failing_feed, error):
    failing_feed(error)
    client.raise_request_exception = False
    client.force_login(alice)
    page = client.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 503 and page["Retry-After"] == "5"
    assert "Nothing was lost: try again in a few seconds." in page.content.decode()
    api = client.get("/api/ruche/v1/feed/")
    assert api.status_code == 503 and api["Content-Type"] == "application/json"
    assert api.json()["detail"].startswith("Ruche is briefly unavailable.")


def test_a_bug_is_a_500_without_retry_after(client, alice, failing_feed):
    failing_feed(ValueError("a bug"))
    client.raise_request_exception = False
    client.force_login(alice)
    page = client.get("/")
    assert page.status_code == 500 and "Retry-After" not in page
    assert "Something went wrong on our side." in page.content.decode()
