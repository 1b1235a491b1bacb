import gc
import os
import time

import pytest
from django.core.cache import cache
from django.db import OperationalError
from django.tasks.signals import task_finished
from django.utils import timezone, translation

from ruche.accounts.models import Profile, User
from ruche.accounts.services import unique_handle, user_follow
from ruche.analytics.counters import tally
from ruche.api import cards as api_cards
from ruche.feed import memo
from ruche.feed.selectors import forget_rankings
from ruche.files.services import forget_rules
from ruche.search.services import search_reindex
from ruche.web import cards as web_cards
from ruche.worker.backend import EAGER as EAGER_TASKS

# Fixtures that several folders use, in one place (tests/fixtures/); the realtime servers' database
# is shared with the browser tests.
pytest_plugins = [
    "tests.fixtures.api",
    "tests.fixtures.communities",
    "tests.fixtures.feed",
    "tests.fixtures.ideas",
    "tests.fixtures.ldap",
    "tests.fixtures.mail",
    "tests.fixtures.oidc",
    "tests.fixtures.saml",
    "tests.realtime.servers",
]


def _media_through_ruche() -> None:
    """Django's live test server answers /media/ itself, from MEDIA_ROOT, to anyone: browser tests
    would never meet Ruche's permission check (ruche/core/media.py). Without that shortcut, they do,
    as production does. Loud if Django moves it: the browser tests would otherwise prove nothing."""
    from django.test import testcases

    assert hasattr(testcases, "_MediaFilesHandler"), "Django's live server no longer serves media itself"
    testcases._MediaFilesHandler = lambda application: application


_media_through_ruche()


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """PostgreSQL: the test database's commits do not wait for the disk. Tests that commit (the
    transactional ones, whose every end empties all tables, and the test database's creation) spent
    most of the PostgreSQL leg waiting for WAL fsyncs. What a commit makes visible, and when, is
    unchanged: only a crash of the PostgreSQL server itself could lose one, and no test crashes it."""
    from django.db import connections

    for alias in connections:
        settings_dict = connections[alias].settings_dict
        if connections[alias].vendor == "postgresql":
            options = settings_dict.setdefault("OPTIONS", {})
            options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()


def pytest_collection_modifyitems(config, items):
    if os.environ.get("RUCHE_SKIP_E2E"):
        skip = pytest.mark.skip(reason="Chromium not installed (/usr/bin/chromium)")
        for item in items:
            if "e2e" in item.keywords:
                item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def _jinja_pages_give_their_context():
    """Pages drawn by Jinja2 (ruche.web.jinja.render_page) tell the test client their template and
    context, as Django's templates do under test (response.context, assertTemplateUsed)."""
    from django.test.signals import template_rendered

    from ruche.web import jinja

    draw = jinja.draw

    def drawn(template, values):
        template_rendered.send(sender=template, template=template, context=values)
        return draw(template, values)

    jinja.draw = drawn
    yield
    jinja.draw = draw


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    """Tasks are written to the task table as in production, then run in-process after commit; a task that fails fails the test instead of being logged."""
    settings.TASKS = EAGER_TASKS
    settings.ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed, not safety
    settings.FEED_PAGE_SIZE = 20  # query pins compare pages of 5 and 20 posts
    # No test reaches the Internet (a post's link would be previewed): only the local sites a test
    # lets through by host:port (tests/local_sites.py).
    settings.FETCH_ALLOWED_PORTS = []
    # Pages are counted in memory and written in batches (ruche/analytics/counters.py): never in
    # another test's pinned queries. tests/analytics set their own thresholds.
    settings.ANALYTICS_FLUSH_PAGES = settings.ANALYTICS_FLUSH_SECONDS = 10**9
    settings.ANALYTICS_CACHE_SECONDS = 0  # figures computed afresh (tests/analytics test the cache)
    tally.clear()
    cache.clear()  # ids repeat from one test to the next: no cached figure may survive a test
    forget_rules()  # the attachment pickers' copy of the rules, too
    web_cards.forget_all()  # kept cards (ids repeat: a kept card would make the feed ask its version)
    api_cards.store.forget_all()
    forget_rankings()  # and the rankings this process keeps beside the cache
    memo.forget()  # and the kept home pages (their stamps are rolled back with each test)
    failures = []

    def record(sender, task_result, **kwargs):
        if task_result.errors and not task_result.task.module_path.startswith("tests."):  # failing on purpose
            failures.append(task_result.errors[-1].traceback)

    task_finished.connect(record)
    with translation.override("en"):  # messages asserted in tests are the English source strings
        yield
    task_finished.disconnect(record)
    tally.clear()  # nothing counted in a test is left for the process's exit (its database is gone)
    assert not failures, "a task failed:\n" + "\n".join(failures)


