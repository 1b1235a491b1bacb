"""Domain events: how a lower app causes work in a higher one without importing it.

The app that does something declares what happened as a frozen dataclass in its own `events.py`
(`ruche.posts.events.PostPublished`) and calls `publish(event)` in its service. The apps above
subscribe in their `AppConfig.ready` (`subscribe(PostPublished, on_post_published)`).

The rules (docs/architecture.md, "Seams"):
- a reaction runs at once, in the publisher's transaction: it writes its rows or enqueues its
  task with `task.enqueue()`, so a rollback takes the reaction away with the change;
- reactions run in the order they subscribed, which is the order of INSTALLED_APPS: deterministic;
- an exception propagates to the publisher (no silent swallowing, unlike `send_robust`);
- publishing an event nobody subscribed to is an error, not a silent no-op: a missing
  `AppConfig.ready` registration fails the first test that publishes it
  (tests/core/test_seams.py also pins who subscribes to what).
"""

from collections.abc import Callable

_subscribers: dict[type, list[Callable]] = {}


def subscribe[E](event_type: type[E], reaction: Callable[[E], None]) -> None:
    """Run `reaction(event)` each time an event of this type is published. Subscribing the same
    reaction twice (a second `ready()` in tests) keeps one."""
    reactions = _subscribers.setdefault(event_type, [])
    if reaction not in reactions:
        reactions.append(reaction)


def publish(event: object) -> None:
    reactions = _subscribers.get(type(event))
    if not reactions:
        raise RuntimeError(f"no subscriber for {type(event).__qualname__}: is its app installed and ready?")
    for reaction in reactions:
        reaction(event)


def subscribers(event_type: type) -> list[Callable]:
    """Who reacts to this event type, in order (for tests and for reading)."""
    return list(_subscribers.get(event_type, []))
