"""The API's docs page works in Chromium under Ruche's Content-Security-Policy, loading nothing from
outside hosts."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import browser_type_launch_args, login  # noqa: F401

pytestmark = [
    pytest.mark.e2e,
    # pytest-base-url (pulled in by pytest-playwright) defines a fixture pytest 9 warns about.
    pytest.mark.filterwarnings("ignore::pytest.PytestRemovedIn10Warning"),
]


def test_the_docs_page_renders_under_the_csp(live_server, login, page, alice):  # noqa: F811
    login(page, alice)
    problems, hosts = [], set()
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("request", lambda r: hosts.add(r.url.split("/")[2]))
    page.goto(f"{live_server.url}/api/ruche/v1/docs")
    # The description is generated on the first request: give it time on a loaded machine.
    expect(page.locator(".opblock-tag-section").first).to_be_visible(timeout=30_000)
    expect(page.get_by_role("heading", name="Ruche API")).to_be_visible()
    assert problems == []
    assert hosts == {live_server.url.split("/")[2]}
