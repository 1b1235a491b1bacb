"""The session engine reads a session with a prepared query: the same sessions as Django's, and
none it would refuse (expired, ended, forged)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.backends import cached_db, db
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ruche.accounts.sessions import CachedStore, DatabaseStore

pytestmark = pytest.mark.django_db


def test_the_site_uses_it():
    assert settings.SESSION_ENGINE == "ruche.accounts.sessions"


def _saved(data: dict) -> str:
    store = DatabaseStore()
    store.update(data)
    store.save()
    return store.session_key


def test_a_live_session_is_read_in_one_query():
    key = _saved({"colour": "bleu"})
    DatabaseStore(key).load()  # compiled
    with CaptureQueriesContext(connection) as queries:
        assert DatabaseStore(key)["colour"] == "bleu"
    assert len(queries) == 1


def test_an_expired_an_ended_or_a_forged_session_is_empty_and_gets_a_new_key():
    expired, ended = _saved({"who": 1}), _saved({"who": 2})
    Session.objects.filter(session_key=expired).update(expire_date=timezone.now() - timedelta(seconds=1))
    Session.objects.filter(session_key=ended).delete()
    for key in (expired, ended, "x" * 32, "%" * 32, f"{ended[:-1]}_"):
        store = DatabaseStore(key)
        assert store.load() == {}
        assert store.session_key is None  # saving it writes a new session, never the old key


def test_with_a_shared_cache_a_miss_reads_the_database():
    store = CachedStore()
    store["colour"] = "vert"
    store.save()
    cache.clear()
    assert CachedStore(store.session_key)["colour"] == "vert"
    Session.objects.filter(session_key=store.session_key).delete()
    cache.clear()
    assert CachedStore(store.session_key).load() == {}


@pytest.mark.parametrize("ours", [DatabaseStore, CachedStore])
def test_the_same_sessions_as_django_s_own_stores(ours):
    for django_store in (db.SessionStore, cached_db.SessionStore):
        theirs = django_store()
        theirs["who"] = "signed in before"
        theirs.save()
        assert ours(theirs.session_key)["who"] == "signed in before"
        mine = ours()
        mine["who"] = "signed in here"
        mine.save()
        assert django_store(mine.session_key)["who"] == "signed in here"


def test_signing_in_and_out_through_the_site(client, alice):
    client.force_login(alice)
    assert client.get("/").status_code == 200
    client.logout()
    assert client.get("/").status_code == 302  # to the log-in page
