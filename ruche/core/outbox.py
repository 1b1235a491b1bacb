"""The e-mail outbox for apps below the one that owns it (accounts' invitations): the notifications
app registers its queueing function here in its AppConfig.ready (see docs/architecture.md, hooks)."""

from collections.abc import Callable

_queue: Callable | None = None


def register_outbox(queue: Callable) -> None:
    """`queue(*, recipient, kind, template, context, key, check_preference)` -> the outbox row or None."""
    global _queue
    _queue = queue


def email_queue(**message):
    """Queue an e-mail in the outbox: written now, sent by the worker with retries, once per key."""
    if _queue is None:
        raise RuntimeError("no outbox registered (ruche.notifications is not installed)")
    return _queue(**message)
