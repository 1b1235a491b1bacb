"""A news feed on a real local site, and the animator who adds it."""

import pytest

from tests.local_sites import LocalSite
from tests.sources.feeds import Feed, rss


@pytest.fixture
def feed():
    return Feed(rss(*[(f"id-{n}", f"Article {n}") for n in range(7)]))


@pytest.fixture
def site(settings, feed):
    with LocalSite({"/feed.xml": feed}) as local:
        settings.FETCH_ALLOWED_HOSTS = [local.allowed]
        yield local


@pytest.fixture
def animator(make_user):
    return make_user("Anna", "Animatrice")
