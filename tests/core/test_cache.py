"""The shared cache is an accelerator (ruche/core/cache.py): with Redis stopped or hung, the pages
still answer, from the database, and soon; with Redis up, it is Django's Redis cache."""

import inspect
import socket
import threading
import time

import pytest
import redis
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.test import override_settings

from ruche.core import cache as resilient
from ruche.posts.services import post_create

pytestmark = pytest.mark.django_db

PAGES = ["/", "/?order=relevant", "/api/ruche/v1/feed/?order=relevant", "/notifications/", "/company/"]


def redis_cache(location: str) -> dict:
    return {
        "default": {
            "BACKEND": "ruche.core.cache.ResilientRedisCache",
            "LOCATION": location,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }


@pytest.fixture(autouse=True)
def fresh_breaker():
    resilient._down_until.clear()
    yield
    resilient._down_until.clear()


@pytest.fixture
def world(client, alice, bruno):
    from ruche.accounts.services import user_follow

    user_follow(follower=alice, followed=bruno)
    post_create(author=bruno, body="Atelier ouvert samedi #qualite")
    client.force_login(alice)
    return client


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the block ends: connections are refused


@pytest.fixture
def hung_redis():
    """A server that accepts connections and never answers: Redis stuck."""
    server = socket.create_server(("127.0.0.1", 0))
    held, stop = [], threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    server.close()


def test_with_redis_stopped_every_page_answers_from_the_database(world, caplog):
    with override_settings(CACHES=redis_cache(f"redis://127.0.0.1:{closed_port()}/0")):
        for path in PAGES:
            response = world.get(path)
            assert response.status_code == 200, path
        assert "Atelier ouvert samedi" in world.get("/").content.decode()
    warnings = [r.getMessage() for r in caplog.records if r.name == "ruche.core.cache"]
    assert len(warnings) == 1 and "unavailable" in warnings[0]  # once for the outage, not per read


def test_with_redis_hung_a_page_waits_for_one_timeout_then_not_at_all(world, hung_redis):
    with override_settings(CACHES=redis_cache(hung_redis)):
        started = time.monotonic()
        assert world.get("/").status_code == 200
        first = time.monotonic() - started
        started = time.monotonic()
        for path in PAGES:
            assert world.get(path).status_code == 200, path
        then = time.monotonic() - started
    assert first < 4  # one read waits for the socket's timeout (1 s); the others are not tried
    assert (
        then < 4
    )  # five pages (each reading the cache: 5 s and more if each waited) while the cache is known to be down: no timeout waited


def test_when_redis_answers_again_the_cache_is_used_again(monkeypatch):
    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379 (scripts/test-all requires it in CI)")
    with override_settings(CACHES=redis_cache(url)):
        cache = caches["default"]
        cache.set("ruche-test-key", {"n": 1}, 30)
        assert cache.get("ruche-test-key") == {"n": 1}
        cache.delete("ruche-test-key")
        # Down: reads miss, writes do nothing, counters fall back as for a missing key.
        resilient._down_until[",".join(cache._servers)] = time.monotonic() + 60
        cache.set("ruche-test-key", 2, 30)
        assert cache.get("ruche-test-key", "missing") == "missing"
        assert cache.get_or_set("ruche-test-key", lambda: 3, 30) == 3
        with pytest.raises(ValueError):
            cache.incr("ruche-test-key")
        # Past the retry delay, Redis is asked again, and holds nothing of the outage.
        monkeypatch.setattr(resilient, "RETRY_SECONDS", 0)
        resilient._down_until[",".join(cache._servers)] = time.monotonic() - 1
        assert cache.get("ruche-test-key") is None
        cache.set("ruche-test-key", 4, 30)
        assert cache.get("ruche-test-key") == 4
        cache.delete("ruche-test-key")


def test_every_method_of_djangos_redis_cache_is_guarded():
    """The day Django's Redis backend gains a method that reaches Redis, it must be guarded too."""
    public = {
        name
        for name, member in inspect.getmembers(RedisCache, inspect.isfunction)
        if not name.startswith("_") and name in vars(RedisCache)
    }
    assert public - {"get_backend_timeout"} == set(resilient.DEGRADED)
    for name in resilient.DEGRADED:
        assert name in vars(resilient.ResilientRedisCache), name
