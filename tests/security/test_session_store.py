"""A session ended by another process is ended everywhere.

A web worker, the task worker (deactivation, erasure), another web worker or an operator in a shell
may end a session by deleting its row. Without a shared cache, a copy kept in this process's memory
(`cached_db` over the local-memory cache) would keep the person signed in here for up to two weeks;
with Redis (the PostgreSQL leg of scripts/test-all runs with it), the copy kept there would."""

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection


def test_a_session_deleted_elsewhere_no_longer_signs_in(client, alice):
    client.force_login(alice)
    assert client.get("/").status_code == 200
    Session.objects.all().delete()  # as a log-out in another worker, or an erasure, does
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.skipif(not settings.REDIS_URL, reason="sessions have a copy in Redis only with RUCHE_REDIS_URL")
def test_a_session_copy_in_redis_is_trusted_for_a_minute_at_most(client, alice):
    """A deletion that could not reach Redis (a log-out while it failed) would otherwise leave a copy
    signing the person in for two weeks once Redis is back."""
    import redis
    from django.core.cache import caches

    from ruche.accounts.sessions import COPY_KEPT, CachedStore

    client.force_login(alice)
    assert client.get("/").status_code == 200
    cache = caches[settings.SESSION_CACHE_ALIAS]
    key = cache.make_key(CachedStore.cache_key_prefix + client.session.session_key)
    left = redis.Redis.from_url(settings.REDIS_URL).ttl(key)
    assert 0 < left <= COPY_KEPT
    # The database is the reference: the row gone without the copy (raw SQL, no signal), the copy
    # still answers until it expires, and only until then.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM django_session")
    assert client.get("/").status_code == 200
    cache.delete(CachedStore.cache_key_prefix + client.session.session_key)  # as a minute later
    assert client.get("/").status_code == 302
