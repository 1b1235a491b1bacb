"""Browser tests: Debian's Chromium drives Django's live server (SQLite in memory, shared connection).

Playwright's sync API keeps an asyncio loop running in the main thread for the whole session, which
makes Django's ORM refuse to run from fixtures and from any test that comes after (async_unsafe).
The tests are still synchronous code: allow it, for the whole session.
"""

import os

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

import re  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402

import pytest  # noqa: E402
from django.core.signals import request_finished, request_started  # noqa: E402
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


class InFlight:
    """The live server's requests still running, live streams (/events/) aside: a page's last
    requests (htmx, images) can outlive the test that opened it. Flushing the database under one
    of them failed ("database table is locked") and left its rows to the next test."""

    def __init__(self):
        self.running, self.lock = set(), threading.Lock()
        request_started.connect(self.started, dispatch_uid="e2e-in-flight-started")
        request_finished.connect(self.finished, dispatch_uid="e2e-in-flight-finished")

    def started(self, sender, environ=None, **kwargs):
        if environ is not None and not environ.get("PATH_INFO", "").startswith("/events/"):
            with self.lock:
                self.running.add(threading.get_ident())

    def finished(self, sender, **kwargs):
        with self.lock:
            self.running.discard(threading.get_ident())

    def wait(self, seconds: float) -> None:
        with (
            self.lock
        ):  # the waiting thread's own (the test client's, unread if streamed) are not the server's
            self.running.discard(threading.get_ident())
        deadline = time.monotonic() + seconds
        while self.running and time.monotonic() < deadline:
            with self.lock:  # a thread gone without its request's end (a connection broken) is done
                self.running &= {thread.ident for thread in threading.enumerate()}
            time.sleep(0.02)
        assert not self.running, f"the live server still runs {len(self.running)} request(s)"


in_flight = InFlight()


@pytest.fixture(autouse=True)
def _no_request_left_running():
    """Torn down after the test's browser contexts are closed and before pytest-django flushes the
    database (its live-server helper is set up first, so it is torn down last)."""
    yield
    in_flight.wait(10)


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
