"""The session engine (`SESSION_ENGINE`): Django's database sessions, read by a prepared query.

Every signed-in request reads its session first. Django builds and compiles that one-row query
anew each time, which cost more than the page's other fixed work together (docs/performance.md,
"third pass"); compiled once per process, it costs its execution. What is read, written and when
is Django's own: with Redis (`RUCHE_REDIS_URL`) sessions are read from it first (`cached_db`),
the database on a miss.
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


class CachedStore(_Prepared, cached_db.SessionStore):
    pass


SessionStore = CachedStore if settings.REDIS_URL else DatabaseStore


def forget_cached_copy(sender, instance, **kwargs):
    """A session row deleted by any means (an erasure, the retention, an operator signing everyone
    out from a shell with `Session.objects.all().delete()`) takes its copy in the cache with it: the
    copy alone would keep the person signed in until it expires. Connected (accounts/apps.py) only
    when sessions are cached; it makes Django delete sessions one by one, sending this signal."""
    key = CachedStore.cache_key_prefix + instance.session_key
    caches[settings.SESSION_CACHE_ALIAS].delete(key)
    # Again once the deletion is committed: a request may have cached the row it still read.
    transaction.on_commit(lambda: caches[settings.SESSION_CACHE_ALIAS].delete(key))
