"""The shared cache (`RUCHE_REDIS_URL`): an accelerator, never a dependency of a page.

Ruche keeps in the cache only what it can compute again: suggestions, rankings, counts, settings.
With Django's Redis backend, a Redis that stopped, or hangs, made every page that reads one of
those fail or wait. Here an unreachable or failing Redis reads as an empty cache and writes
nothing, so each page computes what it needs. After a failure the cache is not asked again for
`RETRY_SECONDS`: with Redis hung, a page would otherwise wait for a timeout at every read.
The outage is logged once when it starts and once when it ends.

What is lost meanwhile is what a cache loses anyway: a deletion that could not reach Redis
(`forget_suggestions`, a settings change) leaves the old value there until it expires. Everything
Ruche caches expires within ten minutes (settings: one; suggestions: ten).
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 5


def _unavailable(*args, **kwargs):
    raise ValueError("the cache is unavailable")  # as for a missing key: callers fall back on it


# What each of Django's cache methods answers when Redis cannot: a miss, nothing written.
# tests/core/test_cache.py fails if Django's Redis backend gains a method not listed here.
DEGRADED = {
    "get": lambda key, default=None, version=None: default,
    "get_many": lambda keys, version=None: {},
    "has_key": lambda key, version=None: False,
    "add": lambda *args, **kwargs: False,
    "set": lambda *args, **kwargs: None,
    "set_many": lambda data, *args, **kwargs: list(data),  # the keys not set: all of them
    "touch": lambda *args, **kwargs: False,
    "delete": lambda *args, **kwargs: False,
    "delete_many": lambda *args, **kwargs: None,
    "clear": lambda: None,
    "incr": _unavailable,
}

# Until when each Redis (by its address) is not asked: shared by the process's threads, each of which
# has its own cache object.
_down_until: dict[str, float] = {}


class ResilientRedisCache(RedisCache):
    """Django's Redis cache, each method in DEGRADED guarded (they are added below the class)."""

    def _guarded(self, name: str, *args, **kwargs):
        where = ",".join(self._servers)
        down = _down_until.get(where, 0.0)
        if down > time.monotonic():
            return DEGRADED[name](*args, **kwargs)
        try:
            result = getattr(super(), name)(*args, **kwargs)
        except RedisError as error:
            if not down:
                logger.warning(
                    "The cache (Redis) is unavailable: pages work without it until it answers (%s)", error
                )
            _down_until[where] = time.monotonic() + RETRY_SECONDS
            return DEGRADED[name](*args, **kwargs)
        if down:
            logger.warning("The cache (Redis) answers again")
            _down_until.pop(where, None)
        return result


def _guard(name: str):
    def method(self, *args, **kwargs):
        return self._guarded(name, *args, **kwargs)

    method.__name__ = name
    return method


for _name in DEGRADED:
    setattr(ResilientRedisCache, _name, _guard(_name))
