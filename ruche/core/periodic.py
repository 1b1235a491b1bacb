"""Periodic jobs that `manage.py serve` runs, registered by the apps that own them.

An app registers, in its AppConfig.ready, a factory that returns a `tick()` callable
(`register_periodic("notifications", lambda: Scheduler().tick)`); `serve` builds one of each at
start and calls every tick every half second. A tick only enqueues tasks and never raises: the
web server must not stop because the queue is briefly unavailable."""

import logging
import time
from collections.abc import Callable

log = logging.getLogger(__name__)

_factories: dict[str, Callable[[], Callable[[], object]]] = {}


def register_periodic(name: str, factory: Callable[[], Callable[[], object]]) -> None:
    _factories[name] = factory


def periodic_ticks() -> list[Callable[[], object]]:
    """A fresh tick of every registered job, in registration order."""
    return [factory() for factory in _factories.values()]


def periodic_names() -> list[str]:
    return list(_factories)


class Every:
    """A job that enqueues something every `seconds` (the first tick does): `register_periodic(
    "sources", lambda: Every(60, sources_poll_due.enqueue).tick)`. A failed enqueue is logged and
    tried again at the next tick."""

    def __init__(self, seconds: float, enqueue: Callable[[], object]):
        self.seconds, self.enqueue, self.last = seconds, enqueue, None

    def tick(self, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        if self.last is not None and now - self.last < self.seconds:
            return False
        try:
            self.enqueue()
        except Exception:  # the web server must not stop because the queue is briefly unavailable
            log.exception("periodic job failed")
            return False
        self.last = now
        return True
