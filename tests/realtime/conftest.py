import os
import uuid

import pytest
from django.conf import settings as django_settings

from ruche.realtime import broadcast

REDIS_URL = os.environ.get("RUCHE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
_redis_ok: bool | None = None


def redis_url() -> str:
    """The Redis the tests use. Required under CI (CI=true): missing, the tests fail, never skip.
    Elsewhere they are skipped, loudly."""
    global _redis_ok
    if _redis_ok is None:
        import redis

        try:
            redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
            _redis_ok = True
        except redis.RedisError:
            _redis_ok = False
            print(f"\n{'#' * 64}\n# Redis not reachable at {REDIS_URL}: SKIPPING THE REDIS TESTS\n{'#' * 64}")
    if not _redis_ok:
        if os.environ.get("CI") == "true":
            pytest.fail(
                f"CI: Redis does not answer at {REDIS_URL}; the Redis broadcaster tests are required."
            )
        pytest.skip(f"Redis not reachable at {REDIS_URL}")
    return REDIS_URL


@pytest.fixture(params=["database", "redis"])
def broadcaster(request, settings):
    """Run the test once with each broadcaster (the contract both must keep)."""
    settings.REALTIME_BROADCASTER = request.param
    settings.REALTIME_POLL_MS = 20
    if request.param == "redis":
        settings.REDIS_URL = redis_url()
        settings.REALTIME_REDIS_PREFIX = f"ruche-test-{uuid.uuid4().hex[:8]}"
    broadcast.get_broadcaster.cache_clear()
    yield request.param
    broadcast.get_broadcaster.cache_clear()


@pytest.fixture(autouse=True)
def _fresh_broadcaster():
    broadcast.get_broadcaster.cache_clear()
    yield
    broadcast.get_broadcaster.cache_clear()


assert django_settings  # settings are read lazily by the fixtures above