@pytest.fixture(autouse=True)
def _search_index_emptied_after_flush(request):
    """A transactional test (browsers, live servers, real workers) ends with Django's flush, which
    empties the tables of models and not the search index's own: the index would keep the people and
    posts of earlier tests, under ids never reused, and fill the candidate windows of later searches
    and autocompletes with rows that no longer exist. Emptied after each such test."""
    yield
    marker = request.node.get_closest_marker("django_db")
    transactional = "live_server" in request.fixturenames or "transactional_db" in request.fixturenames
    if not transactional and not (marker and marker.kwargs.get("transaction")):
        return
    from ruche.search.backends import index
    from ruche.search.documents import Kind

    backend = index()
    for kind in Kind.values:
        _once_unlocked(lambda kind=kind: backend.clear(kind))
        backend.optimize(kind)


def _once_unlocked(action, seconds=10.0):
    """On SQLite the live server's threads share the test's in-memory connection, and SQLite refuses
    a DROP TABLE while any statement on it is still reading ("database table is locked"): a request
    the closing page sent (a beacon, a poll) may be running, or a response abandoned mid-read may
    hold its cursor until collected. Tried again until the statement ends; any other error, or a
    lock that outlasts the delay, is raised."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            return action()
        except OperationalError as error:
            if "locked" not in str(error) or time.monotonic() > deadline:
                raise
            gc.collect()  # finalizes an abandoned cursor, which resets its statement
            time.sleep(0.05)


@pytest.fixture
def english_company(settings):
    """The company's default language is English: pages seen before sign-in (log-in, activation,
    unsubscribe) read English, whatever the browser asks for."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def side_effects(django_capture_on_commit_callbacks):
    """Run what services defer until commit (fan-out, notifications), as the worker would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def make_user(db):
    def make(first_name="Camille", last_name="Durand", *, staff=False, **fields):
        email = fields.pop("email", None) or f"{unique_handle(first_name + ' ' + last_name)}@example.com"
        user = User.objects.create_user(
            email,
            "correct-horse-battery",
            first_name=first_name,
            last_name=last_name,
            is_staff=staff,
            activated_at=timezone.now(),
            last_seen_at=timezone.now(),
            feed_built_at=timezone.now(),
            language="en",
            **fields,
        )
        Profile.objects.create(user=user)
        search_reindex(kind="person", ids=[user.pk])  # as user_invite does: findable, mentionable
        return user

    return make


@pytest.fixture
def person(make_user):
    """person("Zoé"): another colleague (named "Zoé Test"), in a department and a site if given."""

    def make(first_name, department=None, site=None, **fields):
        user = make_user(first_name, "Test", **fields)
        user.profile.department, user.profile.site = department, site
        user.profile.save()
        return user

    return make


@pytest.fixture
def alice(make_user):
    return make_user("Alice", "Martin")


@pytest.fixture
def bruno(make_user):
    return make_user("Bruno", "Lefèvre")


@pytest.fixture
def admin(make_user):
    return make_user("Ada", "Admin", staff=True)


@pytest.fixture
def chloe(make_user):
    return make_user("Chloé", "Petit")


@pytest.fixture
def david(make_user):
    return make_user("David", "Roux")


@pytest.fixture
def as_alice(client, alice):
    """The test client, signed in as Alice."""
    client.force_login(alice)
    return client


@pytest.fixture
def busy(alice, bruno, make_user):
    """Bruno and four more colleagues, all followed by Alice: the authors of her home feed."""
    others = [bruno] + [make_user("Personne", f"N{i}") for i in range(4)]
    for person in others:
        user_follow(follower=alice, followed=person)
    return others
