"""Periodic jobs that `manage.py serve` runs, registered by the apps that own them.

An app registers, in its AppConfig.ready, a factory that returns a `tick()` callable
(`register_periodic("notifications", lambda: Scheduler().tick)`); `serve` builds one of each at
start and calls every tick every half second. A tick only enqueues tasks and never raises: the
web server must not stop because the queue is briefly unavailable."""

from collections.abc import Callable

_factories: dict[str, Callable[[], Callable[[], object]]] = {}


def register_periodic(name: str, factory: Callable[[], Callable[[], object]]) -> None:
    _factories[name] = factory


def periodic_ticks() -> list[Callable[[], object]]:
    """A fresh tick of every registered job, in registration order."""
    return [factory() for factory in _factories.values()]


def periodic_names() -> list[str]:
    return list(_factories)
