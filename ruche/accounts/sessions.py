"""The session engine (`SESSION_ENGINE`): Django's database sessions, read by a prepared query.

Every signed-in request reads its session first. Django builds and compiles that one-row query
anew each time, which cost more than the page's other fixed work together (docs/performance.md,
"third pass"); compiled once per process, it costs its execution. What is read, written and when
is Django's own: with Redis (`RUCHE_REDIS_URL`) sessions are read from it first (`cached_db`),
the database on a miss, and a copy there is trusted for a minute at most (`COPY_KEPT`).
"""

from django.conf import settings
from django.contrib.sessions.backends import cached_db, db
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.db import transaction
from django.utils import timezone

from ruche.core.prepared import prepared


@prepared("key", "now")
def _live(key, now):
    return Session.objects.filter(session_key=key, expire_date__gt=now)


class _Prepared:
    # Django signs a session with its store's class name: these read and write the same sessions as
    # Django's own `db` and `cached_db` stores (both named SessionStore), those signed in before too.
    key_salt = "django.contrib.sessions.SessionStore"

    def _get_session_from_db(self):
        found = _live(key=self.session_key, now=timezone.now())
        if not found:
            self._session_key = None  # as Django does: a new key if the session is saved
            return None
        return found[0]


class DatabaseStore(_Prepared, db.SessionStore):
    pass


# How long a session's copy in Redis is trusted before the database is read again. Django keeps it
# as long as the session (two weeks); but a deletion that could not reach Redis (a log-out or an
# erasure while it failed, ruche/core/cache.py) would then leave the copy signing the person in once
# Redis is back. A minute bounds that, for one database read a minute per person.
COPY_KEPT = 60


class _CopiesKeptAMinute:
    """The session cache, each copy written to it kept COPY_KEPT seconds at most."""

    def __init__(self, cache):
        self.cache = cache

    def set(self, key, value, timeout, *args, **kwargs):
        return self.cache.set(key, value, _capped(timeout), *args, **kwargs)

    async def aset(self, key, value, timeout, *args, **kwargs):
        return await self.cache.aset(key, value, _capped(timeout), *args, **kwargs)

    def __contains__(self, key):
        return key in self.cache

    def __getattr__(self, name):  # get, delete and the rest: the cache's own
        return getattr(self.cache, name)


def _capped(timeout) -> int:
    """At most COPY_KEPT; an expired session's 0 or less stays as it is (Django drops the copy)."""
    return min(timeout, COPY_KEPT) if isinstance(timeout, int) else COPY_KEPT


class CachedStore(_Prepared, cached_db.SessionStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        # Django's store writes its copies through `_cache`: refuse to run if that ever changes,
        # rather than keep copies for two weeks unnoticed (tests/security/test_session_store.py).
        if self.__dict__.get("_cache") is not caches[settings.SESSION_CACHE_ALIAS]:
            raise RuntimeError("django.contrib.sessions.backends.cached_db no longer keeps `_cache`")
        self._cache = _CopiesKeptAMinute(self._cache)


SessionStore = CachedStore if settings.REDIS_URL else DatabaseStore


def forget_cached_copy(sender, instance, **kwargs):
    """A session row deleted by any means (an erasure, the retention, an operator signing everyone
    out from a shell with `Session.objects.all().delete()`) takes its copy in the cache with it: the
    copy alone would keep the person signed in until it expires. Connected (accounts/apps.py) only
    when sessions are cached; it makes Django delete sessions one by one, sending this signal."""
    if instance.expire_date <= timezone.now():
        return  # expired, as its copy (kept no longer than the session): the retention's deletions
    key = CachedStore.cache_key_prefix + instance.session_key
    caches[settings.SESSION_CACHE_ALIAS].delete(key)
    # Again once the deletion is committed: a request may have cached the row it still read.
    transaction.on_commit(lambda: caches[settings.SESSION_CACHE_ALIAS].delete(key))
