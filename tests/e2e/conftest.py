"""Browser tests: Debian's Chromium drives Django's live server (SQLite in memory, shared connection).

Playwright's sync API keeps an asyncio loop running in the main thread for the whole session, which
makes Django's ORM refuse to run from fixtures and from any test that comes after (async_unsafe).
The tests are still synchronous code: allow it, for the whole session.
"""

import os

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import re  # noqa: E402

import pytest  # noqa: E402
from playwright.sync_api import Page, expect  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "correct-horse-battery"  # the one tests/conftest.py:make_user gives everyone


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(autouse=True)
def _english(english_company):
    """The browser tests read English, on pages seen before sign-in too (they speak the company's
    language, not the browser's)."""


@pytest.fixture
def login(live_server):
    """Sign `user` in on `page` through the real allauth form, and land on the home feed."""

    def do(page: Page, user, password: str = PASSWORD) -> Page:
        page.goto(f"{live_server.url}/accounts/login/")
        page.locator("input[name=login]").fill(user.email)
        page.locator("input[name=password]").fill(password)
        page.locator("form button[type=submit]").last.click()
        expect(page).to_have_url(re.compile(re.escape(live_server.url) + r"/(\?.*)?$"))
        expect(page.locator("#composer-body")).to_be_visible()
        page.wait_for_load_state()  # the page's scripts have run: htmx answers the first click
        return page

    return do


@pytest.fixture
def new_page(new_context):
    """Another person's browser: a fresh context (own cookies), optionally with its own options."""

    def make(**context_args) -> Page:
        defaults = {"viewport": {"width": 1280, "height": 900}, "locale": "en-US"}
        return new_context(**{**defaults, **context_args}).new_page()

    return make


@pytest.fixture
def new_phone(new_page):
    """Another person's browser, on a phone."""
    return lambda: new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
